/**
 * `tm import` reads tm's own `export --format json` document as well as JSON Lines.
 */
import assert from "node:assert/strict";
import { addTask, Clock, initProject, tm, tmJson } from "./_in_process.ts";

Deno.test("import reads the export --format json document and keeps everything", async () => {
  await using from = await initProject();
  await using to = await initProject();
  const a = await addTask(from.dir, "A", ["--tag", "x", "--meta", "k:v", "-p", "high"]);
  await addTask(from.dir, "B", ["--depends-on", a, "--file", "b.ts:1:2"]);
  const document = (await tm(["export", "--format", "json"], { cwd: from.dir })).stdout;
  const imported = await tm(["import", "-"], { cwd: to.dir, stdin: document });
  assert.equal(imported.code, 0, imported.stderr);
  assert.equal(imported.stdout, "Imported 2 tasks\n");
  const jsonl = async (cwd: string) => (await tm(["export", "--format", "jsonl"], { cwd })).stdout;
  assert.equal(await jsonl(to.dir), await jsonl(from.dir));
});

Deno.test("a bad task in a JSON document is named by its position", async () => {
  await using project = await initProject();
  const document = JSON.stringify({
    schema_version: 1,
    tasks: [{ id: "aaaa0001", title: "ok" }, { id: "aaaa0002", title: "", status: "pending" }],
  });
  const result = await tm(["import", "-"], { cwd: project.dir, stdin: document });
  assert.equal(result.code, 5);
  assert.match(result.stderr, /^tm: task 2: field "title": Task title cannot be empty/);
});

Deno.test("export carries shared context and participants, and import restores them", async () => {
  await using from = await initProject();
  await using to = await initProject();
  const id = await addTask(from.dir, "T");
  const bob = { TM_AGENT_ID: "bob" };
  assert.equal((await tm(["join", id], { cwd: from.dir, env: bob })).code, 0);
  assert.equal((await tm(["share", id, "first finding"], { cwd: from.dir, env: bob })).code, 0);
  assert.equal((await tm(["sync", id, "api frozen"], { cwd: from.dir })).code, 0);
  const exported = (await tm(["export", "--format", "jsonl"], { cwd: from.dir })).stdout;
  const record = JSON.parse(exported.trim());
  assert.deepEqual(
    record.context.map((e: { agent: string; type: string; text: string }) => [
      e.agent,
      e.type,
      e.text,
    ]),
    [["bob", "share", "first finding"], ["tester", "sync", "api frozen"]],
  );
  assert.deepEqual(
    record.participants.map((p: { agent: string; role: string }) => [p.agent, p.role]),
    [["tester", "creator"], ["bob", "joiner"]],
  );
  assert.equal((await tm(["import", "-"], { cwd: to.dir, stdin: exported })).code, 0);
  const again = (await tm(["export", "--format", "jsonl"], { cwd: to.dir })).stdout;
  assert.equal(again, exported);
  const context = await tm(["context", id], { cwd: to.dir });
  assert.match(context.stdout, /bob \[share\] first finding/);
});

Deno.test("import --merge updates tasks whose copy is newer and reports what it skipped", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const clock = new Clock(new Date("2026-12-01T10:00:00Z"));
  const kept = await addTask(cwd, "Kept");
  const changed = await addTask(cwd, "Old title", ["--tag", "old"]);
  const exported = (await tm(["export", "--format", "jsonl"], { cwd })).stdout;
  const records = exported.trim().split("\n").map((l) => JSON.parse(l));
  const newer = records.map((r) =>
    r.id === changed
      ? { ...r, title: "New title", tags: ["new"], updated_at: "2099-01-01T00:00:00.000Z" }
      : r
  );
  newer.push({ ...records[0], id: "bbbb0001", title: "Brand new" });
  const file = newer.map((r) => JSON.stringify(r)).join("\n");
  const plain = await tm(["import", "-"], { cwd, stdin: file, clock });
  assert.equal(plain.code, 5, "without --merge an existing id is refused");
  const merged = await tm(["import", "--merge", "-"], { cwd, stdin: file, clock });
  assert.equal(merged.code, 0, merged.stderr);
  assert.equal(
    merged.stdout,
    `Imported 1 tasks, updated 1, skipped 1\nSkipped ${kept}: the existing task is as new or newer\n`,
  );
  const task = (await tmJson(["show", changed], { cwd })).task as { title: string; tags: string[] };
  assert.equal(task.title, "New title");
  assert.deepEqual(task.tags, ["new"]);
  assert.equal(
    ((await tmJson(["show", "bbbb0001"], { cwd })).task as { title: string }).title,
    "Brand new",
  );
});
