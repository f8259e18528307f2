/**
 * The automatic blocked <-> pending transitions that writes to the dependency graph cause.
 * Who may write and lease renewal are in `_task_write.ts`.
 *
 * @module
 */

import type { Task } from "../core/task.ts";
import type { StoreTx } from "../store/store.ts";
import { participantsOf, recordEvent } from "./_events.ts";
import type { TaskWrite } from "./_task_write.ts";

/** Block the written task if it is pending and has an open dependency; returns it as it is now. */
export async function blockIfWaiting(w: TaskWrite): Promise<Task> {
  if (w.task.status !== "pending") return w.task;
  if (!await blockIfOpen(w.tx, w.task.id, w.ctx.agent, w.now)) return w.task;
  return { ...w.task, status: "blocked", updated_at: w.now };
}

/**
 * Move `taskId` from pending to blocked, recording `blocked`, if one of its dependencies is
 * open; returns whether it changed. `cause` says why when the task itself was not written.
 */
export async function blockIfOpen(
  tx: StoreTx,
  taskId: string,
  agent: string,
  now: string,
  cause?: string,
): Promise<boolean> {
  const task = await tx.tasks.get(taskId);
  if (task === null || task.status !== "pending") return false;
  const open = await tx.dependencies.openCount(taskId);
  if (open === 0) return false;
  await tx.tasks.update(taskId, { status: "blocked", updated_at: now });
  await recordEvent(tx, {
    taskId,
    type: "blocked",
    agent,
    now,
    data: cause === undefined ? { open } : { open, cause },
  });
  return true;
}

/**
 * Move `task` from blocked to pending if its last dependency is done, and tell its
 * participants. A task blocked by hand or given up by a worker stays blocked. Returns
 * whether it changed.
 */
export async function unblockIfReady(
  tx: StoreTx,
  taskId: string,
  agent: string,
  now: string,
  cause: string,
): Promise<boolean> {
  const task = await tx.tasks.get(taskId);
  if (task === null || task.status !== "blocked") return false;
  if (await tx.dependencies.openCount(taskId) > 0) return false;
  if (!await tx.tasks.blockedByDependencies(taskId)) return false;
  await tx.tasks.update(taskId, { status: "pending", updated_at: now });
  await recordEvent(tx, {
    taskId,
    type: "unblocked",
    agent,
    now,
    data: { cause },
    notify: {
      recipients: await participantsOf(tx, taskId),
      message: `Task ${taskId} "${task.title}" is unblocked and ready to start (${cause})`,
    },
  });
  return true;
}

/** A blocked <-> pending transition of one task; whether it changed. */
type Transition = typeof unblockIfReady;

/** Apply `transition` to each task that depends on `taskId`; the ids that changed. */
async function forDependents(
  transition: Transition,
  tx: StoreTx,
  taskId: string,
  ...rest: [agent: string, now: string, cause: string]
): Promise<string[]> {
  const changed: string[] = [];
  for (const dependent of await tx.dependencies.dependentsOf(taskId)) {
    if (await transition(tx, dependent.id, ...rest)) changed.push(dependent.id);
  }
  return changed;
}

/** After `taskId` completed or left the graph, unblock the dependents that were waiting. */
export function unblockDependents(
  tx: StoreTx,
  taskId: string,
  agent: string,
  now: string,
  cause: string,
): Promise<string[]> {
  return forDependents(unblockIfReady, tx, taskId, agent, now, cause);
}

/** After `taskId` re-opened, block the pending dependents that wait on it again. */
export function blockDependents(
  tx: StoreTx,
  taskId: string,
  agent: string,
  now: string,
  cause: string,
): Promise<string[]> {
  return forDependents(blockIfOpen, tx, taskId, agent, now, cause);
}

/**
 * Settle `taskId` against its dependencies as they are now, both ways: a pending task with
 * an open dependency is blocked, a task blocked on dependencies that are all done is
 * unblocked (its participants told). For writes that set a status wholesale (import,
 * restore) rather than through a transition.
 */
export async function settleAgainstDependencies(
  tx: StoreTx,
  taskId: string,
  agent: string,
  now: string,
  cause: string,
): Promise<void> {
  if (!await blockIfOpen(tx, taskId, agent, now, cause)) {
    await unblockIfReady(tx, taskId, agent, now, cause);
  }
}
