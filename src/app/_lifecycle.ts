/**
 * Rules shared by the use cases that change a task's state: who may write to a held task,
 * lease renewal, and the automatic blocked <-> pending transitions.
 *
 * @module
 */

import { TmError } from "../core/errors.ts";
import type { Task } from "../core/task.ts";
import type { StoreTx } from "../store/store.ts";
import { participantsOf, recordEvent } from "./_events.ts";

/** Whether `task` is held by a live claim at `now`. */
export function isHeld(task: Task, now: string): boolean {
  return task.status === "in_progress" && task.claimed_by !== null &&
    task.lease_expires_at !== null && task.lease_expires_at >= now;
}

/**
 * Refuse a write to `task` by `agent` while another agent holds it (exit 6). A former
 * holder whose lease was taken over learns that its lease was lost.
 */
export function assertNotHeldByOther(task: Task, agent: string, now: string, action: string) {
  if (!isHeld(task, now) || task.claimed_by === agent) return;
  throw new TmError(
    "conflict",
    `cannot ${action} task "${task.id}": held by "${task.claimed_by}" until ${task.lease_expires_at}`,
    {
      hint: "wait for the lease to end, or work on another task (tm ready)",
      details: { holder: task.claimed_by, lease_expires_at: task.lease_expires_at },
    },
  );
}

/** The exit-6 error of a former holder whose expired lease `lostTo` took over. */
export function leaseLostError(task: Task, agent: string, lostTo: string, action: string) {
  const now = task.status === "in_progress" && task.claimed_by !== null
    ? `; now held by "${task.claimed_by}"`
    : `; it is now ${task.status}`;
  return new TmError(
    "lease_lost",
    `cannot ${action} task "${task.id}": lease lost: "${agent}"'s lease expired and "${lostTo}" took the task over${now}`,
    {
      hint: "stop working on it; claim it again once it is free, or pick other work (tm ready)",
      details: {
        lost_to: lostTo,
        holder: task.claimed_by,
        status: task.status,
        lease_expires_at: task.lease_expires_at,
      },
    },
  );
}

/**
 * Check that `agent` may write to `task`: refuse a former holder whose lease was taken over
 * (lease_lost, exit 6, even after the new holder finished or released it), then a task held
 * by someone else (conflict, exit 6). Every write path to a task calls this first.
 */
export async function assertWriter(
  tx: StoreTx,
  task: Task,
  agent: string,
  now: string,
  action: string,
): Promise<void> {
  if (!(task.status === "in_progress" && task.claimed_by === agent)) {
    const lostTo = await tx.events.leaseLostTo(task.id, agent);
    if (lostTo !== null) throw leaseLostError(task, agent, lostTo, action);
  }
  assertNotHeldByOther(task, agent, now, action);
}

/**
 * If `agent` holds `task`, extend its lease to at least `now + ttlMs`: any write by the
 * holder renews it.
 */
export async function renewIfHolder(
  tx: StoreTx,
  task: Task,
  agent: string,
  now: string,
  ttlMs: number,
): Promise<void> {
  if (task.status === "in_progress" && task.claimed_by === agent) {
    const lease = new Date(Date.parse(now) + ttlMs).toISOString();
    // Never shorten a longer lease taken with `claim --ttl`.
    if (task.lease_expires_at !== null && task.lease_expires_at >= lease) return;
    await tx.tasks.update(task.id, { lease_expires_at: lease });
    task.lease_expires_at = lease;
  }
}

/** Block `task` if it is pending and has an open dependency. Returns whether it changed. */
export async function blockIfWaiting(
  tx: StoreTx,
  task: Task,
  agent: string,
  now: string,
): Promise<boolean> {
  if (task.status !== "pending") return false;
  const open = await tx.dependencies.openCount(task.id);
  if (open === 0) return false;
  await tx.tasks.update(task.id, { status: "blocked", updated_at: now });
  task.status = "blocked";
  await recordEvent(tx, { taskId: task.id, type: "blocked", agent, now, data: { open } });
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
