/**
 * The one unit of work for writing to an existing task. Every use case that changes a task
 * goes through {@link writeTask} (or {@link writeLoadedTask} when it loaded the task itself)
 * and states its lease policy in one line; the unit loads the task, checks the writer
 * against that policy, renews the holder's lease, and hands the body a {@link TaskWrite}
 * that records events with the same agent and time.
 *
 * @module
 */

import { TmError } from "../core/errors.ts";
import type { EventType } from "../core/event.ts";
import { isHeld } from "../core/lease.ts";
import type { Task } from "../core/task.ts";
import type { StoreTx } from "../store/store.ts";
import { type AppContext, nowIso } from "./context.ts";
import { type EventInput, recordEvent } from "./_events.ts";
import { loadTask } from "./resolve.ts";

/** Who may write to a task, and what the write does to the writer's lease. */
export interface WritePolicy {
  /** The verb of refusals: `cannot <action> task "ID": …`. */
  action: string;
  /**
   * - `holder-or-free`: anyone, unless another agent holds the task (conflict); a former
   *   holder whose lease was taken over is refused (lease_lost), even after the new holder
   *   finished or released the task.
   * - `holder`: only the agent whose claim the task is under (heartbeat, release).
   * - `unchecked`: no lease check, deliberately (sharing context never needs the lease;
   *   feedback is on completed tasks).
   */
  lease: "holder-or-free" | "holder" | "unchecked";
  /** Whether the holder's write extends its lease (any write by the holder renews it). */
  renew: boolean;
}

/** What the body of a task write works with. */
export interface TaskWrite {
  readonly tx: StoreTx;
  readonly ctx: AppContext;
  /** The task as loaded in this transaction, with the holder's lease already renewed. */
  readonly task: Task;
  /** The time of this write (ISO 8601), the same for every record it makes. */
  readonly now: string;
  /** Record an event on this task by the acting agent at {@link TaskWrite.now}. */
  record(
    type: EventType,
    data?: Record<string, unknown>,
    notify?: EventInput["notify"],
  ): Promise<number>;
}

/** Load `idInput` (id or unique prefix) in one write transaction and apply `change` under `policy`. */
export function writeTask<T>(
  ctx: AppContext,
  idInput: string,
  policy: WritePolicy,
  change: (write: TaskWrite) => Promise<T>,
): Promise<T> {
  return ctx.store.write(async (tx) =>
    writeLoadedTask(tx, ctx, await loadTask(tx, idInput), policy, change)
  );
}

/** Apply `change` to `task`, already loaded in `tx`, under `policy`. */
export async function writeLoadedTask<T>(
  tx: StoreTx,
  ctx: AppContext,
  task: Task,
  policy: WritePolicy,
  change: (write: TaskWrite) => Promise<T>,
): Promise<T> {
  const now = nowIso(ctx);
  await checkWriter(tx, task, ctx.agent, now, policy);
  const current = policy.renew
    ? await renewIfHolder(tx, task, ctx.agent, now, ctx.leaseTtlMs)
    : task;
  return change({
    tx,
    ctx,
    task: current,
    now,
    record: (type, data, notify) =>
      recordEvent(tx, {
        taskId: current.id,
        type,
        agent: ctx.agent,
        now,
        ...(data === undefined ? {} : { data }),
        ...(notify === undefined ? {} : { notify }),
      }),
  });
}

/** Refuse `agent`'s write to `task` if `policy` does not allow it (exit 6 or 5). */
async function checkWriter(
  tx: StoreTx,
  task: Task,
  agent: string,
  now: string,
  policy: WritePolicy,
): Promise<void> {
  if (policy.lease === "unchecked") return;
  const holds = task.status === "in_progress" && task.claimed_by === agent;
  if (!holds) {
    const lostTo = await tx.events.leaseLostTo(task.id, agent);
    if (lostTo !== null) throw leaseLostError(task, agent, lostTo, policy.action);
  }
  if (policy.lease === "holder-or-free") {
    if (holds || !isHeld(task, now)) return;
    throw new TmError(
      "conflict",
      `cannot ${policy.action} task "${task.id}": held by "${task.claimed_by}" until ${task.lease_expires_at}`,
      {
        hint: "wait for the lease to end, or work on another task (tm ready)",
        details: { holder: task.claimed_by, lease_expires_at: task.lease_expires_at },
      },
    );
  }
  if (holds) return;
  if (task.status === "in_progress" && task.claimed_by !== null) {
    throw new TmError(
      "conflict",
      `cannot ${policy.action} task "${task.id}": held by "${task.claimed_by}", not "${agent}"`,
      {
        hint: "claim another task (tm ready), or wait for the lease to end",
        details: { holder: task.claimed_by, lease_expires_at: task.lease_expires_at },
      },
    );
  }
  throw new TmError(
    "invalid_transition",
    `cannot ${policy.action} task "${task.id}": it is not claimed (status ${task.status})`,
    { hint: `claim it first: tm claim ${task.id}` },
  );
}

/** The exit-6 error of a former holder whose expired lease `lostTo` took over. */
function leaseLostError(task: Task, agent: string, lostTo: string, action: string): TmError {
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
 * If `agent` holds `task`, extend its lease to at least `now + ttlMs` and return the task
 * with the new lease; otherwise return it unchanged.
 */
async function renewIfHolder(
  tx: StoreTx,
  task: Task,
  agent: string,
  now: string,
  ttlMs: number,
): Promise<Task> {
  if (!(task.status === "in_progress" && task.claimed_by === agent)) return task;
  const lease = new Date(Date.parse(now) + ttlMs).toISOString();
  // Never shorten a longer lease taken with `claim --ttl`.
  if (task.lease_expires_at !== null && task.lease_expires_at >= lease) return task;
  await tx.tasks.update(task.id, { lease_expires_at: lease });
  return { ...task, lease_expires_at: lease };
}
