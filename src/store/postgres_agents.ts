/**
 * PostgreSQL statements for orchestration (agents, capabilities, worker bookkeeping) and the
 * core loop (criteria checks, values, progress, completions, feedback, metrics). The SQL
 * mirrors `sqlite_agents.ts` and `sqlite_tracking.ts`.
 *
 * @module
 */

import type { Agent } from "../core/agent.ts";
import type { Notification } from "../core/event.ts";
import type { DependencyEdge, Task } from "../core/task.ts";
import type {
  Completion,
  CriterionCheck,
  Feedback,
  MeasuredValue,
  ProgressEntry,
} from "../core/tracking.ts";
import { limit, type PgSql } from "./postgres_sql.ts";
import { capabilityFilter } from "./postgres_tasks.ts";
import { TASK_COLUMNS } from "./sqlite_tasks.ts";
import type { AgentRepo, CompletedRow, FeatureUsage, GraphTask, TrackingRepo } from "./store.ts";

/** Agents and routing data in PostgreSQL. */
export class PgAgentRepo implements AgentRepo {
  readonly #sql: PgSql;

  /** Use the connection's query helper. */
  constructor(sql: PgSql) {
    this.#sql = sql;
  }

  async upsert(agent: Agent): Promise<void> {
    await this.#sql.run(
      `INSERT INTO agents (name, registered_by, registered_at, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET updated_at = excluded.updated_at`,
      [agent.name, agent.registered_by, agent.registered_at, agent.updated_at],
    );
    await this.#sql.run("DELETE FROM agent_capabilities WHERE agent = $1", [agent.name]);
    if (agent.capabilities.length > 0) {
      await this.#sql.run(
        `INSERT INTO agent_capabilities (agent, capability)
         SELECT $1, c FROM unnest($2::text[]) AS c ON CONFLICT DO NOTHING`,
        [agent.name, [...agent.capabilities]],
      );
    }
  }

  async get(name: string): Promise<Agent | null> {
    const row = await this.#sql.row<Omit<Agent, "capabilities">>(
      "SELECT name, registered_by, registered_at, updated_at FROM agents WHERE name = $1",
      [name],
    );
    if (row === undefined) return null;
    return { ...row, capabilities: await this.#capabilitiesOf(row.name) };
  }

  async list(): Promise<Agent[]> {
    const rows = await this.#sql.rows<Omit<Agent, "capabilities"> & { capabilities: string[] }>(
      `SELECT name, registered_by, registered_at, updated_at,
         coalesce((SELECT array_agg(capability ORDER BY capability) FROM agent_capabilities c
                   WHERE c.agent = a.name), '{}') AS capabilities
       FROM agents a ORDER BY name`,
    );
    return rows;
  }

  async remove(name: string): Promise<boolean> {
    return (await this.#sql.run("DELETE FROM agents WHERE name = $1", [name])) === 1;
  }

  async addTaskCapability(taskId: string, capability: string): Promise<void> {
    await this.#sql.run(
      "INSERT INTO task_capabilities (task_id, capability) VALUES ($1, $2) ON CONFLICT DO NOTHING",
      [taskId, capability],
    );
  }

  async taskCapabilities(taskId: string): Promise<string[]> {
    const rows = await this.#sql.rows<{ capability: string }>(
      "SELECT capability FROM task_capabilities WHERE task_id = $1 ORDER BY capability",
      [taskId],
    );
    return rows.map((row) => row.capability);
  }

  heldBy(agent: string, count: number): Promise<Task[]> {
    return this.#sql.rows<Task>(
      `SELECT ${TASK_COLUMNS} FROM tasks WHERE claimed_by = $1 AND status = 'in_progress'
       ORDER BY claimed_at, seq LIMIT $2`,
      [agent, limit(count)],
    );
  }

  async hasOutstandingWork(capabilities: readonly string[]): Promise<boolean> {
    const row = await this.#sql.row(
      `SELECT 1 AS found FROM tasks WHERE status = 'in_progress'
       AND (dependents_count > 0 OR ${capabilityFilter(1)}) LIMIT 1`,
      [[...capabilities]],
    );
    return row !== undefined;
  }

  latestUnread(recipient: string, count: number): Promise<Notification[]> {
    return this.#sql.rows<Notification>(
      `SELECT id, recipient, event_id, task_id, type, priority, message, created_at, read_at
       FROM notifications WHERE recipient = $1 AND read_at IS NULL ORDER BY id DESC LIMIT $2`,
      [recipient, limit(count)],
    );
  }

  async unreadCount(recipient: string): Promise<number> {
    const row = await this.#sql.row<{ n: number }>(
      "SELECT count(*)::int AS n FROM notifications WHERE recipient = $1 AND read_at IS NULL",
      [recipient],
    );
    return row!.n;
  }

  async #capabilitiesOf(name: string): Promise<string[]> {
    const rows = await this.#sql.rows<{ capability: string }>(
      "SELECT capability FROM agent_capabilities WHERE agent = $1 ORDER BY capability",
      [name],
    );
    return rows.map((row) => row.capability);
  }
}

