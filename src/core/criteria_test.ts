import assert from "node:assert/strict";
import { type CriterionState, validateCriteria } from "./criteria.ts";

function criterion(partial: Partial<CriterionState>): CriterionState {
  return {
    position: 1,
    criterion: "c",
    measurable: null,
    status: "unverified",
    note: null,
    ...partial,
  };
}

Deno.test("validateCriteria() passes only when every criterion passes", () => {
  const report = validateCriteria([
    criterion({ position: 1, measurable: "coverage >= 80" }),
    criterion({ position: 2, status: "passed" }),
  ], new Map([["coverage", 90]]));
  assert.equal(report.passed, true);
  assert.equal(report.passed_count, 2);
});

Deno.test("an unchecked criterion without an expression is unverified and fails validation", () => {
  const report = validateCriteria([criterion({})], new Map());
  assert.equal(report.passed, false);
  assert.equal(report.unverified_count, 1);
});

Deno.test("a manual fail beats a passing expression", () => {
  const report = validateCriteria(
    [criterion({ measurable: "true", status: "failed", note: "flaky" })],
    new Map(),
  );
  assert.equal(report.criteria[0]!.result, "failed");
  assert.equal(report.criteria[0]!.reason, "checked as failed: flaky");
});

Deno.test("an expression that cannot be evaluated fails with the reason", () => {
  const report = validateCriteria([criterion({ measurable: "x >" })], new Map());
  assert.equal(report.criteria[0]!.result, "failed");
  assert.match(report.criteria[0]!.reason, /unexpected end/);
});
