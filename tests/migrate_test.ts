import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { MIGRATIONS, SCHEMA_VERSION } from "../src/store/migrations.ts";
import { initProject, projectWithDatabase, tempDir, tm, tmJson } from "./_in_process.ts";

const FIXTURE = new URL("./fixtures/schema_v1.db", import.meta.url);

function userVersion(cwd: string): number {
  const db = new DatabaseSync(`${cwd}/.task-orchestrator/tasks.db`);
  try {
    return (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version;
  } finally {
    db.close();
  }
}

async function backups(cwd: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(`${cwd}/.task-orchestrator/backups`)) {
    names.push(entry.name);
  }
  return names.sort();
}

Deno.test("migrate --status reads a v1 database without migrating it", async () => {
  await using project = await projectWithDatabase(FIXTURE);
  const cwd = project.dir;
  const status = await tmJson(["migrate", "--status"], { cwd });
  assert.equal(status.current_version, 1);
  assert.equal(status.latest_version, SCHEMA_VERSION);
  assert.equal(status.up_to_date, SCHEMA_VERSION === 1);
  assert.deepEqual(
    (status.pending as Array<{ description: string }>).map((m) => m.description),
    MIGRATIONS.slice(1).map((m) => m.description),
  );
  assert.equal(userVersion(cwd), 1);
  assert.deepEqual(await backups(cwd), []);
});

Deno.test("a current tm opens a v1 database, migrates it without loss and leaves a backup", async () => {
  await using project = await projectWithDatabase(FIXTURE);
  const cwd = project.dir;
  const shown = await tmJson(["show", "aaaa0002"], { cwd });
  const task = shown.task as Record<string, unknown>;
  assert.equal(task.title, "Implement the store");
  assert.equal(task.status, "pending");
  assert.equal(task.deadline, "2026-12-01T23:59:59.999Z");
  assert.equal(task.estimated_hours, 5);
  assert.deepEqual(task.files, [
    { path: "src/store.ts", line_start: 10, line_end: 40 },
    { path: "README.md", line_start: null, line_end: null },
  ]);
  assert.deepEqual(task.tags, ["backend"]);
  assert.deepEqual(
    (task.criteria as Array<Record<string, unknown>>).map((
      c,
    ) => [c.criterion, c.measurable, c.status]),
    [["tests pass", null, "unverified"], ["fast enough", "p95_ms < 50", "unverified"]],
  );
  assert.deepEqual((task.dependencies as Array<{ id: string }>).map((d) => d.id), ["aaaa0001"]);
  assert.deepEqual((task.dependents as Array<{ id: string }>).map((d) => d.id), ["aaaa0003"]);
  assert.deepEqual(
    (task.history as Array<{ type: string }>).map((e) => e.type),
    ["created", "unblocked"],
  );
  assert.equal(userVersion(cwd), SCHEMA_VERSION);
  const files = await backups(cwd);
  assert.equal(files.length, SCHEMA_VERSION > 1 ? 1 : 0);
  if (SCHEMA_VERSION > 1) assert.match(files[0]!, /^tasks-v1-\d{8}T\d{9}Z-[0-9a-f]+\.db$/);
  const list = await tmJson(["list"], { cwd });
  assert.equal(list.count, 3);
  const third = await tmJson(["show", "aaaa0003"], { cwd });
  assert.equal((third.task as { description: string }).description, "ünïcödé ✓");
  // The new features work on the migrated rows.
  const done = await tmJson(["complete", "aaaa0002"], { cwd });
  assert.deepEqual(done.unverified, [1, 2]);
});

Deno.test("migrate --apply then --rollback restores the v1 backup, refusing without --yes", async (t) => {
  await using project = await projectWithDatabase(FIXTURE);
  const cwd = project.dir;
  const applied = await tmJson(["migrate", "--apply"], { cwd });
  assert.equal(applied.from_version, 1);
  assert.equal(applied.to_version, SCHEMA_VERSION);
  assert.equal(userVersion(cwd), SCHEMA_VERSION);
  const again = await tm(["migrate", "--apply"], { cwd });
  assert.equal(again.stdout, `Schema is up to date (v${SCHEMA_VERSION})\n`);
  if (SCHEMA_VERSION === 1) return;
  const refused = await tm(["migrate", "--rollback"], { cwd });
  assert.equal(refused.code, 2);
  await t.assertSnapshot(refused.stderr.replace(/tasks-v1-\S+\.db/, "tasks-v1-<stamp>.db"));
  const rolled = await tmJson(["migrate", "--rollback", "--yes"], { cwd });
  assert.equal(rolled.schema_version, 1);
  assert.equal(userVersion(cwd), 1);
  assert.match(rolled.safety_copy as string, /pre-rollback-/);
});

Deno.test("migrate refuses on an uninitialised project and with no backup to restore", async () => {
  await using emptyTemp = await tempDir();
  const empty = emptyTemp.dir;
  assert.equal((await tm(["migrate"], { cwd: empty })).code, 4);
  await using project = await initProject();
  const cwd = project.dir;
  const status = await tm(["migrate"], { cwd });
  assert.match(status.stdout, /^Up to date$/m);
  const none = await tm(["migrate", "--rollback", "--yes"], { cwd });
  assert.equal(none.code, 3);
  assert.match(none.stderr, /no backup to roll back to/);
});