/** Core-loop rows in PostgreSQL. */
export class PgTrackingRepo implements TrackingRepo {
  readonly #sql: PgSql;

  /** Use the connection's query helper. */
  constructor(sql: PgSql) {
    this.#sql = sql;
  }

  criteria(taskId: string): Promise<CriterionCheck[]> {
    return this.#sql.rows<CriterionCheck>(
      `SELECT position, criterion, measurable, status, note, checked_by, checked_at
       FROM criteria WHERE task_id = $1 ORDER BY position`,
      [taskId],
    );
  }

  async checkCriterion(
    taskId: string,
    position: number,
    check: { status: "passed" | "failed"; note: string | null; agent: string; now: string },
  ): Promise<boolean> {
    const changed = await this.#sql.run(
      `UPDATE criteria SET status = $1, note = $2, checked_by = $3, checked_at = $4
       WHERE task_id = $5 AND position = $6`,
      [check.status, check.note, check.agent, check.now, taskId, position],
    );
    return changed === 1;
  }

  async setValue(taskId: string, value: MeasuredValue): Promise<void> {
    await this.#sql.run(
      `INSERT INTO task_values (task_id, name, value, set_by, set_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (task_id, name) DO UPDATE SET
         value = excluded.value, set_by = excluded.set_by, set_at = excluded.set_at`,
      [taskId, value.name, JSON.stringify(value.value), value.set_by, value.set_at],
    );
  }

  async values(taskId: string): Promise<MeasuredValue[]> {
    const rows = await this.#sql.rows<
      { name: string; value: string; set_by: string; set_at: string }
    >(
      "SELECT name, value, set_by, set_at FROM task_values WHERE task_id = $1 ORDER BY name",
      [taskId],
    );
    return rows.map((row) => ({ ...row, value: JSON.parse(row.value) }));
  }

  async addProgress(entry: Omit<ProgressEntry, "id">): Promise<number> {
    const row = await this.#sql.row<{ id: number }>(
      `INSERT INTO progress (task_id, agent, message, percent, created_at)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [entry.task_id, entry.agent, entry.message, entry.percent, entry.created_at],
    );
    return row!.id;
  }

  progress(taskId: string, count: number): Promise<ProgressEntry[]> {
    return this.#sql.rows<ProgressEntry>(
      `SELECT id, task_id, agent, message, percent, created_at FROM
         (SELECT * FROM progress WHERE task_id = $1 ORDER BY id DESC LIMIT $2) AS recent
       ORDER BY id`,
      [taskId, limit(count)],
    );
  }

  async recordCompletion(c: Completion): Promise<void> {
    await this.#sql.run(
      `INSERT INTO completions (task_id, agent, summary, validated, unverified, completed_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (task_id) DO UPDATE SET agent = excluded.agent, summary = excluded.summary,
         validated = excluded.validated, unverified = excluded.unverified,
         completed_at = excluded.completed_at`,
      [
        c.task_id,
        c.agent,
        c.summary,
        c.validated ? 1 : 0,
        JSON.stringify(c.unverified),
        c.completed_at,
      ],
    );
  }

  async completion(taskId: string): Promise<Completion | null> {
    const row = await this.#sql.row<Record<string, unknown>>(
      `SELECT task_id, agent, summary, validated, unverified, completed_at
       FROM completions WHERE task_id = $1`,
      [taskId],
    );
    if (row === undefined) return null;
    return {
      ...(row as unknown as Completion),
      validated: row.validated === 1,
      unverified: JSON.parse(row.unverified as string),
    };
  }

  async setFeedback(f: Feedback): Promise<void> {
    await this.#sql.run(
      `INSERT INTO feedback (task_id, agent, quality, timeliness, note, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (task_id, agent) DO UPDATE SET quality = excluded.quality,
         timeliness = excluded.timeliness, note = excluded.note, created_at = excluded.created_at`,
      [f.task_id, f.agent, f.quality, f.timeliness, f.note, f.created_at],
    );
  }

  feedback(taskId: string): Promise<Feedback[]> {
    return this.#sql.rows<Feedback>(
      `SELECT task_id, agent, quality, timeliness, note, created_at FROM feedback
       WHERE task_id = $1 ORDER BY created_at`,
      [taskId],
    );
  }

  completedSince(since: string): Promise<CompletedRow[]> {
    // Who completed: the completion record, else the last "completed" event, else the creator.
    return this.#sql.rows<CompletedRow>(
      `SELECT t.id, t.title,
         coalesce(c.agent,
           (SELECT e.agent FROM events e WHERE e.task_id = t.id AND e.type = 'completed'
            ORDER BY e.id DESC LIMIT 1),
           t.created_by) AS agent,
         t.created_at, t.started_at, t.completed_at, t.estimated_hours, t.actual_hours,
         (SELECT avg(quality)::float8 FROM feedback f WHERE f.task_id = t.id) AS quality,
         (SELECT avg(timeliness)::float8 FROM feedback f WHERE f.task_id = t.id) AS timeliness,
         (SELECT count(*)::int FROM feedback f WHERE f.task_id = t.id) AS feedback_count
       FROM tasks t LEFT JOIN completions c ON c.task_id = t.id
       WHERE t.completed_at >= $1 AND t.status = 'completed'
       ORDER BY t.completed_at`,
      [since],
    );
  }

  async createdSince(since: string): Promise<number> {
    const row = await this.#sql.row<{ n: number }>(
      "SELECT count(*)::int AS n FROM tasks WHERE created_at >= $1",
      [since],
    );
    return row!.n;
  }

  async featureUsage(since: string): Promise<FeatureUsage> {
    const has = (table: string, extra = "") =>
      `(count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ${table} x WHERE x.task_id = t.id${extra})))::int`;
    const row = await this.#sql.row<FeatureUsage>(
      `SELECT count(*)::int AS tasks,
         ${has("criteria")} AS with_criteria,
         count(t.deadline)::int AS with_deadline,
         count(t.estimated_hours)::int AS with_estimate,
         ${has("progress")} AS with_progress,
         ${has("completions", " AND x.summary IS NOT NULL")} AS with_summary,
         ${has("feedback")} AS with_feedback
       FROM tasks t WHERE t.created_at >= $1`,
      [since],
    );
    return row!;
  }

  async openGraph(): Promise<{ tasks: GraphTask[]; edges: DependencyEdge[] }> {
    const tasks = await this.#sql.rows<GraphTask>(
      `SELECT id, title, status, estimated_hours FROM tasks
       WHERE status NOT IN ('completed', 'cancelled') ORDER BY seq`,
    );
    const edges = await this.#sql.rows<DependencyEdge>(
      `SELECT d.task_id, d.depends_on_id FROM dependencies d
       JOIN tasks a ON a.id = d.task_id JOIN tasks b ON b.id = d.depends_on_id
       WHERE a.status NOT IN ('completed', 'cancelled')
         AND b.status NOT IN ('completed', 'cancelled')`,
    );
    return { tasks, edges };
  }
}
