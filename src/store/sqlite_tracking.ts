/**
 * SQLite statements for the core loop: criteria checks, measured values, progress,
 * completions, feedback, and the aggregates behind `tm metrics`, `tm report` and
 * `tm critical-path`.
 *
 * @module
 */

import type { Statements } from "./sqlite_statements.ts";
import type { DependencyEdge } from "../core/task.ts";
import type {
  Completion,
  CriterionCheck,
  Feedback,
  MeasuredValue,
  ProgressEntry,
} from "../core/tracking.ts";
import type { CompletedRow, FeatureUsage, GraphTask, TrackingRepo } from "./store.ts";

function plain<T>(row: unknown): T {
  return { ...(row as object) } as T;
}

/** Core-loop rows in SQLite. */
export class SqliteTrackingRepo implements TrackingRepo {
  readonly #sql: Statements;

  /** Use the connection's statement cache. */
  constructor(statements: Statements) {
    this.#sql = statements;
  }

  criteria(taskId: string): Promise<CriterionCheck[]> {
    return Promise.resolve(
      this.#sql.get(
        `SELECT position, criterion, measurable, status, note, checked_by, checked_at
         FROM criteria WHERE task_id = ? ORDER BY position`,
      ).all(taskId).map((row) => plain<CriterionCheck>(row)),
    );
  }

  checkCriterion(
    taskId: string,
    position: number,
    check: { status: "passed" | "failed"; note: string | null; agent: string; now: string },
  ): Promise<boolean> {
    const result = this.#sql.get(
      `UPDATE criteria SET status = ?, note = ?, checked_by = ?, checked_at = ?
       WHERE task_id = ? AND position = ?`,
    ).run(check.status, check.note, check.agent, check.now, taskId, position);
    return Promise.resolve(result.changes === 1);
  }

  setValue(taskId: string, value: MeasuredValue): Promise<void> {
    this.#sql.get(
      `INSERT INTO task_values (task_id, name, value, set_by, set_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (task_id, name) DO UPDATE SET
         value = excluded.value, set_by = excluded.set_by, set_at = excluded.set_at`,
    ).run(taskId, value.name, JSON.stringify(value.value), value.set_by, value.set_at);
    return Promise.resolve();
  }

  values(taskId: string): Promise<MeasuredValue[]> {
    const rows = this.#sql.get(
      "SELECT name, value, set_by, set_at FROM task_values WHERE task_id = ? ORDER BY name",
    ).all(taskId) as Array<{ name: string; value: string; set_by: string; set_at: string }>;
    return Promise.resolve(rows.map((row) => ({ ...row, value: JSON.parse(row.value) })));
  }

  addProgress(entry: Omit<ProgressEntry, "id">): Promise<number> {
    const result = this.#sql.get(
      "INSERT INTO progress (task_id, agent, message, percent, created_at) VALUES (?, ?, ?, ?, ?)",
    ).run(entry.task_id, entry.agent, entry.message, entry.percent, entry.created_at);
    return Promise.resolve(Number(result.lastInsertRowid));
  }

  progress(taskId: string, limit: number): Promise<ProgressEntry[]> {
    return Promise.resolve(
      this.#sql.get(
        `SELECT id, task_id, agent, message, percent, created_at FROM
           (SELECT * FROM progress WHERE task_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id`,
      ).all(taskId, limit).map((row) => plain<ProgressEntry>(row)),
    );
  }

  recordCompletion(c: Completion): Promise<void> {
    this.#sql.get(
      `INSERT OR REPLACE INTO completions
         (task_id, agent, summary, validated, unverified, completed_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(
      c.task_id,
      c.agent,
      c.summary,
      c.validated ? 1 : 0,
      JSON.stringify(c.unverified),
      c.completed_at,
    );
    return Promise.resolve();
  }

  completion(taskId: string): Promise<Completion | null> {
    const row = this.#sql.get(
      `SELECT task_id, agent, summary, validated, unverified, completed_at
       FROM completions WHERE task_id = ?`,
    ).get(taskId) as Record<string, unknown> | undefined;
    if (row === undefined) return Promise.resolve(null);
    return Promise.resolve({
      ...(row as unknown as Completion),
      validated: row.validated === 1,
      unverified: JSON.parse(row.unverified as string),
    });
  }

  setFeedback(f: Feedback): Promise<void> {
    this.#sql.get(
      `INSERT OR REPLACE INTO feedback (task_id, agent, quality, timeliness, note, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(f.task_id, f.agent, f.quality, f.timeliness, f.note, f.created_at);
    return Promise.resolve();
  }

  feedback(taskId: string): Promise<Feedback[]> {
    return Promise.resolve(
      this.#sql.get(
        `SELECT task_id, agent, quality, timeliness, note, created_at FROM feedback
         WHERE task_id = ? ORDER BY created_at`,
      ).all(taskId).map((row) => plain<Feedback>(row)),
    );
  }

  completedSince(since: string): Promise<CompletedRow[]> {
    // Who completed: the completion record, else the last "completed" event (tasks
    // completed before the completions table existed), else the creator.
    return Promise.resolve(
      this.#sql.get(
        `SELECT t.id, t.title,
           coalesce(c.agent,
             (SELECT e.agent FROM events e WHERE e.task_id = t.id AND e.type = 'completed'
              ORDER BY e.id DESC LIMIT 1),
             t.created_by) AS agent,
           t.created_at, t.started_at, t.completed_at, t.estimated_hours, t.actual_hours,
           (SELECT avg(quality) FROM feedback f WHERE f.task_id = t.id) AS quality,
           (SELECT avg(timeliness) FROM feedback f WHERE f.task_id = t.id) AS timeliness,
           (SELECT count(*) FROM feedback f WHERE f.task_id = t.id) AS feedback_count
         FROM tasks t LEFT JOIN completions c ON c.task_id = t.id
         WHERE t.completed_at >= ? AND t.status = 'completed'
         ORDER BY t.completed_at`,
      ).all(since).map((row) => plain<CompletedRow>(row)),
    );
  }

  createdSince(since: string): Promise<number> {
    const row = this.#sql.get("SELECT count(*) AS n FROM tasks WHERE created_at >= ?")
      .get(since) as { n: number };
    return Promise.resolve(row.n);
  }

  featureUsage(since: string): Promise<FeatureUsage> {
    const row = this.#sql.get(
      `SELECT count(*) AS tasks,
         coalesce(sum(EXISTS (SELECT 1 FROM criteria x WHERE x.task_id = t.id)), 0)
           AS with_criteria,
         coalesce(sum(t.deadline IS NOT NULL), 0) AS with_deadline,
         coalesce(sum(t.estimated_hours IS NOT NULL), 0) AS with_estimate,
         coalesce(sum(EXISTS (SELECT 1 FROM progress x WHERE x.task_id = t.id)), 0)
           AS with_progress,
         coalesce(sum(EXISTS (SELECT 1 FROM completions x
           WHERE x.task_id = t.id AND x.summary IS NOT NULL)), 0) AS with_summary,
         coalesce(sum(EXISTS (SELECT 1 FROM feedback x WHERE x.task_id = t.id)), 0)
           AS with_feedback
       FROM tasks t WHERE t.created_at >= ?`,
    ).get(since);
    return Promise.resolve(plain<FeatureUsage>(row));
  }

  openGraph(): Promise<{ tasks: GraphTask[]; edges: DependencyEdge[] }> {
    const tasks = this.#sql.get(
      `SELECT id, title, status, estimated_hours FROM tasks
       WHERE status NOT IN ('completed', 'cancelled') ORDER BY seq`,
    ).all().map((row) => plain<GraphTask>(row));
    const edges = this.#sql.get(
      `SELECT d.task_id, d.depends_on_id FROM dependencies d
       JOIN tasks a ON a.id = d.task_id JOIN tasks b ON b.id = d.depends_on_id
       WHERE a.status NOT IN ('completed', 'cancelled')
         AND b.status NOT IN ('completed', 'cancelled')`,
    ).all().map((row) => plain<DependencyEdge>(row));
    return Promise.resolve({ tasks, edges });
  }
}
