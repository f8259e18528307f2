/**
 * PostgreSQL statements for tasks, the lists stored with them (files, tags, criteria) and
 * the dependency graph. The SQL mirrors `sqlite_tasks.ts` and `sqlite_dependencies.ts`.
 *
 * @module
 */

import type {
  Criterion,
  CriterionInput,
  DependencyEdge,
  FileRef,
  Task,
  TaskRef,
} from "../core/task.ts";
import { limit, type PgSql } from "./postgres_sql.ts";
import type {
  ClaimSeen,
  DependencyRepo,
  ReadyQuery,
  TaskFilter,
  TaskPatch,
  TaskRepo,
} from "./store.ts";
import { PATCHABLE, TASK_COLUMNS } from "./sqlite_tasks.ts";

/**
 * Keeps a task only if it requires no capability outside the text array `$n`; a primary-key
 * probe per candidate row, as in SQLite.
 */
export function capabilityFilter(param: number): string {
  return "NOT EXISTS (SELECT 1 FROM task_capabilities tc WHERE tc.task_id = tasks.id " +
    `AND NOT (tc.capability = ANY ($${param}::text[])))`;
}

/** Task rows in PostgreSQL. */
export class PgTaskRepo implements TaskRepo {
  readonly #sql: PgSql;

  /** Use the connection's query helper. */
  constructor(sql: PgSql) {
    this.#sql = sql;
  }

