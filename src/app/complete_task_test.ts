import assert from "node:assert/strict";
import { TmError } from "../core/errors.ts";
import { addTask } from "./add_task.ts";
import { completeTask } from "./complete_task.ts";
import { deleteTask } from "./delete_task.ts";
import { removeDependency } from "./dependencies.ts";
import { testContext } from "./_test_context.ts";

Deno.test("completeTask() unblocks a dependent only when its last dependency is done", async () => {
  const ctx = await testContext();
  const a = await addTask(ctx, { title: "a" });
  const b = await addTask(ctx, { title: "b" });
  const c = await addTask(ctx.as("carol"), { title: "c", dependsOn: [a.id, b.id] });
  assert.equal(c.status, "blocked");
  assert.deepEqual((await completeTask(ctx, a.id)).unblocked, []);
  assert.deepEqual((await completeTask(ctx, b.id)).unblocked, [c.id]);
  const notes = await ctx.store.read((tx) => tx.events.unread("carol", 10));
  assert.deepEqual(notes.map((n) => n.type), ["unblocked"]);
  assert.match(notes[0]!.message, /is unblocked and ready to start/);
});

Deno.test("completeTask() is idempotent and refuses a task with open dependencies", async () => {
  const ctx = await testContext();
  const a = await addTask(ctx, { title: "a" });
  const b = await addTask(ctx, { title: "b", dependsOn: [a.id] });
  await assert.rejects(
    () => completeTask(ctx, b.id),
    (e) => e instanceof TmError && e.code === "invalid_transition",
  );
  await completeTask(ctx, a.id);
  assert.equal((await completeTask(ctx, a.id)).already_completed, true);
});

Deno.test("removing or force-deleting the last open dependency unblocks the task", async () => {
  const ctx = await testContext();
  const a = await addTask(ctx, { title: "a" });
  const b = await addTask(ctx, { title: "b" });
  const x = await addTask(ctx, { title: "x", dependsOn: [a.id] });
  const y = await addTask(ctx, { title: "y", dependsOn: [b.id] });
  assert.equal((await removeDependency(ctx, x.id, a.id)).task.status, "pending");
  await assert.rejects(() => deleteTask(ctx, b.id), /1 task depends on it/);
  assert.deepEqual((await deleteTask(ctx, b.id, { force: true })).unblocked, [y.id]);
});
