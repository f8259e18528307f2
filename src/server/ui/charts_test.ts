import assert from "node:assert/strict";
import {
  cycleTimeChart,
  cycleUnit,
  dailySeries,
  formatNumber,
  median,
  niceMax,
  throughputChart,
} from "./charts.js";

const done = (started: string | null, completed: string) => ({
  status: "completed",
  created_at: "2026-01-01T00:00:00Z",
  started_at: started,
  completed_at: completed,
});

Deno.test("dailySeries() counts completions per UTC day and takes the median cycle time", () => {
  const series = dailySeries([
    done("2026-01-09T10:00:00Z", "2026-01-10T10:00:00Z"), // 24 h
    done("2026-01-10T08:00:00Z", "2026-01-10T10:00:00Z"), // 2 h
    done("2026-01-10T09:00:00Z", "2026-01-10T10:00:00Z"), // 1 h
    done(null, "2026-01-08T00:00:00Z"), // from creation: 168 h
    done("2026-01-01T00:00:00Z", "2025-12-01T00:00:00Z"), // outside the window
    { ...done(null, "2026-01-10T00:00:00Z"), status: "cancelled" },
  ], { days: 3, now: new Date("2026-01-10T23:00:00Z") });
  assert.deepEqual(series, [
    { day: "2026-01-08", completed: 1, cycleHours: 168 },
    { day: "2026-01-09", completed: 0, cycleHours: null },
    { day: "2026-01-10", completed: 3, cycleHours: 2 },
  ]);
});

Deno.test("median() and niceMax() handle even counts, empties and round bounds", () => {
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([]), null);
  assert.deepEqual([0, 1, 3, 7, 12, 0.3].map(niceMax), [1, 1, 5, 10, 20, 0.5]);
});

Deno.test("throughputChart() draws one bar per day, as tall as its share of the axis", () => {
  const svg = throughputChart([
    { day: "2026-01-01", completed: 2, cycleHours: 1 },
    { day: "2026-01-02", completed: 0, cycleHours: null },
  ]).value;
  assert.equal(svg.match(/<rect class="bar"/g)?.length, 2);
  assert.match(svg, /height="118\.0">\s*<title>2026-01-01: 2 completed/);
  assert.match(svg, /height="0\.0">\s*<title>2026-01-02: 0 completed/);
});

Deno.test("cycleTimeChart() leaves a gap on days without completions", () => {
  const p = (day: string, cycleHours: number | null) => ({ day, completed: 1, cycleHours });
  const svg = cycleTimeChart([
    p("2026-01-01", 1),
    p("2026-01-02", 2),
    p("2026-01-03", null),
    p("2026-01-04", 3),
    p("2026-01-05", 4),
  ]).value;
  assert.equal(svg.match(/<polyline/g)?.length, 2);
  assert.equal(svg.match(/<circle/g)?.length, 4);
});

Deno.test("cycleTimeChart() switches to minutes when every cycle is under an hour", () => {
  const series = [{ day: "2026-01-01", completed: 1, cycleHours: 0.5 }];
  assert.deepEqual(cycleUnit(series), { unit: "min", scale: 60 });
  assert.match(cycleTimeChart(series).value, /median\s+30\s+min/);
  assert.deepEqual(cycleUnit([{ ...series[0]!, cycleHours: 3 }]), { unit: "h", scale: 1 });
  assert.deepEqual([0.0123, 0.5, 2.25, 12.4].map(formatNumber), ["0.012", "0.5", "2.3", "12"]);
});
