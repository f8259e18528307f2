/**
 * Use cases: `tm metrics`, `tm report` and `tm critical-path` (read-only aggregates).
 *
 * @module
 */

import { type CriticalPath, criticalPath } from "../core/critical_path.ts";
import { computeMetrics, type Metrics, metricsByAgent } from "../core/metrics.ts";
import type { FeatureUsage, GraphTask } from "../store/store.ts";
import { type AppContext, nowIso } from "./context.ts";

const EPOCH = "0000-01-01T00:00:00.000Z";

/** The start of a window of `days` days ending at `now`. */
function windowStart(now: Date, days: number | null): string {
  return days === null ? EPOCH : new Date(now.getTime() - days * 86_400_000).toISOString();
}

/** What `tm metrics` prints. */
export interface MetricsResult {
  since: string | null;
  overall: Metrics;
  by_agent: Array<{ agent: string } & Metrics>;
}

/** Only the feedback part of `result` (`tm metrics --feedback`), overall and per agent. */
export function feedbackMetrics(result: MetricsResult): Record<string, unknown> {
  return {
    since: result.since,
    feedback: result.overall.feedback,
    completed: result.overall.completed,
    by_agent: result.by_agent.map((a) => ({
      agent: a.agent,
      completed: a.completed,
      feedback: a.feedback,
    })),
  };
}

/** Metrics over tasks completed in the last `days` days (all time when null). */
export function taskMetrics(ctx: AppContext, days: number | null): Promise<MetricsResult> {
  return ctx.store.read(async (tx) => {
    const since = windowStart(ctx.now(), days);
    const rows = await tx.tracking.completedSince(since);
    return {
      since: days === null ? null : since,
      overall: computeMetrics(rows, days),
      by_agent: metricsByAgent(rows, days),
    };
  });
}

/** What `tm report` prints. */
export interface Report {
  generated_at: string;
  days: number;
  since: string;
  created: number;
  completed: number;
  /** Completed in the window / created in the window (null when nothing was created). */
  completion_rate: number | null;
  metrics: Metrics;
  /** Share of the window's new tasks that used each feature. */
  feature_adoption: FeatureUsage;
}

/** An activity report over the last `days` days. */
export function activityReport(ctx: AppContext, days: number): Promise<Report> {
  return ctx.store.read(async (tx) => {
    const since = windowStart(ctx.now(), days);
    const created = await tx.tracking.createdSince(since);
    const rows = await tx.tracking.completedSince(since);
    return {
      generated_at: nowIso(ctx),
      days,
      since,
      created,
      completed: rows.length,
      completion_rate: created === 0 ? null : Math.round((rows.length / created) * 100) / 100,
      metrics: computeMetrics(rows, days),
      feature_adoption: await tx.tracking.featureUsage(since),
    };
  });
}

/** The critical path with the tasks on it. */
export interface CriticalPathResult extends CriticalPath {
  tasks: GraphTask[];
  /** Edges among open tasks (for graph output). */
  edges: Array<{ task_id: string; depends_on_id: string }>;
  open_tasks: number;
}

/** The longest chain of open tasks by estimated hours. */
export function findCriticalPath(ctx: AppContext): Promise<CriticalPathResult> {
  return ctx.store.read(async (tx) => {
    const graph = await tx.tracking.openGraph();
    const path = criticalPath(
      graph.tasks.map((t) => ({ id: t.id, hours: t.estimated_hours ?? 0 })),
      graph.edges,
    );
    const byId = new Map(graph.tasks.map((t) => [t.id, t]));
    return {
      ...path,
      tasks: path.ids.map((id) => byId.get(id)!),
      edges: graph.edges,
      open_tasks: graph.tasks.length,
    };
  });
}
