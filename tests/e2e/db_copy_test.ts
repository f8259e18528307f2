/**
 * `tm db copy`: everything moves, verified, between SQLite files and (with a server)
 * PostgreSQL and back; a non-empty target is refused unless --force.
 */
import assert from "node:assert/strict";
import { addTask, initProject, tm, tmJson } from "../_cli.ts";
import { freshPostgresSchema, TEST_DATABASE_URL } from "../../src/store/_store_engines.ts";

/** A project with dependencies, a claim, progress, shared context, criteria and feedback. */
async function busyProject(): Promise<string> {
  const cwd = await initProject();
  const a = await addTask(cwd, "first", ["--priority", "high", "--tag", "x"]);
  const b = await addTask(cwd, "second");
  for (
    const args of [
      ["dep", "add", b, a],
      ["share", a, "hello"],
      ["criteria", a, "--add", "documented"],
      ["claim", a],
      ["progress", a, "40% on the way"],
      ["complete", a, "--summary", "done"],
      ["feedback", a, "--quality", "5"],
      ["agent", "register", "tester", "--capability", "ts"],
    ]
  ) {
    const result = await tm(args, { cwd });
    assert.equal(result.code, 0, `${args.join(" ")}: ${result.stderr}`);
  }
  return cwd;
}

/** The project's export, a complete picture of its tasks. */
async function exported(cwd: string, env: Record<string, string> = {}): Promise<unknown> {
  return (await tmJson(["export"], { cwd, env })).tasks;
}

Deno.test("tm db copy copies every table to a SQLite file, verified, and refuses to overwrite", async () => {
  const cwd = await busyProject();
  const copy = await tmJson(["db", "copy", "--to", "copy.db"], { cwd });
  assert.equal(copy.verified, true);
  const tables = copy.tables as Array<{ table: string; rows: number }>;
  assert.equal(tables.find((t) => t.table === "tasks")!.rows, 2);
  assert.ok(tables.find((t) => t.table === "events")!.rows > 5);
  assert.deepEqual(await exported(cwd, { TM_DB_PATH: `${cwd}/copy.db` }), await exported(cwd));
  const again = await tm(["db", "copy", "--to", "copy.db"], { cwd });
  assert.equal(again.code, 6);
  assert.match(again.stderr, /already holds \d+ rows of tm data .*--force/);
  assert.equal((await tm(["db", "copy", "--to", "copy.db", "--force"], { cwd })).code, 0);
  assert.equal(again.stdout, "", "quiet in a pipe: no progress");
});

Deno.test({
  name: "tm db copy moves a project to PostgreSQL and back with nothing lost",
  ignore: TEST_DATABASE_URL === undefined,
  async fn() {
    const schema = await freshPostgresSchema();
    try {
      const cwd = await busyProject();
      const before = await exported(cwd);
      const there = await tmJson(["db", "copy", "--to", schema.url], { cwd });
      assert.equal(there.verified, true);
      const pg = { TM_DATABASE_URL: schema.url };
      assert.deepEqual(await exported(cwd, pg), before);
      // The copy is a working project: new rows get fresh ids after the copied ones.
      await addTask(cwd, "added in postgres", [], pg);
      const back = await tmJson(["db", "copy", "--to", "back.db"], { cwd, env: pg });
      assert.equal(back.verified, true);
      const returned = await exported(cwd, { TM_DB_PATH: `${cwd}/back.db` });
      assert.deepEqual(returned, await exported(cwd, pg));
      assert.equal((returned as unknown[]).length, 3);
    } finally {
      await schema.drop();
    }
  },
});
