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
import { PATCHABLE, SORT_ORDERS, TASK_COLUMNS } from "./sqlite_tasks.ts";

/**
 * Keeps a task only if it requires no capability outside the text array `$n`; a primary-key
 * probe per candidate row, as in SQLite.
 */
export function capabilityFilter(param: number): string {
  return "NOT EXISTS (SELECT 1 FROM task_capabilities tc WHERE tc.task_id = tasks.id " +
    `AND NOT (tc.capability = ANY ($${param}::text[])))`;
}

/**
 * The words a user typed as FTS5 reads them through SQLite's `ftsQuery`: white space and
 * control characters separate words, and every word must occur; within a word, anything but
 * letters and digits separates tokens that must follow each other (a phrase), the last of
 * them matched as a prefix. Diacritics are dropped as the documents drop them (migration 9).
 * Each phrase as a tsquery (tokens hold letters, digits and marks only: quoting is safe)
 * and its last token (for the ranking); empty when no word has a letter or a digit, where
 * FTS5 finds nothing.
 */
export function searchPhrases(text: string): Array<{ query: string; token: string }> {
  return text.normalize("NFD").replace(/[\u0300-\u036f]+/g, "").split(/[\s\p{Cc}]+/u)
    .map((word) => word.split(/[^\p{L}\p{N}\p{M}]+/u).filter((token) => token !== ""))
    .filter((tokens) => tokens.length > 0)
    .map((tokens) => ({
      query: tokens.map((token) => `'${token}'`).join(" <-> ") + ":*",
      token: tokens.at(-1)!,
    }));
}

/**
 * The search's ranking, FTS5's bm25 (k1 = 1.2, b = 0.75) computed from the documents: per
 * phrase, its idf over all tasks times its weighted hits in the row (title 10, description
 * 4, shared context 1: the weights tm gives bm25), normalised by the row's length against
 * the average. A phrase's hits are counted as its last token's (exact for one-token
 * phrases, the usual kind). Higher is better.
 */
const BM25 = `
  (SELECT sum(p.idf * (f.hits * 2.2) /
              (f.hits + 1.2 * (0.25 + 0.75 * s.words / st.avgdl)))
     FROM search_phrases p CROSS JOIN LATERAL (
       SELECT coalesce(sum(CASE w WHEN 'A' THEN 10 WHEN 'B' THEN 4 ELSE 1 END), 0)::float8
                AS hits
         FROM unnest(s.document) u, unnest(u.weights) w
        WHERE u.lexeme LIKE p.token || '%') f)`;

