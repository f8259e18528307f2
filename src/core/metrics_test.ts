import assert from "node:assert/strict";
import { type CompletedTask, computeMetrics, metricsByAgent } from "./metrics.ts";

function task(partial: Partial<CompletedTask>): CompletedTask {
  return {
    agent: "a",
    created_at: "2026-01-01T00:00:00.000Z",
    started_at: "2026-01-01T00:00:00.000Z",
    completed_at: "2026-01-01T02:00:00.000Z",
    estimated_hours: null,
    actual_hours: null,
    quality: null,
    timeliness: null,
    feedback_count: 0,
    ...partial,
  };
}

Deno.test("computeMetrics() measures cycle time, estimate accuracy and feedback coverage", () => {
  const metrics = computeMetrics([
    task({ estimated_hours: 2, actual_hours: 2, quality: 4, timeliness: 5, feedback_count: 1 }),
    task({ completed_at: "2026-01-01T06:00:00.000Z", estimated_hours: 2, actual_hours: 4 }),
  ], 2);
  assert.equal(metrics.completed, 2);
  assert.equal(metrics.throughput_per_day, 1);
  assert.deepEqual(metrics.cycle_time_hours, { average: 4, median: 4 });
  assert.deepEqual(metrics.estimate_accuracy, {
    tasks: 2,
    average_ratio: 1.5,
    within_20_percent: 0.5,
  });
  assert.deepEqual(metrics.feedback, {
    tasks_with_feedback: 1,
    coverage: 0.5,
    average_quality: 4,
    average_timeliness: 5,
  });
});

Deno.test("computeMetrics() of nothing is zeros and nulls, not NaN", () => {
  const metrics = computeMetrics([], null);
  assert.equal(metrics.completed, 0);
  assert.equal(metrics.cycle_time_hours.average, null);
  assert.equal(metrics.feedback.coverage, null);
});

Deno.test("metricsByAgent() groups by the agent who completed the task", () => {
  const rows = metricsByAgent(
    [task({ agent: "b" }), task({ agent: "a" }), task({ agent: "b" })],
    null,
  );
  assert.deepEqual(rows.map((r) => [r.agent, r.completed]), [["a", 1], ["b", 2]]);
});