  async insert(task: Task): Promise<void> {
    await this.#sql.run(
      `INSERT INTO tasks (${TASK_COLUMNS}) VALUES ` +
        "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
      [
        task.id,
        task.title,
        task.description,
        task.status,
        task.priority,
        task.assignee,
        task.created_by,
        task.created_at,
        task.updated_at,
        task.started_at,
        task.completed_at,
        task.deadline,
        task.estimated_hours,
        task.actual_hours,
        task.claimed_by,
        task.lease_expires_at,
      ],
    );
  }

  async get(id: string): Promise<Task | null> {
    return (await this.#sql.row<Task>(`SELECT ${TASK_COLUMNS} FROM tasks WHERE id = $1`, [id])) ??
      null;
  }

  async idsWithPrefix(prefix: string, count: number): Promise<string[]> {
    const rows = await this.#sql.rows<{ id: string }>(
      "SELECT id FROM tasks WHERE id >= $1 AND id < $2 ORDER BY id LIMIT $3",
      [prefix, `${prefix}g`, limit(count)],
    );
    return rows.map((row) => row.id);
  }

  list(filter: TaskFilter): Promise<Task[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const bind = (value: unknown) => (params.push(value), `$${params.length}`);
    if (filter.status !== undefined) where.push(`status = ${bind(filter.status)}`);
    if (filter.assignee !== undefined) where.push(`assignee = ${bind(filter.assignee)}`);
    if (filter.priority !== undefined) where.push(`priority = ${bind(filter.priority)}`);
    if (filter.tag !== undefined) {
      where.push(`id IN (SELECT task_id FROM task_tags WHERE tag = ${bind(filter.tag)})`);
    }
    if (filter.hasDependencies === true) {
      where.push("EXISTS (SELECT 1 FROM dependencies d WHERE d.task_id = tasks.id)");
    }
    const sql = `SELECT ${TASK_COLUMNS} FROM tasks` +
      (where.length > 0 ? ` WHERE ${where.join(" AND ")}` : "") +
      ` ORDER BY seq LIMIT ${bind(limit(filter.limit))}`;
    return this.#sql.rows<Task>(sql, params);
  }

  ready(query: ReadyQuery): Promise<Task[]> {
    const params: unknown[] = [query.now];
    const bind = (value: unknown) => (params.push(value), `$${params.length}`);
    const filters: string[] = [];
    if (query.assignee !== undefined) filters.push(`assignee = ${bind(query.assignee)}`);
    if (query.offeredTo !== undefined) {
      filters.push(`(assignee IS NULL OR assignee = ${bind(query.offeredTo)})`);
    }
    if (query.capabilities !== undefined) {
      bind([...query.capabilities]);
      filters.push(capabilityFilter(params.length));
    }
    const extra = filters.map((f) => ` AND ${f}`).join("");
    // One statement (one round trip) in the order SQLite's three merged range scans give:
    // overdue pending first, then priority, deadline, dependents, age.
    const sql = `SELECT ${TASK_COLUMNS} FROM tasks
       WHERE (status = 'pending' OR (status = 'in_progress' AND lease_expires_at < $1))${extra}
       ORDER BY (deadline IS NOT NULL AND deadline < $1) DESC, priority_rank DESC, deadline_key,
         dependents_count DESC, seq
       LIMIT ${bind(limit(query.limit))}`;
    return query.lockRows === true
      ? this.#lockReady(sql, params)
      : this.#sql.rows<Task>(sql, params);
  }

  /**
   * The best ready rows no concurrent claimer holds, locked until the end of the transaction.
   * SKIP LOCKED alone could answer "nothing" while every candidate is being claimed by
   * others (who may yet roll back), so that answer is checked without locks, and then
   * waited for on the best candidate's lock; a row taken meanwhile no longer matches.
   */
  async #lockReady(sql: string, params: unknown[]): Promise<Task[]> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const free = await this.#sql.rows<Task>(`${sql} FOR UPDATE OF tasks SKIP LOCKED`, params);
      if (free.length > 0) return free;
      if ((await this.#sql.rows<Task>(sql, params)).length === 0) return [];
      const waited = await this.#sql.rows<Task>(`${sql} FOR UPDATE OF tasks`, params);
      if (waited.length > 0) return waited;
    }
    return [];
  }

  async update(id: string, patch: TaskPatch): Promise<void> {
    const keys = Object.keys(patch).filter((key) => PATCHABLE.has(key));
    if (keys.length === 0) return;
    const values = keys.map((key) => (patch as Record<string, unknown>)[key] ?? null);
    await this.#sql.run(
      `UPDATE tasks SET ${keys.map((k, i) => `${k} = $${i + 1}`).join(", ")} ` +
        `WHERE id = $${keys.length + 1}`,
      [...values, id],
    );
  }

  async blockedByDependencies(id: string): Promise<boolean> {
    const row = await this.#sql.row<{ blocked_reason: string | null }>(
      "SELECT blocked_reason FROM tasks WHERE id = $1",
      [id],
    );
    return row !== undefined && (row.blocked_reason ?? "dependencies") === "dependencies";
  }

  async claim(
    id: string,
    agent: string,
    now: string,
    leaseExpiresAt: string,
    seen: ClaimSeen,
  ): Promise<boolean> {
    // Who may claim is decided in core/lease.ts; this only applies it if nothing changed since.
    const changed = await this.#sql.run(
      `UPDATE tasks SET status = 'in_progress', claimed_by = $2, claimed_at = $3,
         lease_expires_at = $4, updated_at = $3, started_at = coalesce(started_at, $3)
       WHERE id = $1 AND status = $5 AND claimed_by IS NOT DISTINCT FROM $6
         AND lease_expires_at IS NOT DISTINCT FROM $7`,
      [id, agent, now, leaseExpiresAt, seen.status, seen.claimed_by, seen.lease_expires_at],
    );
    return changed === 1;
  }

  async delete(id: string): Promise<void> {
    // The cascade removes the edges; keep the dependents_count of what it depended on true.
    await this.#sql.run(
      `UPDATE tasks SET dependents_count = dependents_count - 1
       WHERE id IN (SELECT depends_on_id FROM dependencies WHERE task_id = $1)`,
      [id],
    );
    await this.#sql.run("DELETE FROM tasks WHERE id = $1", [id]);
  }

  async count(): Promise<number> {
    return (await this.#sql.row<{ n: number }>("SELECT count(*)::int AS n FROM tasks"))!.n;
  }

  all(): Promise<Task[]> {
    return this.#sql.rows<Task>(`SELECT ${TASK_COLUMNS} FROM tasks ORDER BY seq`);
  }

  async addFile(id: string, ref: FileRef): Promise<void> {
    await this.#sql.run(
      `INSERT INTO task_files (task_id, position, path, line_start, line_end)
       VALUES ($1, (SELECT coalesce(max(position), 0) + 1 FROM task_files WHERE task_id = $1),
         $2, $3, $4)`,
      [id, ref.path, ref.line_start, ref.line_end],
    );
  }

  files(id: string): Promise<FileRef[]> {
    return this.#sql.rows<FileRef>(
      "SELECT path, line_start, line_end FROM task_files WHERE task_id = $1 ORDER BY position",
      [id],
    );
  }

  async addTag(id: string, tag: string): Promise<void> {
    await this.#sql.run(
      "INSERT INTO task_tags (task_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING",
      [id, tag],
    );
  }

  async tags(id: string): Promise<string[]> {
    const rows = await this.#sql.rows<{ tag: string }>(
      "SELECT tag FROM task_tags WHERE task_id = $1 ORDER BY tag",
      [id],
    );
    return rows.map((row) => row.tag);
  }

  async addCriterion(id: string, criterion: CriterionInput): Promise<void> {
    await this.#sql.run(
      `INSERT INTO criteria (task_id, position, criterion, measurable)
       VALUES ($1, (SELECT coalesce(max(position), 0) + 1 FROM criteria WHERE task_id = $1),
         $2, $3)`,
      [id, criterion.criterion, criterion.measurable],
    );
  }

  criteria(id: string): Promise<Criterion[]> {
    return this.#sql.rows<Criterion>(
      "SELECT position, criterion, measurable FROM criteria WHERE task_id = $1 ORDER BY position",
      [id],
    );
  }
}

