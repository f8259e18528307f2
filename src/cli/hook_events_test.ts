import assert from "node:assert/strict";
import { COMMAND_GROUPS } from "./commands.ts";
import { COMMAND_EVENTS, firesInstalledHook } from "./hook_events.ts";

Deno.test("every command states which events it can record (for the hook permission)", () => {
  const names = COMMAND_GROUPS.flatMap((group) => group.commands.map((c) => c.name));
  const longRunning = new Set(["worker", "serve", "mcp"]);
  const missing = names.filter((name) => !longRunning.has(name) && !(name in COMMAND_EVENTS));
  assert.deepEqual(missing, []);
});

Deno.test("a hook keeps the run permission only for commands that fire its event", () => {
  const hooks = new Set(["on-task-completed"]);
  assert.equal(firesInstalledHook("complete", hooks), true);
  assert.equal(firesInstalledHook("update", hooks), true);
  assert.equal(firesInstalledHook("list", hooks), false);
  assert.equal(firesInstalledHook("note", hooks), false);
  assert.equal(firesInstalledHook("claim", hooks), false);
  assert.equal(firesInstalledHook("list", new Set()), false);
  assert.equal(firesInstalledHook("some-future-command", hooks), true);
});
