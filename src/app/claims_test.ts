import assert from "node:assert/strict";
import { TmError } from "../core/errors.ts";
import { addTask } from "./add_task.ts";
import { claimTask, heartbeat, releaseTask } from "./claims.ts";
import { completeTask } from "./complete_task.ts";
import { updateTask } from "./update_task.ts";
import { testContext } from "./_test_context.ts";

function errorCode(error: unknown): string {
  return error instanceof TmError ? error.code : String(error);
}

Deno.test("claimTask() lets exactly one agent hold a task until its lease ends", async () => {
  const ctx = await testContext();
  const task = await addTask(ctx, { title: "one" });
  const first = await claimTask(ctx.as("a"), task.id);
  assert.equal(first.task?.claimed_by, "a");
  await assert.rejects(() => claimTask(ctx.as("b"), task.id), (e) => errorCode(e) === "conflict");
  ctx.advance(30 * 60_000 + 1);
  const second = await claimTask(ctx.as("b"), null);
  assert.equal(second.task?.id, task.id);
  assert.equal(second.took_over_from, "a");
  const unread = await ctx.store.read((tx) => tx.events.unread("a", 10));
  assert.equal(unread.length, 1);
  assert.equal(unread[0]!.type, "lease_expired");
  assert.equal(unread[0]!.priority, "high");
});

Deno.test("a holder whose lease was taken over cannot write to the task any more", async () => {
  const ctx = await testContext();
  const task = await addTask(ctx, { title: "contested" });
  await claimTask(ctx.as("a"), task.id, { ttlMs: 1000 });
  ctx.advance(1001);
  await claimTask(ctx.as("b"), task.id);
  for (
    const write of [
      () => heartbeat(ctx.as("a"), task.id),
      () => releaseTask(ctx.as("a"), task.id),
      () => completeTask(ctx.as("a"), task.id),
      () => updateTask(ctx.as("a"), task.id, { priority: "high" }),
    ]
  ) {
    await assert.rejects(write, (e) => ["lease_lost", "conflict"].includes(errorCode(e)));
  }
  const current = await ctx.store.read((tx) => tx.tasks.get(task.id));
  assert.equal(current?.claimed_by, "b");
  assert.equal(current?.priority, "medium");
});

Deno.test("any write by the holder renews its lease", async () => {
  const ctx = await testContext();
  const task = await addTask(ctx, { title: "renew me" });
  const claimed = await claimTask(ctx.as("a"), task.id, { ttlMs: 60_000 });
  ctx.advance(50_000);
  const updated = await updateTask(ctx.as("a"), task.id, { priority: "high" });
  assert.ok(updated.task.lease_expires_at! > claimed.task!.lease_expires_at!);
});

Deno.test("releaseTask() returns a task with open dependencies to blocked, not pending", async () => {
  const ctx = await testContext();
  const dep = await addTask(ctx, { title: "dep" });
  const task = await addTask(ctx, { title: "work" });
  await claimTask(ctx, task.id);
  const { addDependency } = await import("./dependencies.ts");
  await addDependency(ctx, task.id, dep.id);
  const released = await releaseTask(ctx, task.id);
  assert.equal(released.status, "blocked");
});
