/**
 * The lease rules, in one place: when a claim holds a task, and who may claim it. The store
 * only applies a claim as a compare-and-swap on the state these rules were checked against.
 * Pure: no I/O.
 *
 * @module
 */

import type { Task } from "./task.ts";

/** The fields of a task the lease rules read. */
export type LeaseState = Pick<Task, "status" | "claimed_by" | "lease_expires_at" | "assignee">;

/** Whether `task` is held by a live claim at `now` (ISO 8601). */
export function isHeld(task: LeaseState, now: string): boolean {
  return task.status === "in_progress" && task.claimed_by !== null &&
    task.lease_expires_at !== null && task.lease_expires_at >= now;
}

/** Whether `agent` holds `task` by a live claim at `now`. */
export function isHeldBy(task: LeaseState, agent: string, now: string): boolean {
  return isHeld(task, now) && task.claimed_by === agent;
}

/**
 * Whether `agent` may claim `task` at `now`: its own live claim (which the claim renews),
 * or a task not assigned to someone else that is pending or in progress with a lease that
 * has ended (the claim takes it over).
 */
export function mayClaim(task: LeaseState, agent: string, now: string): boolean {
  if (isHeldBy(task, agent, now)) return true;
  if (task.assignee !== null && task.assignee !== agent) return false;
  return task.status === "pending" ||
    (task.status === "in_progress" && task.lease_expires_at !== null &&
      task.lease_expires_at < now);
}
