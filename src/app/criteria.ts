/**
 * Use cases: success criteria of a task (`tm criteria`): list with their evaluation, add,
 * record a manual check, record measured values.
 *
 * @module
 */

import { validateCriteria, type ValidationReport } from "../core/criteria.ts";
import { notFoundError, validationError } from "../core/errors.ts";
import { ExpressionError, parseExpression, type Value } from "../core/expression.ts";
import type { Task } from "../core/task.ts";
import type { CriterionCheck, MeasuredValue } from "../core/tracking.ts";
import type { StoreTx } from "../store/store.ts";
import type { AppContext } from "./context.ts";
import { requireFeatures } from "./_features.ts";
import { type WritePolicy, writeTask } from "./_task_write.ts";
import { loadTask } from "./resolve.ts";

const CHANGE_CRITERIA: WritePolicy = {
  action: "change criteria of",
  lease: "holder-or-free",
  renew: true,
};

/** Recorded values keyed by name, as expressions read them. */
export function valueMap(values: readonly MeasuredValue[]): Map<string, Value> {
  return new Map(values.map((v) => [v.name, v.value]));
}

/** Check that a measurable expression parses; a bad one is refused (exit 5). */
export function checkMeasurable(source: string): string {
  try {
    parseExpression(source);
    return source;
  } catch (error) {
    if (error instanceof ExpressionError) {
      throw validationError(
        `invalid measurable expression "${source}": ${error.message}`,
        'e.g. "coverage >= 80 and tests_pass == true"',
      );
    }
    throw error;
  }
}

/** A task's criteria, recorded values and their current evaluation. */
export interface CriteriaView {
  task: Task;
  criteria: CriterionCheck[];
  values: MeasuredValue[];
  validation: ValidationReport;
}

async function viewInTx(tx: StoreTx, task: Task): Promise<CriteriaView> {
  const criteria = await tx.tracking.criteria(task.id);
  const values = await tx.tracking.values(task.id);
  return { task, criteria, values, validation: validateCriteria(criteria, valueMap(values)) };
}

/** List a task's criteria with their evaluation. */
export function listCriteria(ctx: AppContext, idInput: string): Promise<CriteriaView> {
  return ctx.store.read(async (tx) => viewInTx(tx, await loadTask(tx, idInput)));
}

/** What `tm criteria ID` changes; every part is optional and applied in one transaction. */
export interface CriteriaChange {
  add?: { criterion: string; measurable: string | null };
  check?: { position: number; status: "passed" | "failed"; note: string | null };
  set?: ReadonlyArray<{ name: string; value: Value }>;
}

/** Add a criterion, record a check and/or values, then return the new view. */
export async function changeCriteria(
  ctx: AppContext,
  idInput: string,
  change: CriteriaChange,
): Promise<CriteriaView> {
  if (change.add?.measurable != null) checkMeasurable(change.add.measurable);
  await requireFeatures(ctx, [["success-criteria", "tm criteria", true]]);
  return writeTask(ctx, idInput, CHANGE_CRITERIA, async ({ tx, task, now, record }) => {
    const data: Record<string, unknown> = {};
    if (change.add !== undefined) {
      await tx.tasks.addCriterion(task.id, change.add);
      data.added = change.add.criterion;
    }
    if (change.check !== undefined) {
      const found = await tx.tracking.checkCriterion(task.id, change.check.position, {
        status: change.check.status,
        note: change.check.note,
        agent: ctx.agent,
        now,
      });
      if (!found) {
        throw notFoundError(
          `task "${task.id}" has no criterion ${change.check.position}`,
          "tm criteria ID --list shows the numbers",
        );
      }
      data.checked = { position: change.check.position, status: change.check.status };
    }
    for (const { name, value } of change.set ?? []) {
      await tx.tracking.setValue(task.id, { name, value, set_by: ctx.agent, set_at: now });
    }
    if (change.set !== undefined && change.set.length > 0) {
      data.values = Object.fromEntries(change.set.map((v) => [v.name, v.value]));
    }
    await record("criteria", data);
    return viewInTx(tx, task);
  });
}
