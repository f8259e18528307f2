/**
 * Use case: complete a task (`tm complete`, `tm update --status completed`).
 *
 * @module
 */

import { TmError, ValidationFailed } from "../core/errors.ts";
import type { Task, TaskRef } from "../core/task.ts";
import type { StoreTx } from "../store/store.ts";
import type { ValidationReport } from "../core/criteria.ts";
import type { AppContext } from "./context.ts";
import { discoveryAudience, participantsOf } from "./_events.ts";
import { requireFeatures } from "./_features.ts";
import { unblockDependents } from "./_lifecycle.ts";
import { type TaskWrite, writeLoadedTask, type WritePolicy } from "./_task_write.ts";
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
  // Loaded only for tasks that have criteria, so plain completions stay lean at start-up: the
  // specifier is computed, as Deno reads a literal import()'s module at start-up regardless.
  const { validateCriteria } = await import(
    new URL("../core/criteria.ts", import.meta.url).href
  ) as typeof import("../core/criteria.ts");
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

/** Completion clears the lease, so there is nothing to renew; a former holder is refused. */
const COMPLETE: WritePolicy = { action: "complete", lease: "holder-or-free", renew: false };

/**
 * Complete `task`, already loaded in `tx`: the writer check, then the phases below in
 * order. Completing a completed task reports the earlier completion (idempotent).
 */
export function completeInTx(
  tx: StoreTx,
  ctx: AppContext,
  task: Task,
  options: CompleteOptions,
): Promise<CompleteResult> {
  // A former holder must learn that someone else did the work, not that it is done.
  if (task.status === "completed") {
    return writeLoadedTask(tx, ctx, task, COMPLETE, (w) => earlierCompletion(w, options));
  }
  refuseCancelled(task);
  return writeLoadedTask(tx, ctx, task, COMPLETE, async (w) => {
    await refuseOpenDependencies(w);
    const validation = await checkCriteria(w, options);
    const unverified = validation === null
      ? []
      : validation.criteria.filter((c) => c.result !== "passed").map((c) => c.position);
    const completed = await markCompleted(w, options, unverified);
    await announceCompletion(w, options, unverified);
    if (options.impactReview === true) await recordImpactDiscovery(w);
    const unblocked = await unblockDependents(
      tx,
      task.id,
      ctx.agent,
      w.now,
      `${task.id} completed`,
    );
    return {
      task: completed,
      unblocked,
      already_completed: false,
      validation,
      unverified,
      summary: options.summary ?? null,
      ...(options.impactReview === true ? { impact: await impactOf(tx, task.id, unblocked) } : {}),
    };
  });
}

/** The answer for a task that was already completed: its recorded completion. */
async function earlierCompletion(w: TaskWrite, options: CompleteOptions): Promise<CompleteResult> {
  const completion = await w.tx.tracking.completion(w.task.id);
  return {
    task: w.task,
    unblocked: [],
    already_completed: true,
    validation: null,
    unverified: completion?.unverified ?? [],
    summary: completion?.summary ?? null,
    ...(options.impactReview === true ? { impact: await impactOf(w.tx, w.task.id, []) } : {}),
  };
}

/** A cancelled task is not completed (exit 5); it must be reopened first. */
function refuseCancelled(task: Task): void {
  if (task.status === "cancelled") {
    throw new TmError("invalid_transition", `cannot complete task "${task.id}": it is cancelled`, {
      hint: "reopen it first: tm update ID --status pending",
    });
  }
}

/** A task completes only after every task it depends on (exit 5). */
async function refuseOpenDependencies(w: TaskWrite): Promise<void> {
  const open = await w.tx.dependencies.openCount(w.task.id);
  if (open > 0) {
    throw new TmError(
      "invalid_transition",
      `cannot complete task "${w.task.id}": ${open} open ${
        open === 1 ? "dependency" : "dependencies"
      }`,
      { hint: "complete or remove its dependencies first; tm show ID lists them" },
    );
  }
}

