import assert from "node:assert/strict";
import { parseWhen } from "./dates.ts";

// A Wednesday, 10:30 local time.
const NOW = new Date(2026, 11, 2, 10, 30);

function local(y: number, m: number, d: number, h = 23, mi = 59, s = 59, ms = 999): string {
  return new Date(y, m - 1, d, h, mi, s, ms).toISOString();
}

Deno.test("parseWhen() reads natural days as the end of that local day", () => {
  assert.equal(parseWhen("today", NOW), local(2026, 12, 2));
  assert.equal(parseWhen("tomorrow", NOW), local(2026, 12, 3));
  assert.equal(parseWhen("Friday", NOW), local(2026, 12, 4));
  assert.equal(parseWhen("wed", NOW), local(2026, 12, 2));
  assert.equal(parseWhen("tue", NOW), local(2026, 12, 8));
  assert.equal(parseWhen("eow", NOW), local(2026, 12, 6));
  assert.equal(parseWhen("eom", NOW), local(2026, 12, 31));
});

Deno.test("parseWhen() adds relative durations to now", () => {
  assert.equal(parseWhen("+3d", NOW), new Date(NOW.getTime() + 3 * 86_400_000).toISOString());
  assert.equal(parseWhen("+12h", NOW), new Date(NOW.getTime() + 12 * 3_600_000).toISOString());
  assert.equal(parseWhen("+2w", NOW), new Date(NOW.getTime() + 14 * 86_400_000).toISOString());
});

Deno.test("parseWhen() reads 'YYYY-MM-DD HH:MM' as local time and keeps the ISO forms", () => {
  assert.equal(parseWhen("2026-12-24 17:00", NOW), local(2026, 12, 24, 17, 0, 0, 0));
  assert.equal(parseWhen("2026-12-24", NOW), "2026-12-24T23:59:59.999Z");
  assert.equal(parseWhen("2026-12-24T17:00Z", NOW), "2026-12-24T17:00:00.000Z");
  assert.throws(() => parseWhen("2026-02-30 10:00", NOW), /not a real date/);
  assert.throws(() => parseWhen("next friday", NOW), /invalid deadline "next friday"/);
  assert.throws(() => parseWhen("+3y", NOW), /invalid deadline/);
});
