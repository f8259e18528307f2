/**
 * Use case: complete a task (`tm complete`, `tm update --status completed`).
 *
 * @module
 */

import { TmError } from "../core/errors.ts";
import type { Task } from "../core/task.ts";
import type { StoreTx } from "../store/store.ts";
import { type AppContext, nowIso } from "./context.ts";
import { participantsOf, recordEvent } from "./_events.ts";
import { assertWriter, unblockDependents } from "./_lifecycle.ts";
import { loadTask } from "./resolve.ts";

/** Options of `tm complete`. */
export interface CompleteOptions {
  actualHours?: number;
}

/** What completing did. */
export interface CompleteResult {
  task: Task;
  /** Dependents that became ready because of this completion. */
  unblocked: string[];
  /** True when the task had already been completed (the command is idempotent). */
  already_completed: boolean;
}

/** Complete `task` inside `tx`: checks, state change, event, unblocking. */
export async function completeInTx(
  tx: StoreTx,
  ctx: AppContext,
  task: Task,
  options: CompleteOptions,
): Promise<CompleteResult> {
  const now = nowIso(ctx);
  if (task.status === "completed") {
    // A former holder must learn that someone else did the work, not that it is done.
    await assertWriter(tx, task, ctx.agent, now, "complete");
    return { task, unblocked: [], already_completed: true };
  }
  if (task.status === "cancelled") {
    throw new TmError("invalid_transition", `cannot complete task "${task.id}": it is cancelled`, {
      hint: "reopen it first: tm update ID --status pending",
    });
  }
  await assertWriter(tx, task, ctx.agent, now, "complete");
  const open = await tx.dependencies.openCount(task.id);
  if (open > 0) {
    throw new TmError(
      "invalid_transition",
      `cannot complete task "${task.id}": ${open} open ${
        open === 1 ? "dependency" : "dependencies"
      }`,
      { hint: "complete or remove its dependencies first (tm show ID lists them)" },
    );
  }
  const patch = {
    status: "completed" as const,
    completed_at: now,
    updated_at: now,
    claimed_by: null,
    lease_expires_at: null,
    ...(options.actualHours === undefined ? {} : { actual_hours: options.actualHours }),
  };
  await tx.tasks.update(task.id, patch);
  const completed: Task = { ...task, ...patch };
  const others = (await participantsOf(tx, task.id)).filter((agent) => agent !== ctx.agent);
  await recordEvent(tx, {
    taskId: task.id,
    type: "completed",
    agent: ctx.agent,
    now,
    data: options.actualHours === undefined ? {} : { actual_hours: options.actualHours },
    notify: {
      recipients: others,
      message: `Task ${task.id} "${task.title}" was completed by ${ctx.agent}`,
    },
  });
  const unblocked = await unblockDependents(tx, task.id, ctx.agent, now, `${task.id} completed`);
  return { task: completed, unblocked, already_completed: false };
}

/** Complete a task by id or prefix; unblocks and notifies its dependents. */
export function completeTask(
  ctx: AppContext,
  idInput: string,
  options: CompleteOptions = {},
): Promise<CompleteResult> {
  return ctx.store.write(async (tx) => completeInTx(tx, ctx, await loadTask(tx, idInput), options));
}
