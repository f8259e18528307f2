/**
 * `tm import` reads tm's own `export --format json` document as well as JSON Lines.
 */
import assert from "node:assert/strict";
import { addTask, initProject, tm } from "./_in_process.ts";

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
