/**
 * Retracting a shared-context entry: author only, kept in history, hidden elsewhere.
 */
import assert from "node:assert/strict";
import { addTask, initProject, tm, tmJson } from "./_in_process.ts";

Deno.test("the author retracts an entry: hidden from context, mirror and search, kept in history", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const alice = { TM_AGENT_ID: "alice" };
  const id = await addTask(cwd, "T");
  assert.equal((await tm(["share", id, "keep this"], { cwd, env: alice })).code, 0);
  assert.equal((await tm(["share", id, "wrong zebra claim"], { cwd, env: alice })).code, 0);
  const bob = await tm(["retract", id, "2"], { cwd, env: { TM_AGENT_ID: "bob" } });
  assert.equal(bob.code, 5);
  assert.match(bob.stderr, /written by "alice", not "bob"/);
  const done = await tm(["retract", id, "#2"], { cwd, env: alice });
  assert.equal(done.stdout, `Retracted entry #2 of task ${id}\n`);
  const context = await tmJson(["context", id], { cwd });
  assert.deepEqual((context.entries as Array<{ text: string }>).map((e) => e.text), ["keep this"]);
  const mirror = await Deno.readTextFile(
    `${cwd}/.task-orchestrator/shared_context/task_${id}.yaml`,
  );
  assert.ok(!mirror.includes("zebra"), mirror);
  assert.deepEqual((await tmJson(["search", "zebra"], { cwd })).count, 0);
  const shown = await tmJson(["show", id], { cwd });
  const history = (shown.task as { history: Array<{ type: string; data: { text?: string } }> })
    .history;
  assert.equal(history.find((e) => e.type === "context_retracted")?.data.text, "wrong zebra claim");
  const again = await tmJson(["retract", id, "2"], { cwd, env: alice });
  assert.equal(again.retracted, false);
  assert.equal((await tm(["retract", id, "9"], { cwd, env: alice })).code, 3);
  // Numbers are never reused: the next entry is #3.
  const next = await tmJson(["share", id, "later"], { cwd, env: alice });
  assert.equal((next.entry as { seq: number }).seq, 3);
});
