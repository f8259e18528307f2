/**
 * Use case: complete a task (`tm complete`, `tm update --status completed`).
 *
 * @module
 */

import { TmError, ValidationFailed } from "../core/errors.ts";
import type { Task } from "../core/task.ts";
import type { StoreTx, TaskRef } from "../store/store.ts";
import type { ValidationReport } from "../core/criteria.ts";
import { type AppContext, nowIso } from "./context.ts";
import { participantsOf, recordEvent } from "./_events.ts";
import { assertWriter, unblockDependents } from "./_lifecycle.ts";
import { loadTask } from "./resolve.ts";

/** Options of `tm complete`. */
export interface CompleteOptions {
  actualHours?: number;
  /** What was done, kept with the task (`--summary`). */
  summary?: string;
  /** Refuse completion unless every success criterion passes (`--validate`). */
  validate?: boolean;
  /** Also report the dependents and what completing affects (`--impact-review`). */
  impactReview?: boolean;
}

/** What completing a task affects (`--impact-review`). */
export interface ImpactReview {
  /** Direct dependents, with their status after the completion. */
  dependents: TaskRef[];
  /** Dependents that became ready. */
  unblocked: string[];
  /** Direct dependents still waiting on other tasks. */
  still_blocked: string[];
  /** Every task downstream of this one (transitively), excluding closed ones. */
  downstream_open: number;
}

/** What completing did. */
export interface CompleteResult {
  task: Task;
  /** Dependents that became ready because of this completion. */
  unblocked: string[];
  /** True when the task had already been completed (the command is idempotent). */
  already_completed: boolean;
  /** The criteria evaluation at completion (null when the task has no criteria). */
  validation: ValidationReport | null;
  /** Positions of criteria that had not passed when the task was completed. */
  unverified: number[];
  summary: string | null;
  impact?: ImpactReview;
}

/** Evaluate a task's criteria inside `tx` (null when it has none). */
export async function evaluateInTx(tx: StoreTx, taskId: string): Promise<ValidationReport | null> {
  const criteria = await tx.tracking.criteria(taskId);
  if (criteria.length === 0) return null;
  // Loaded only for tasks that have criteria, so plain completions stay lean at start-up.
  const { validateCriteria } = await import("../core/criteria.ts");
  const values = criteria.some((c) => c.measurable !== null)
    ? await tx.tracking.values(taskId)
    : [];
  return validateCriteria(criteria, new Map(values.map((v) => [v.name, v.value])));
}

async function impactOf(tx: StoreTx, taskId: string, unblocked: string[]): Promise<ImpactReview> {
  const dependents = await tx.dependencies.dependentsOf(taskId);
  const seen = new Set<string>();
  const queue = dependents.map((d) => d.id);
  let open = 0;
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const task = await tx.tasks.get(id);
    if (task !== null && task.status !== "completed" && task.status !== "cancelled") open++;
    for (const next of await tx.dependencies.dependentsOf(id)) queue.push(next.id);
  }
  return {
    dependents,
    unblocked,
    still_blocked: dependents.filter((d) => d.status === "blocked").map((d) => d.id),
    downstream_open: open,
  };
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
    const completion = await tx.tracking.completion(task.id);
    return {
      task,
      unblocked: [],
      already_completed: true,
      validation: null,
      unverified: completion?.unverified ?? [],
      summary: completion?.summary ?? null,
      ...(options.impactReview === true ? { impact: await impactOf(tx, task.id, []) } : {}),
    };
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
  const validation = await evaluateInTx(tx, task.id);
  if (options.validate === true && validation !== null && !validation.passed) {
    const notPassed = validation.total - validation.passed_count;
    throw new ValidationFailed(
      `cannot complete task "${task.id}": ${notPassed} of ${validation.total} success criteria not passed`,
      validation,
      "record evidence with tm criteria ID --check N --pass or --set NAME=VALUE",
    );
  }
  const unverified = validation === null
    ? []
    : validation.criteria.filter((c) => c.result !== "passed").map((c) => c.position);
  const summary = options.summary ?? null;
  const patch = {
    status: "completed" as const,
    completed_at: now,
    updated_at: now,
    claimed_by: null,
    lease_expires_at: null,
    ...(options.actualHours === undefined ? {} : { actual_hours: options.actualHours }),
  };
  await tx.tasks.update(task.id, patch);
  await tx.tracking.recordCompletion({
    task_id: task.id,
    agent: ctx.agent,
    summary,
    validated: options.validate === true,
    unverified,
    completed_at: now,
  });
  const completed: Task = { ...task, ...patch };
  const others = (await participantsOf(tx, task.id)).filter((agent) => agent !== ctx.agent);
  await recordEvent(tx, {
    taskId: task.id,
    type: "completed",
    agent: ctx.agent,
    now,
    data: {
      ...(options.actualHours === undefined ? {} : { actual_hours: options.actualHours }),
      ...(unverified.length === 0 ? {} : { unverified }),
    },
    notify: {
      recipients: others,
      message: `Task ${task.id} "${task.title}" was completed by ${ctx.agent}`,
    },
  });
  const unblocked = await unblockDependents(tx, task.id, ctx.agent, now, `${task.id} completed`);
  return {
    task: completed,
    unblocked,
    already_completed: false,
    validation,
    unverified,
    summary,
    ...(options.impactReview === true ? { impact: await impactOf(tx, task.id, unblocked) } : {}),
  };
}

/** Complete a task by id or prefix; unblocks and notifies its dependents. */
export function completeTask(
  ctx: AppContext,
  idInput: string,
  options: CompleteOptions = {},
): Promise<CompleteResult> {
  return ctx.store.write(async (tx) => completeInTx(tx, ctx, await loadTask(tx, idInput), options));
}