/** Evaluate the criteria; with `--validate`, refuse unless every one passes (exit 5). */
async function checkCriteria(
  w: TaskWrite,
  options: CompleteOptions,
): Promise<ValidationReport | null> {
  const validation = await evaluateInTx(w.tx, w.task.id);
  if (options.validate === true && validation !== null && !validation.passed) {
    const notPassed = validation.total - validation.passed_count;
    throw new ValidationFailed(
      `cannot complete task "${w.task.id}": ${notPassed} of ${validation.total} success criteria not passed`,
      validation,
      "record evidence with tm criteria ID --check N --pass or --set NAME=VALUE",
    );
  }
  return validation;
}

/** Store the completed state (lease cleared) and the completion record; returns the task. */
async function markCompleted(
  w: TaskWrite,
  options: CompleteOptions,
  unverified: number[],
): Promise<Task> {
  const patch = {
    status: "completed" as const,
    completed_at: w.now,
    updated_at: w.now,
    claimed_by: null,
    lease_expires_at: null,
    ...(options.actualHours === undefined ? {} : { actual_hours: options.actualHours }),
  };
  await w.tx.tasks.update(w.task.id, patch);
  await w.tx.tracking.recordCompletion({
    task_id: w.task.id,
    agent: w.ctx.agent,
    summary: options.summary ?? null,
    validated: options.validate === true,
    unverified,
    completed_at: w.now,
  });
  return { ...w.task, ...patch };
}

/** Record the `completed` event and tell the other participants. */
async function announceCompletion(
  w: TaskWrite,
  options: CompleteOptions,
  unverified: number[],
): Promise<void> {
  const { task, ctx } = w;
  const others = (await participantsOf(w.tx, task.id)).filter((agent) => agent !== ctx.agent);
  await w.record("completed", {
    ...(options.actualHours === undefined ? {} : { actual_hours: options.actualHours }),
    ...(unverified.length === 0 ? {} : { unverified }),
  }, {
    recipients: others,
    message: `Task ${task.id} "${task.title}" was completed by ${ctx.agent}`,
  });
}

/** The discovery the original recorded when a task with file references completed reviewed. */
const IMPACT_REVIEW_DISCOVERY = "Task completed with impact review - check related file references";

/**
 * With `--impact-review`, a task that references files gets the original's discovery entry in
 * its shared context, broadcast like any discovery, so `tm watch | grep "impact review"` works.
 * The YAML mirror is regenerated by the task's next shared-context write.
 */
async function recordImpactDiscovery(w: TaskWrite): Promise<void> {
  const { tx, task, ctx, now } = w;
  if ((await tx.tasks.files(task.id)).length === 0) return;
  const entry = await tx.context.append({
    task_id: task.id,
    agent: ctx.agent,
    created_at: now,
    type: "discovery",
    text: IMPACT_REVIEW_DISCOVERY,
    name: null,
    request_id: null,
  });
  await w.record("discovered", { seq: entry.seq }, {
    recipients: await discoveryAudience(tx, task, ctx.agent),
    message:
      `Discovery on task ${task.id} "${task.title}" by ${ctx.agent}: ${IMPACT_REVIEW_DISCOVERY}`,
    priority: "high",
  });
}

/** Complete a task by id or prefix; unblocks and notifies its dependents. */
export async function completeTask(
  ctx: AppContext,
  idInput: string,
  options: CompleteOptions = {},
): Promise<CompleteResult> {
  await requireFeatures(ctx, [
    ["success-criteria", "--validate", options.validate === true],
    ["completion-summaries", "--summary", options.summary !== undefined],
    ["time-tracking", "--actual-hours", options.actualHours !== undefined],
  ]);
  return ctx.store.write(async (tx) => completeInTx(tx, ctx, await loadTask(tx, idInput), options));
}
