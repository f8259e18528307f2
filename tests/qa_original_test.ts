/**
 * Lines the original tool's shell suites grep, found by exploratory QA against
 * research/original.md (findings in the QA notes); each test pins one of them.
 */
import assert from "node:assert/strict";
import { initProject, tempDir, tm } from "./_in_process.ts";

Deno.test("a project whose database file went missing says the database is not found", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  await Deno.remove(`${cwd}/.task-orchestrator/tasks.db`);
  const result = await tm(["list"], { cwd });
  assert.equal(result.code, 4);
  assert.match(result.stderr, /^tm: not initialised: database ".*tasks\.db" not found/);
});

Deno.test("a directory without a project says the data directory is not found", async () => {
  await using dir = await tempDir();
  const result = await tm(["list"], { cwd: dir.dir });
  assert.equal(result.code, 4);
  assert.match(result.stderr, /^tm: not initialised: \.task-orchestrator directory not found/);
});
