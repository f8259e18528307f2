/**
 * Success criteria: how each criterion is judged from its manual check and its measurable
 * expression, and the validation report of `tm complete --validate`. Pure: no I/O.
 *
 * @module
 */

import { check, ExpressionError, type Value } from "./expression.ts";

/** The manual verdict recorded with `tm criteria ID --check N --pass|--fail`. */
export type CheckStatus = "unverified" | "passed" | "failed";

/** A criterion as the judge needs it. */
export interface CriterionState {
  position: number;
  criterion: string;
  measurable: string | null;
  status: CheckStatus;
  note: string | null;
}

/** The verdict on one criterion. */
export interface CriterionVerdict {
  position: number;
  criterion: string;
  measurable: string | null;
  result: "passed" | "failed" | "unverified";
  /** Why: the expression's outcome, the manual check, or the missing evidence. */
  reason: string;
}

/** The validation report of a task. */
export interface ValidationReport {
  passed: boolean;
  total: number;
  passed_count: number;
  failed_count: number;
  unverified_count: number;
  criteria: CriterionVerdict[];
}

/**
 * Judge one criterion. A manual fail always fails; a measurable expression decides next
 * (an expression that cannot be evaluated fails, naming why); otherwise a manual pass
 * passes and no evidence leaves it unverified.
 */
export function judgeCriterion(
  criterion: CriterionState,
  values: ReadonlyMap<string, Value>,
): CriterionVerdict {
  const base = {
    position: criterion.position,
    criterion: criterion.criterion,
    measurable: criterion.measurable,
  };
  if (criterion.status === "failed") {
    return { ...base, result: "failed", reason: note("checked as failed", criterion.note) };
  }
  if (criterion.measurable !== null) {
    try {
      const ok = check(criterion.measurable, values);
      return {
        ...base,
        result: ok ? "passed" : "failed",
        reason: `${criterion.measurable} is ${ok}`,
      };
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      return { ...base, result: "failed", reason: error.message };
    }
  }
  if (criterion.status === "passed") {
    return { ...base, result: "passed", reason: note("checked as passed", criterion.note) };
  }
  return { ...base, result: "unverified", reason: "not checked and not measurable" };
}

function note(text: string, detail: string | null): string {
  return detail === null || detail === "" ? text : `${text}: ${detail}`;
}

/**
 * Validate every criterion. The report passes only when every criterion passed: an
 * unverified criterion cannot prove the work done, so `--validate` treats it as not passed.
 */
export function validateCriteria(
  criteria: readonly CriterionState[],
  values: ReadonlyMap<string, Value>,
): ValidationReport {
  const verdicts = criteria.map((c) => judgeCriterion(c, values));
  const count = (result: CriterionVerdict["result"]) =>
    verdicts.filter((v) => v.result === result).length;
  return {
    passed: verdicts.every((v) => v.result === "passed"),
    total: verdicts.length,
    passed_count: count("passed"),
    failed_count: count("failed"),
    unverified_count: count("unverified"),
    criteria: verdicts,
  };
}
