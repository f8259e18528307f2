import assert from "node:assert/strict";
import { TmError } from "../core/errors.ts";
import type { AppContext } from "./context.ts";
import { addTask } from "./add_task.ts";
import { claimTask, heartbeat, releaseTask } from "./claims.ts";
import { joinTask, shareContext } from "./collaboration.ts";
import { completeTask } from "./complete_task.ts";
import { changeCriteria } from "./criteria.ts";
import { deleteTask } from "./delete_task.ts";
import { addDependency, removeDependency } from "./dependencies.ts";
import { addProgress } from "./progress.ts";
import { recordProgress } from "./progress_log.ts";
import { assignTask, updateTask } from "./update_task.ts";
import { giveUpTask, recordRunFailure } from "./worker_records.ts";
import { type TestContext, testContext } from "./_test_context.ts";

const TTL = 30 * 60_000;

/** The ids a write path works on: the task, and a completed task it may depend on. */
interface Ids {
  task: string;
  done: string;
}

/** One write path and the lease policy it declares. */
interface WritePath {
  name: string;
  policy: "holder-or-free" | "holder" | "unchecked";
  /** The holder's lease after the holder writes ten minutes into it. */
  holderLease: "renewed" | "unchanged" | "gone";
  /** Done before the task is claimed. */
  setup?: (ctx: AppContext, ids: Ids) => Promise<unknown>;
  write: (ctx: AppContext, ids: Ids) => Promise<unknown>;
}

const PATHS: WritePath[] = [
  {
    name: "updateTask",
    policy: "holder-or-free",
    holderLease: "renewed",
    write: (c, { task }) => updateTask(c, task, { priority: "high" }),
  },
  {
    name: "assignTask",
    policy: "holder-or-free",
    holderLease: "renewed",
    write: (c, { task }) => assignTask(c, task, c.agent),
  },
  {
    name: "addDependency",
    policy: "holder-or-free",
    holderLease: "renewed",
    write: (c, { task, done }) => addDependency(c, task, done),
  },
  {
    name: "removeDependency",
    policy: "holder-or-free",
    holderLease: "renewed",
    setup: (c, { task, done }) => addDependency(c, task, done),
    write: (c, { task, done }) => removeDependency(c, task, done),
  },
  {
    name: "addProgress",
    policy: "holder-or-free",
    holderLease: "renewed",
    write: (c, { task }) => addProgress(c, task, "50% half way"),
  },
  {
    name: "recordProgress",
    policy: "holder-or-free",
    holderLease: "renewed",
    write: (c, { task }) => recordProgress(c, task, ["a line of output"]),
  },
  {
    name: "changeCriteria",
    policy: "holder-or-free",
    holderLease: "renewed",
    write: (c, { task }) => changeCriteria(c, task, { add: { criterion: "x", measurable: null } }),
  },
  {
    name: "recordRunFailure",
    policy: "holder-or-free",
    holderLease: "renewed",
    write: (c, { task }) => recordRunFailure(c, task, { attempt: 1, exit_code: 1, tail: [] }),
  },
  {
    name: "completeTask",
    policy: "holder-or-free",
    holderLease: "gone",
    write: (c, { task }) => completeTask(c, task),
  },
  {
    name: "deleteTask",
    policy: "holder-or-free",
    holderLease: "gone",
    write: (c, { task }) => deleteTask(c, task),
  },
  {
    name: "giveUpTask",
    policy: "holder-or-free",
    holderLease: "gone",
    write: (c, { task }) => giveUpTask(c, task, "no luck"),
  },
  {
    name: "heartbeat",
    policy: "holder",
    holderLease: "renewed",
    write: (c, { task }) => heartbeat(c, task),
  },
  {
    name: "releaseTask",
    policy: "holder",
    holderLease: "gone",
    write: (c, { task }) => releaseTask(c, task),
  },
  {
    name: "shareContext",
    policy: "unchecked",
    holderLease: "renewed",
    write: (c, { task }) => shareContext(c, task, { type: "share", message: "found it" }),
  },
  {
    name: "joinTask",
    policy: "unchecked",
    holderLease: "unchanged",
    write: (c, { task }) => joinTask(c, task),
  },
];

/** A project with the task to write to and a completed task to depend on. */
async function project(path: WritePath): Promise<{ ctx: TestContext; ids: Ids }> {
  const ctx = await testContext("creator");
  const done = await addTask(ctx, { title: "done" });
  await completeTask(ctx, done.id);
  const task = await addTask(ctx, { title: "contested" });
  const ids = { task: task.id, done: done.id };
  await path.setup?.(ctx, ids);
  return { ctx, ids };
}

/** The outcome of a write: "ok" or the error code. */
async function outcome(write: Promise<unknown>): Promise<string> {
  try {
    await write;
    return "ok";
  } catch (error) {
    if (error instanceof TmError) return error.code;
    throw error;
  }
}

const EXPECTED = {
  "holder-or-free": { otherHolds: "conflict", leaseLost: "lease_lost", free: "ok" },
  holder: { otherHolds: "conflict", leaseLost: "lease_lost", free: "invalid_transition" },
  unchecked: { otherHolds: "ok", leaseLost: "ok", free: "ok" },
} as const;

for (const path of PATHS) {
  const expected = EXPECTED[path.policy];

  Deno.test(`${path.name}() while another agent holds the task: ${expected.otherHolds}`, async () => {
    const { ctx, ids } = await project(path);
    await claimTask(ctx.as("holder"), ids.task);
    assert.equal(await outcome(path.write(ctx.as("other"), ids)), expected.otherHolds);
  });

  Deno.test(`${path.name}() by a holder whose lease was taken over: ${expected.leaseLost}`, async () => {
    const { ctx, ids } = await project(path);
    await claimTask(ctx.as("former"), ids.task, { ttlMs: 1000 });
    ctx.advance(1001);
    await claimTask(ctx.as("taker"), ids.task);
    assert.equal(await outcome(path.write(ctx.as("former"), ids)), expected.leaseLost);
  });

  Deno.test(`${path.name}() on a task nobody holds: ${expected.free}`, async () => {
    const { ctx, ids } = await project(path);
    assert.equal(await outcome(path.write(ctx.as("anyone"), ids)), expected.free);
  });

  Deno.test(`${path.name}() by the holder leaves its lease ${path.holderLease}`, async () => {
    const { ctx, ids } = await project(path);
    const claimed = await claimTask(ctx.as("holder"), ids.task);
    ctx.advance(10 * 60_000);
    assert.equal(await outcome(path.write(ctx.as("holder"), ids)), "ok");
    const task = await ctx.store.read((tx) => tx.tasks.get(ids.task));
    const lease = task?.lease_expires_at ?? null;
    if (path.holderLease === "renewed") {
      assert.equal(lease, new Date(ctx.now().getTime() + TTL).toISOString());
    } else if (path.holderLease === "unchanged") {
      assert.equal(lease, claimed.task!.lease_expires_at);
    } else {
      assert.equal(lease, null);
    }
  });
}
