import assert from "node:assert/strict";
import {
  check,
  evaluate,
  ExpressionError,
  namesIn,
  parseExpression,
  parseValue,
} from "./expression.ts";

const values = new Map<string, number | string | boolean>([
  ["coverage", 85],
  ["status", "green"],
  ["flaky", false],
  ["delta", -3],
]);

Deno.test("check() compares numbers, strings and booleans", () => {
  assert.equal(check("coverage >= 80", values), true);
  assert.equal(check("coverage > 85", values), false);
  assert.equal(check('status == "green"', values), true);
  assert.equal(check("status != 'red'", values), true);
  assert.equal(check("flaky == false", values), true);
  assert.equal(check("delta < -1", values), true);
});

Deno.test("check() combines with and/or/not, symbols and parentheses", () => {
  assert.equal(check("coverage >= 80 and not flaky", values), true);
  assert.equal(check("coverage < 10 || status == 'green'", values), true);
  assert.equal(check("!(coverage >= 80 && flaky)", values), true);
  assert.equal(check("not coverage >= 80 or flaky", values), false);
});

Deno.test("and/or short-circuit, so a missing value on the dead side does not fail", () => {
  assert.equal(check("flaky and missing > 1", values), false);
  assert.equal(check("coverage > 1 or missing > 1", values), true);
});

Deno.test("a name without a recorded value is an error naming it", () => {
  assert.throws(() => check("missing >= 1", values), /no value recorded for "missing"/);
});

Deno.test("malformed expressions are ExpressionErrors, never evaluated as code", () => {
  for (const bad of ["", "coverage >=", "(a", "a b", "1 + 2", "x == 'open", "and", "a;b"]) {
    assert.throws(() => parseExpression(bad), ExpressionError, bad);
  }
  assert.throws(() => evaluate(parseExpression("status < 3"), values), /cannot compare/);
  assert.throws(() => parseExpression("Deno.exit(1)"), ExpressionError);
});

Deno.test("namesIn() lists the values an expression reads", () => {
  assert.deepEqual(namesIn(parseExpression("a > 1 and (b or not a)")), ["a", "b"]);
});

Deno.test("parseValue() reads numbers and booleans, else keeps the text", () => {
  assert.equal(parseValue("85"), 85);
  assert.equal(parseValue("-2.5"), -2.5);
  assert.equal(parseValue("true"), true);
  assert.equal(parseValue("green"), "green");
});
