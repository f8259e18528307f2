import assert from "node:assert/strict";
import { addTask, initProject, tm, tmJson } from "./_in_process.ts";

Deno.test("tm add prints the original's line and list shows the task", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const result = await tm(["add", "Write tests", "-p", "high"], { cwd });
  assert.equal(result.code, 0, result.stderr);
  const match = /^Task created with ID: ([0-9a-f]{8})\n$/.exec(result.stdout);
  assert.ok(match, result.stdout);
  const list = await tm(["list"], { cwd });
  assert.equal(list.stdout, `[${match[1]}] Write tests - pending (high)\n`);
});

Deno.test("completing the last dependency unblocks the dependent", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const first = await addTask(cwd, "first");
  const second = await addTask(cwd, "second", ["--depends-on", first]);
  const shown = await tmJson(["show", second], { cwd });
  assert.equal((shown.task as { status: string }).status, "blocked");
  const done = await tmJson(["complete", first], { cwd });
  assert.deepEqual(done.unblocked, [second]);
  const after = await tmJson(["show", second], { cwd });
  assert.equal((after.task as { status: string }).status, "pending");
});
