/**
 * Metrics over completed tasks (`tm metrics`, `tm report`): throughput, cycle time,
 * estimate accuracy, feedback averages and coverage, overall and per agent. Pure.
 *
 * @module
 */

/** A completed task as the metrics need it. */
export interface CompletedTask {
  agent: string;
  created_at: string;
  started_at: string | null;
  completed_at: string;
  estimated_hours: number | null;
  actual_hours: number | null;
  /** Average feedback scores on the task (null without feedback). */
  quality: number | null;
  timeliness: number | null;
  feedback_count: number;
}

/** Aggregates over a set of completed tasks. */
export interface Metrics {
  completed: number;
  /** Completed tasks per day over the window (null when the window is unbounded). */
  throughput_per_day: number | null;
  /** Hours from start (or creation, if never started) to completion. */
  cycle_time_hours: { average: number | null; median: number | null };
  /** Over tasks with both an estimate and actual hours. */
  estimate_accuracy: {
    tasks: number;
    /** Mean of actual / estimated (1 = exact, above 1 = underestimated). */
    average_ratio: number | null;
    /** Share of tasks whose actual hours were within 20% of the estimate. */
    within_20_percent: number | null;
  };
  feedback: {
    tasks_with_feedback: number;
    /** Share of completed tasks that received feedback. */
    coverage: number | null;
    average_quality: number | null;
    average_timeliness: number | null;
  };
}

function round(value: number | null, digits = 2): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function average(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Hours a task spent from start (or creation) to completion. */
export function cycleHours(task: CompletedTask): number {
  const start = Date.parse(task.started_at ?? task.created_at);
  return Math.max(0, Date.parse(task.completed_at) - start) / 3_600_000;
}

/** Compute the metrics of `tasks`; `days` is the window length for throughput. */
export function computeMetrics(tasks: readonly CompletedTask[], days: number | null): Metrics {
  const cycles = tasks.map(cycleHours);
  const estimated = tasks.filter((t) =>
    t.estimated_hours !== null && t.estimated_hours > 0 && t.actual_hours !== null
  );
  const ratios = estimated.map((t) => t.actual_hours! / t.estimated_hours!);
  const rated = tasks.filter((t) => t.feedback_count > 0);
  const qualities = rated.flatMap((t) => (t.quality === null ? [] : [t.quality]));
  const timeliness = rated.flatMap((t) => (t.timeliness === null ? [] : [t.timeliness]));
  return {
    completed: tasks.length,
    throughput_per_day: days === null ? null : round(tasks.length / days),
    cycle_time_hours: { average: round(average(cycles)), median: round(median(cycles)) },
    estimate_accuracy: {
      tasks: estimated.length,
      average_ratio: round(average(ratios)),
      within_20_percent: ratios.length === 0
        ? null
        : round(ratios.filter((r) => Math.abs(r - 1) <= 0.2).length / ratios.length),
    },
    feedback: {
      tasks_with_feedback: rated.length,
      coverage: tasks.length === 0 ? null : round(rated.length / tasks.length),
      average_quality: round(average(qualities)),
      average_timeliness: round(average(timeliness)),
    },
  };
}

/** Metrics per agent (who completed the task), agents in name order. */
export function metricsByAgent(
  tasks: readonly CompletedTask[],
  days: number | null,
): Array<{ agent: string } & Metrics> {
  const groups = new Map<string, CompletedTask[]>();
  for (const task of tasks) {
    const group = groups.get(task.agent) ?? [];
    group.push(task);
    groups.set(task.agent, group);
  }
  return [...groups.keys()].sort().map((agent) => ({
    agent,
    ...computeMetrics(groups.get(agent)!, days),
  }));
}
