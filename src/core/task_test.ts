import assert from "node:assert/strict";
import { TmError } from "./errors.ts";
import {
  checkManualTransition,
  parseCriteria,
  parseDeadline,
  parseFileRef,
  parseIdPrefix,
  parsePriority,
  parseStatus,
  validateAgentName,
  validateTitle,
} from "./task.ts";

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof TmError) return error.code;
    throw error;
  }
  return undefined;
}

Deno.test("validateTitle() trims and enforces 1-500 characters", () => {
  assert.equal(validateTitle("  fix it \n"), "fix it");
  assert.throws(() => validateTitle("   "), /title cannot be empty/);
  assert.equal(validateTitle("é".repeat(500)).length, 500);
  assert.throws(() => validateTitle("x".repeat(501)), /title too long \(max 500 characters\)/);
});

Deno.test("parseStatus() and parsePriority() accept known values and name the bad one", () => {
  assert.equal(parseStatus("IN-PROGRESS"), "in_progress");
  assert.equal(parsePriority(" High "), "high");
  assert.throws(() => parseStatus("done"), /invalid status "done"/i);
  assert.throws(() => parsePriority("urgent"), /invalid priority "urgent"/i);
});

Deno.test("parseIdPrefix() wants 4-8 hex characters", () => {
  assert.equal(parseIdPrefix("A1B2"), "a1b2");
  assert.equal(code(() => parseIdPrefix("a1b")), "validation");
  assert.equal(code(() => parseIdPrefix("zzzz")), "validation");
  assert.equal(code(() => parseIdPrefix("a1b2c3d4e")), "validation");
});

Deno.test("validateAgentName() refuses path tricks and over-long names", () => {
  assert.equal(validateAgentName("backend-1.a_b"), "backend-1.a_b");
  for (const bad of ["", "..", ".", "a/b", "../x", "a\0b", "x".repeat(65), "has space"]) {
    assert.equal(code(() => validateAgentName(bad)), "validation", bad);
  }
});

Deno.test("parseFileRef() reads path, line and end line", () => {
  assert.deepEqual(parseFileRef("src/a.ts"), {
    path: "src/a.ts",
    line_start: null,
    line_end: null,
  });
  assert.deepEqual(parseFileRef("src/a.ts:10"), {
    path: "src/a.ts",
    line_start: 10,
    line_end: null,
  });
  assert.deepEqual(parseFileRef("C:/x.ts:1:5"), { path: "C:/x.ts", line_start: 1, line_end: 5 });
  // The original tm accepted a reversed range; tm reads it as the range it names.
  assert.deepEqual(parseFileRef("a.ts:9:3"), { path: "a.ts", line_start: 3, line_end: 9 });
  assert.throws(() => parseFileRef(""), /invalid file reference/);
  assert.throws(() => parseFileRef("a.ts:0"), /lines start at 1/);
});

Deno.test("parseCriteria() accepts objects and strings, refuses bad JSON clearly", () => {
  assert.deepEqual(
    parseCriteria('[{"criterion":"tests pass","measurable":"coverage >= 80"}, "docs"]'),
    [
      { criterion: "tests pass", measurable: "coverage >= 80" },
      { criterion: "docs", measurable: null },
    ],
  );
  assert.throws(() => parseCriteria("[{"), /invalid criteria JSON/);
  assert.throws(() => parseCriteria('{"criterion":"x"}'), /expected an array/);
  assert.throws(() => parseCriteria("[{}]"), /item 1 has no "criterion"/);
});

Deno.test("parseDeadline() normalises ISO 8601 to UTC and refuses non-dates", () => {
  assert.equal(parseDeadline("2026-12-01"), "2026-12-01T23:59:59.999Z");
  assert.equal(parseDeadline("2026-12-01T17:00+02:00"), "2026-12-01T15:00:00.000Z");
  assert.equal(parseDeadline("2026-12-01T17:00"), "2026-12-01T17:00:00.000Z");
  assert.throws(() => parseDeadline("tomorrow"), /not an ISO 8601 date/);
  assert.throws(() => parseDeadline("2026-02-30"), /not a real date/);
  assert.throws(() => parseDeadline("2026-13-01"), /not a real date/);
});

Deno.test("checkManualTransition() keeps completed final and respects open dependencies", () => {
  assert.equal(code(() => checkManualTransition("completed", "pending", 0)), "invalid_transition");
  assert.equal(code(() => checkManualTransition("blocked", "pending", 1)), "invalid_transition");
  assert.equal(code(() => checkManualTransition("blocked", "cancelled", 1)), undefined);
  assert.equal(code(() => checkManualTransition("pending", "blocked", 0)), undefined);
  assert.equal(code(() => checkManualTransition("cancelled", "pending", 0)), undefined);
});

Deno.test("parseCriteria() names an empty criterion string as such", () => {
  assert.throws(() => parseCriteria('[""]'), /item 1 has no criterion text/);
});