/** Dependency edges in PostgreSQL; keeps `tasks.dependents_count` in step. */
export class PgDependencyRepo implements DependencyRepo {
  readonly #sql: PgSql;

  /** Use the connection's query helper. */
  constructor(sql: PgSql) {
    this.#sql = sql;
  }

  async add(taskId: string, dependsOnId: string, now: string): Promise<boolean> {
    const added = await this.#sql.run(
      `INSERT INTO dependencies (task_id, depends_on_id, created_at) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING`,
      [taskId, dependsOnId, now],
    );
    if (added === 1) {
      await this.#sql.run(
        "UPDATE tasks SET dependents_count = dependents_count + 1 WHERE id = $1",
        [dependsOnId],
      );
    }
    return added === 1;
  }

  async remove(taskId: string, dependsOnId: string): Promise<boolean> {
    const removed = await this.#sql.run(
      "DELETE FROM dependencies WHERE task_id = $1 AND depends_on_id = $2",
      [taskId, dependsOnId],
    );
    if (removed === 1) {
      await this.#sql.run(
        "UPDATE tasks SET dependents_count = dependents_count - 1 WHERE id = $1",
        [dependsOnId],
      );
    }
    return removed === 1;
  }

  async dependencyIds(taskId: string): Promise<string[]> {
    const rows = await this.#sql.rows<{ depends_on_id: string }>(
      "SELECT depends_on_id FROM dependencies WHERE task_id = $1",
      [taskId],
    );
    return rows.map((row) => row.depends_on_id);
  }

  dependenciesOf(taskId: string): Promise<TaskRef[]> {
    return this.#sql.rows<TaskRef>(
      `SELECT t.id, t.title, t.status FROM dependencies d JOIN tasks t ON t.id = d.depends_on_id
       WHERE d.task_id = $1 ORDER BY t.seq`,
      [taskId],
    );
  }

  dependentsOf(taskId: string): Promise<TaskRef[]> {
    return this.#sql.rows<TaskRef>(
      `SELECT t.id, t.title, t.status FROM dependencies d JOIN tasks t ON t.id = d.task_id
       WHERE d.depends_on_id = $1 ORDER BY t.seq`,
      [taskId],
    );
  }

  async openCount(taskId: string): Promise<number> {
    const row = await this.#sql.row<{ n: number }>(
      `SELECT count(*)::int AS n FROM dependencies d JOIN tasks t ON t.id = d.depends_on_id
       WHERE d.task_id = $1 AND t.status <> 'completed'`,
      [taskId],
    );
    return row!.n;
  }

  all(): Promise<DependencyEdge[]> {
    return this.#sql.rows<DependencyEdge>(
      `SELECT d.task_id, d.depends_on_id FROM dependencies d
       JOIN tasks t ON t.id = d.task_id JOIN tasks u ON u.id = d.depends_on_id
       ORDER BY t.seq, u.seq`,
    );
  }
}
