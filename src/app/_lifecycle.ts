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
  const open = await w.tx.dependencies.openCount(w.task.id);
  if (open === 0) return w.task;
  await w.tx.tasks.update(w.task.id, { status: "blocked", updated_at: w.now });
  await w.record("blocked", { open });
  return { ...w.task, status: "blocked", updated_at: w.now };
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

/** After `taskId` completed or left the graph, unblock the dependents that were waiting. */
export async function unblockDependents(
  tx: StoreTx,
  taskId: string,
  agent: string,
  now: string,
  cause: string,
): Promise<string[]> {
  const unblocked: string[] = [];
  for (const dependent of await tx.dependencies.dependentsOf(taskId)) {
    if (await unblockIfReady(tx, dependent.id, agent, now, cause)) unblocked.push(dependent.id);
  }
  return unblocked;
}