/** The statistics bm25 takes from the whole table, and each phrase's idf. */
function searchPrelude(phrases: string, tokens: string): string {
  return `WITH search_stats AS (
      SELECT count(*)::float8 AS n, coalesce(avg(words), 1)::float8 AS avgdl FROM task_search),
    -- Materialised: inlined, each phrase's idf would be counted again for every hit.
    search_phrases AS MATERIALIZED (
      SELECT lower(x.t) AS token,
             greatest(ln((st.n - m.n + 0.5) / (m.n + 0.5)), 1e-6) AS idf
        FROM unnest(${phrases}::text[], ${tokens}::text[]) AS x(q, t)
        CROSS JOIN search_stats st
        CROSS JOIN LATERAL (SELECT count(*)::float8 AS n FROM task_search s
                             WHERE s.document @@ to_tsquery('simple', x.q)) m) `;
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
    const statuses = [
      ...(filter.status === undefined ? [] : [filter.status]),
      ...(filter.statuses ?? []),
    ];
    if (statuses.length > 0) where.push(`status = ANY (${bind(statuses)}::text[])`);
    if (filter.assignee !== undefined) where.push(`assignee = ${bind(filter.assignee)}`);
    if (filter.mine !== undefined) {
      const mine = bind(filter.mine);
      where.push(`(assignee = ${mine} OR claimed_by = ${mine})`);
    }
    if (filter.priority !== undefined) where.push(`priority = ${bind(filter.priority)}`);
    for (const tag of [...(filter.tag === undefined ? [] : [filter.tag]), ...filter.tags ?? []]) {
      where.push(`id IN (SELECT task_id FROM task_tags WHERE tag = ${bind(tag)})`);
    }
    if (filter.meta !== undefined) {
      const key = bind(filter.meta.key);
      where.push(
        filter.meta.value === null
          ? `id IN (SELECT task_id FROM task_meta WHERE key = ${key})`
          : `id IN (SELECT task_id FROM task_meta WHERE key = ${key} AND value = ${
            bind(filter.meta.value)
          })`,
      );
    }
    if (filter.updatedSince !== undefined) {
      where.push(`updated_at >= ${bind(filter.updatedSince)}`);
    }
    if (filter.dueBefore !== undefined) where.push(`deadline < ${bind(filter.dueBefore)}`);
    if (filter.overdueAt !== undefined) {
      where.push(
        `deadline < ${bind(filter.overdueAt)} AND status NOT IN ('completed', 'cancelled')`,
      );
    }
    if (filter.archived === "exclude") where.push("archived_at IS NULL");
    if (filter.archived === "only") where.push("archived_at IS NOT NULL");
    if (filter.hasDependencies === true) {
      where.push("EXISTS (SELECT 1 FROM dependencies d WHERE d.task_id = tasks.id)");
    }
    let order = "seq";
    let from = "tasks";
    let prelude = "";
    if (filter.search !== undefined) {
      // The GIN-indexed documents of migration 9, every phrase required, ranked by bm25.
      const phrases = searchPhrases(filter.search);
      if (phrases.length === 0) {
        where.push("false");
      } else {
        prelude = searchPrelude(
          bind(phrases.map((p) => p.query)),
          bind(phrases.map((p) => p.token)),
        );
        const all = bind(phrases.map((p) => p.query).join(" & "));
        from = `tasks JOIN (SELECT s.task_id AS hit_id, ${BM25} AS hit_score
                  FROM task_search s CROSS JOIN search_stats st
                 WHERE s.document @@ to_tsquery('simple', ${all})) hits ON hit_id = id`;
        order = "hit_score DESC, seq";
      }
    }
    if (filter.sort !== undefined) {
      order = SORT_ORDERS[filter.sort];
      if (filter.sort === "urgency") {
        order = order.replace("?", bind(filter.now ?? new Date().toISOString()));
      }
    }
    const sql = `${prelude}SELECT ${TASK_COLUMNS} FROM ${from}` +
      (where.length > 0 ? ` WHERE ${where.join(" AND ")}` : "") +
      ` ORDER BY ${order} LIMIT ${bind(limit(filter.limit))}`;
    return this.#sql.rows<Task>(sql, params);
  }

  async archive(before: string, now: string): Promise<string[]> {
    const rows = await this.#sql.rows<{ id: string }>(
      `UPDATE tasks SET archived_at = $1
       WHERE archived_at IS NULL AND status IN ('completed', 'cancelled')
         AND coalesce(completed_at, updated_at) <= $2
       RETURNING id`,
      [now, before],
    );
    return rows.map((row) => row.id).sort();
  }

  async saveTombstone(
    tombstone: { id: string; deleted_at: string; deleted_by: string; record: string },
    expired: string,
  ): Promise<void> {
    await this.#sql.run("DELETE FROM deleted_tasks WHERE deleted_at < $1", [expired]);
    await this.#sql.run(
      `INSERT INTO deleted_tasks (id, deleted_at, deleted_by, record) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET deleted_at = excluded.deleted_at,
         deleted_by = excluded.deleted_by, record = excluded.record`,
      [tombstone.id, tombstone.deleted_at, tombstone.deleted_by, tombstone.record],
    );
  }

  tombstones(prefix: string): Promise<Array<{ id: string; deleted_at: string; record: string }>> {
    return this.#sql.rows(
      `SELECT id, deleted_at, record FROM deleted_tasks WHERE id >= $1 AND id < $2
       ORDER BY deleted_at DESC LIMIT 10`,
      [prefix, `${prefix}g`],
    );
  }

  async dropTombstone(id: string): Promise<void> {
    await this.#sql.run("DELETE FROM deleted_tasks WHERE id = $1", [id]);
  }

  async relations(
    ids: readonly string[],
  ): Promise<Map<string, { tags: string[]; depends_on: string[] }>> {
    const result = new Map(
      ids.map((id) => [id, { tags: [] as string[], depends_on: [] as string[] }]),
    );
    const tags = await this.#sql.rows<{ task_id: string; tag: string }>(
      "SELECT task_id, tag FROM task_tags WHERE task_id = ANY ($1::text[]) ORDER BY task_id, tag",
      [[...ids]],
    );
    for (const row of tags) result.get(row.task_id)?.tags.push(row.tag);
    const deps = await this.#sql.rows<{ task_id: string; depends_on_id: string }>(
      "SELECT task_id, depends_on_id FROM dependencies WHERE task_id = ANY ($1::text[]) " +
        "ORDER BY task_id, depends_on_id",
      [[...ids]],
    );
    for (const row of deps) result.get(row.task_id)?.depends_on.push(row.depends_on_id);
    return result;
  }

  async removeTag(id: string, tag: string): Promise<boolean> {
    return (await this.#sql.run("DELETE FROM task_tags WHERE task_id = $1 AND tag = $2", [
      id,
      tag,
    ])) > 0;
  }

  removeFile(id: string, ref: FileRef): Promise<number> {
    return ref.line_start === null
      ? this.#sql.run("DELETE FROM task_files WHERE task_id = $1 AND path = $2", [id, ref.path])
      : this.#sql.run(
        "DELETE FROM task_files WHERE task_id = $1 AND path = $2 AND line_start = $3 " +
          "AND line_end IS NOT DISTINCT FROM $4",
        [id, ref.path, ref.line_start, ref.line_end],
      );
  }

  tagCounts(): Promise<Array<{ tag: string; count: number; open: number }>> {
    return this.#sql.rows(
      `SELECT tag, count(*)::int AS count,
              (count(*) FILTER (WHERE t.status NOT IN ('completed', 'cancelled')))::int AS open
       FROM task_tags JOIN tasks t ON t.id = task_tags.task_id
       GROUP BY tag ORDER BY count DESC, tag`,
    );
  }

  async setMeta(id: string, key: string, value: string): Promise<void> {
    await this.#sql.run(
      `INSERT INTO task_meta (task_id, key, value) VALUES ($1, $2, $3)
       ON CONFLICT (task_id, key) DO UPDATE SET value = excluded.value`,
      [id, key, value],
    );
  }

  async meta(id: string): Promise<Record<string, string>> {
    const rows = await this.#sql.rows<{ key: string; value: string }>(
      "SELECT key, value FROM task_meta WHERE task_id = $1 ORDER BY key",
      [id],
    );
    return Object.fromEntries(rows.map((row) => [row.key, row.value]));
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
