/**
 * SQLite statements for tasks and the lists stored with them (files, tags, criteria).
 *
 * @module
 */

import type { SQLInputValue } from "node:sqlite";
import type { CriterionInput, FileRef, Task, TaskSort } from "../core/task.ts";
import type { Statements } from "./sqlite_statements.ts";
import type { Criterion } from "../core/task.ts";
import type { ClaimSeen, ReadyQuery, TaskFilter, TaskPatch, TaskRepo } from "./store.ts";

/** The task columns, in the order of the `Task` interface. */
export const TASK_COLUMNS: string =
  "id, title, description, status, priority, assignee, created_by, created_at, updated_at, " +
  "started_at, completed_at, deadline, estimated_hours, actual_hours, claimed_by, " +
  "lease_expires_at";

/** The task columns a {@link TaskPatch} may set (both engines). */
export const PATCHABLE: ReadonlySet<string> = new Set([
  "title",
  "description",
  "status",
  "priority",
  "assignee",
  "updated_at",
  "started_at",
  "completed_at",
  "deadline",
  "estimated_hours",
  "actual_hours",
  "claimed_by",
  "lease_expires_at",
]);

/** `ORDER BY` of each `tm list --sort`; `urgency` binds the current time once. */
export const SORT_ORDERS: Readonly<Record<TaskSort, string>> = {
  priority: "priority_rank DESC, seq",
  created: "seq",
  updated: "updated_at DESC, seq",
  deadline: "deadline_key, seq",
  // Overdue open work first, then the ready order.
  urgency: "(deadline IS NOT NULL AND deadline < ? AND status NOT IN ('completed', 'cancelled'))" +
    " DESC, priority_rank DESC, deadline_key, dependents_count DESC, seq",
};

/**
 * An FTS5 query for words a user typed: each word quoted (so `-`, `:`, `*` and `"` are text,
 * not query syntax) and matched as a prefix; all words must occur.
 */
export function ftsQuery(text: string): string {
  // Control characters (a NUL ends an FTS5 string) separate words like white space does.
  return text.split(/[\s\p{Cc}]+/u).filter((word) => word !== "")
    .map((word) => `"${word.replaceAll('"', '""')}"*`).join(" ");
}

// The ready order: priority, deadline (none last), how many tasks wait on it, age.
const READY_ORDER = "priority_rank DESC, deadline_key, dependents_count DESC, seq";

/**
 * Keeps a task only if it requires no capability outside the JSON array bound to `?`. A
 * primary-key probe per candidate row, so the ready scan still stops after `limit` matches.
 */
export const CAPABILITY_FILTER = "NOT EXISTS (SELECT 1 FROM task_capabilities tc " +
  "WHERE tc.task_id = tasks.id AND tc.capability NOT IN (SELECT value FROM json_each(?)))";

function toTask(row: unknown): Task {
  return { ...(row as Task) };
}

/** Task rows in SQLite. */
export class SqliteTaskRepo implements TaskRepo {
  readonly #sql: Statements;

  /** Use the connection's statement cache. */
  constructor(statements: Statements) {
    this.#sql = statements;
  }

  insert(task: Task): Promise<void> {
    this.#sql.get(
      `INSERT INTO tasks (${TASK_COLUMNS}) VALUES (:id, :title, :description, :status, ` +
        ":priority, :assignee, :created_by, :created_at, :updated_at, :started_at, " +
        ":completed_at, :deadline, :estimated_hours, :actual_hours, :claimed_by, " +
        ":lease_expires_at)",
    ).run(task as unknown as Record<string, SQLInputValue>);
    return Promise.resolve();
  }

  get(id: string): Promise<Task | null> {
    const row = this.#sql.get(`SELECT ${TASK_COLUMNS} FROM tasks WHERE id = ?`).get(id);
    return Promise.resolve(row === undefined ? null : toTask(row));
  }

  idsWithPrefix(prefix: string, limit: number): Promise<string[]> {
    // A range on the unique index: ids are lowercase hex, so prefix + 'g' bounds the range.
    const rows = this.#sql.get(
      "SELECT id FROM tasks WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
    ).all(prefix, `${prefix}g`, limit) as Array<{ id: string }>;
    return Promise.resolve(rows.map((row) => row.id));
  }

  list(filter: TaskFilter): Promise<Task[]> {
    const head: SQLInputValue[] = [];
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    const statuses = [
      ...(filter.status === undefined ? [] : [filter.status]),
      ...(filter.statuses ?? []),
    ];
    if (statuses.length > 0) {
      where.push(`status IN (${statuses.map(() => "?").join(", ")})`);
      params.push(...statuses);
    }
    if (filter.assignee !== undefined) {
      where.push("assignee = ?");
      params.push(filter.assignee);
    }
    if (filter.mine !== undefined) {
      where.push("(assignee = ? OR claimed_by = ?)");
      params.push(filter.mine, filter.mine);
    }
    if (filter.priority !== undefined) {
      where.push("priority = ?");
      params.push(filter.priority);
    }
    for (const tag of [...(filter.tag === undefined ? [] : [filter.tag]), ...filter.tags ?? []]) {
      where.push("id IN (SELECT task_id FROM task_tags WHERE tag = ?)");
      params.push(tag);
    }
    if (filter.meta !== undefined) {
      where.push(
        filter.meta.value === null
          ? "id IN (SELECT task_id FROM task_meta WHERE key = ?)"
          : "id IN (SELECT task_id FROM task_meta WHERE key = ? AND value = ?)",
      );
      params.push(filter.meta.key);
      if (filter.meta.value !== null) params.push(filter.meta.value);
    }
    if (filter.updatedSince !== undefined) {
      where.push("updated_at >= ?");
      params.push(filter.updatedSince);
    }
    if (filter.dueBefore !== undefined) {
      where.push("deadline < ?");
      params.push(filter.dueBefore);
    }
    if (filter.overdueAt !== undefined) {
      where.push("deadline < ? AND status NOT IN ('completed', 'cancelled')");
      params.push(filter.overdueAt);
    }
    if (filter.archived === "exclude") where.push("archived_at IS NULL");
    if (filter.archived === "only") where.push("archived_at IS NOT NULL");
    if (filter.hasDependencies === true) {
      where.push("EXISTS (SELECT 1 FROM dependencies d WHERE d.task_id = tasks.id)");
    }
    let from = "tasks";
    let order = "seq";
    if (filter.search !== undefined) {
      // Title words weigh most, then the description, then shared context.
      from = "(SELECT rowid AS hit_seq, bm25(task_search, 10.0, 4.0, 1.0) AS hit_rank " +
        "FROM task_search WHERE task_search MATCH ?) JOIN tasks ON seq = hit_seq";
      head.push(ftsQuery(filter.search));
      order = "hit_rank, seq";
    }
    const orderParams: SQLInputValue[] = [];
    if (filter.sort !== undefined) {
      order = SORT_ORDERS[filter.sort];
      if (filter.sort === "urgency") orderParams.push(filter.now ?? new Date().toISOString());
    }
    const sql = `SELECT ${TASK_COLUMNS} FROM ${from}` +
      (where.length > 0 ? ` WHERE ${where.join(" AND ")}` : "") +
      ` ORDER BY ${order} LIMIT ?`;
    return Promise.resolve(
      this.#sql.get(sql).all(...head, ...params, ...orderParams, filter.limit ?? -1).map(toTask),
    );
  }

  archive(before: string, now: string): Promise<string[]> {
    const rows = this.#sql.get(
      `UPDATE tasks SET archived_at = ?
       WHERE archived_at IS NULL AND status IN ('completed', 'cancelled')
         AND coalesce(completed_at, updated_at) <= ?
       RETURNING id`,
    ).all(now, before) as Array<{ id: string }>;
    return Promise.resolve(rows.map((row) => row.id).sort());
  }

  saveTombstone(
    tombstone: { id: string; deleted_at: string; deleted_by: string; record: string },
    expired: string,
  ): Promise<void> {
    this.#sql.get("DELETE FROM deleted_tasks WHERE deleted_at < ?").run(expired);
    this.#sql.get(
      "INSERT OR REPLACE INTO deleted_tasks (id, deleted_at, deleted_by, record) VALUES (?, ?, ?, ?)",
    ).run(tombstone.id, tombstone.deleted_at, tombstone.deleted_by, tombstone.record);
    return Promise.resolve();
  }

  tombstones(prefix: string): Promise<Array<{ id: string; deleted_at: string; record: string }>> {
    const rows = this.#sql.get(
      `SELECT id, deleted_at, record FROM deleted_tasks WHERE id >= ? AND id < ?
       ORDER BY deleted_at DESC LIMIT 10`,
    ).all(prefix, `${prefix}g`) as Array<{ id: string; deleted_at: string; record: string }>;
    return Promise.resolve(rows.map((row) => ({ ...row })));
  }

  dropTombstone(id: string): Promise<void> {
    this.#sql.get("DELETE FROM deleted_tasks WHERE id = ?").run(id);
    return Promise.resolve();
  }

  relations(
    ids: readonly string[],
  ): Promise<Map<string, { tags: string[]; depends_on: string[] }>> {
    const result = new Map(
      ids.map((id) => [id, { tags: [] as string[], depends_on: [] as string[] }]),
    );
    const idList = JSON.stringify(ids);
    const tags = this.#sql.get(
      "SELECT task_id, tag FROM task_tags WHERE task_id IN (SELECT value FROM json_each(?)) " +
        "ORDER BY task_id, tag",
    ).all(idList) as Array<{ task_id: string; tag: string }>;
    for (const row of tags) result.get(row.task_id)?.tags.push(row.tag);
    const deps = this.#sql.get(
      "SELECT task_id, depends_on_id FROM dependencies " +
        "WHERE task_id IN (SELECT value FROM json_each(?)) ORDER BY task_id, depends_on_id",
    ).all(idList) as Array<{ task_id: string; depends_on_id: string }>;
    for (const row of deps) result.get(row.task_id)?.depends_on.push(row.depends_on_id);
    return Promise.resolve(result);
  }

  ready(query: ReadyQuery): Promise<Task[]> {
    const filters: string[] = [];
    const params: SQLInputValue[] = [];
    if (query.assignee !== undefined) {
      filters.push("assignee = ?");
      params.push(query.assignee);
    }
    if (query.offeredTo !== undefined) {
      filters.push("(assignee IS NULL OR assignee = ?)");
      params.push(query.offeredTo);
    }
    if (query.capabilities !== undefined) {
      filters.push(CAPABILITY_FILTER);
      params.push(JSON.stringify(query.capabilities));
    }
    const extra = filters.map((f) => ` AND ${f}`).join("");
    // Two index range scans, each already in ready order; merged and cut below.
    const pending = this.#sql.get(
      `SELECT ${TASK_COLUMNS}, ${READY_ORDER.replaceAll(" DESC", "")} FROM tasks ` +
        `WHERE status = 'pending'${extra} ORDER BY ${READY_ORDER} LIMIT ?`,
    ).all(...params, query.limit);
    const expired = this.#sql.get(
      `SELECT ${TASK_COLUMNS}, ${READY_ORDER.replaceAll(" DESC", "")} FROM tasks ` +
        `WHERE status = 'in_progress' AND lease_expires_at < ?${extra} ` +
        `ORDER BY ${READY_ORDER} LIMIT ?`,
    ).all(query.now, ...params, query.limit);
    // A third range scan (tasks_deadline index): pending tasks already past their deadline
    // come first whatever their priority, so they must not be cut by the LIMIT above. Among
    // themselves they keep the ready order, so this sorts the overdue rows (only those).
    const overdue = this.#sql.get(
      `SELECT ${TASK_COLUMNS}, ${READY_ORDER.replaceAll(" DESC", "")} FROM tasks ` +
        `WHERE status = 'pending' AND deadline IS NOT NULL AND deadline < ?${extra} ` +
        `ORDER BY ${READY_ORDER} LIMIT ?`,
    ).all(query.now, ...params, query.limit);
    type Ranked = Task & {
      priority_rank: number;
      deadline_key: string;
      dependents_count: number;
      seq: number;
    };
    const seen = new Set<string>();
    const rows = ([...overdue, ...pending, ...expired] as unknown as Ranked[]).filter((row) =>
      seen.has(row.id) ? false : (seen.add(row.id), true)
    );
    const late = (row: Ranked) => (row.deadline !== null && row.deadline < query.now ? 1 : 0);
    const merged = rows.sort((a, b) =>
      late(b) - late(a) ||
      b.priority_rank - a.priority_rank ||
      (a.deadline_key < b.deadline_key ? -1 : a.deadline_key > b.deadline_key ? 1 : 0) ||
      b.dependents_count - a.dependents_count ||
      a.seq - b.seq
    );
    return Promise.resolve(
      merged.slice(0, query.limit).map(
        ({ priority_rank: _r, deadline_key: _d, dependents_count: _c, seq: _s, ...task }) =>
          toTask(task),
      ),
    );
  }

  update(id: string, patch: TaskPatch): Promise<void> {
    const keys = Object.keys(patch).filter((key) => PATCHABLE.has(key));
    if (keys.length === 0) return Promise.resolve();
    const values = keys.map((key) => (patch as Record<string, SQLInputValue>)[key] ?? null);
    this.#sql.get(`UPDATE tasks SET ${keys.map((k) => `${k} = ?`).join(", ")} WHERE id = ?`)
      .run(...values, id);
    return Promise.resolve();
  }

  blockedByDependencies(id: string): Promise<boolean> {
    const row = this.#sql.get("SELECT blocked_reason FROM tasks WHERE id = ?").get(id) as
      | { blocked_reason: string | null }
      | undefined;
    return Promise.resolve(
      row !== undefined && (row.blocked_reason ?? "dependencies") === "dependencies",
    );
  }

  claim(
    id: string,
    agent: string,
    now: string,
    leaseExpiresAt: string,
    seen: ClaimSeen,
  ): Promise<boolean> {
    // Who may claim is decided in core/lease.ts; this only applies it if nothing changed since.
    const result = this.#sql.get(
      `UPDATE tasks SET status = 'in_progress', claimed_by = :agent, claimed_at = :now,
         lease_expires_at = :lease, updated_at = :now, started_at = coalesce(started_at, :now)
       WHERE id = :id AND status = :status AND claimed_by IS :holder
         AND lease_expires_at IS :expires`,
    ).run({
      id,
      agent,
      now,
      lease: leaseExpiresAt,
      status: seen.status,
      holder: seen.claimed_by,
      expires: seen.lease_expires_at,
    });
    return Promise.resolve(result.changes === 1);
  }

  delete(id: string): Promise<void> {
    // The cascade removes the edges; keep the dependents_count of what it depended on true.
    this.#sql.get(
      `UPDATE tasks SET dependents_count = dependents_count - 1
       WHERE id IN (SELECT depends_on_id FROM dependencies WHERE task_id = ?)`,
    ).run(id);
    this.#sql.get("DELETE FROM tasks WHERE id = ?").run(id);
    return Promise.resolve();
  }

  count(): Promise<number> {
    const row = this.#sql.get("SELECT count(*) AS n FROM tasks").get() as { n: number };
    return Promise.resolve(row.n);
  }

  all(): Promise<Task[]> {
    return Promise.resolve(
      this.#sql.get(`SELECT ${TASK_COLUMNS} FROM tasks ORDER BY seq`).all().map(toTask),
    );
  }

  addFile(id: string, ref: FileRef): Promise<void> {
    this.#sql.get(
      `INSERT INTO task_files (task_id, position, path, line_start, line_end)
       VALUES (?, (SELECT coalesce(max(position), 0) + 1 FROM task_files WHERE task_id = ?), ?, ?, ?)`,
    ).run(id, id, ref.path, ref.line_start, ref.line_end);
    return Promise.resolve();
  }

  files(id: string): Promise<FileRef[]> {
    return Promise.resolve(
      this.#sql.get(
        "SELECT path, line_start, line_end FROM task_files WHERE task_id = ? ORDER BY position",
      ).all(id).map((row) => ({ ...row }) as unknown as FileRef),
    );
  }

  addTag(id: string, tag: string): Promise<void> {
    this.#sql.get("INSERT OR IGNORE INTO task_tags (task_id, tag) VALUES (?, ?)").run(id, tag);
    return Promise.resolve();
  }

  tags(id: string): Promise<string[]> {
    const rows = this.#sql.get("SELECT tag FROM task_tags WHERE task_id = ? ORDER BY tag")
      .all(id) as Array<{ tag: string }>;
    return Promise.resolve(rows.map((row) => row.tag));
  }

  removeTag(id: string, tag: string): Promise<boolean> {
    const result = this.#sql.get("DELETE FROM task_tags WHERE task_id = ? AND tag = ?").run(
      id,
      tag,
    );
    return Promise.resolve(Number(result.changes) > 0);
  }

  removeFile(id: string, ref: FileRef): Promise<number> {
    const result = ref.line_start === null
      ? this.#sql.get("DELETE FROM task_files WHERE task_id = ? AND path = ?").run(id, ref.path)
      : this.#sql.get(
        "DELETE FROM task_files WHERE task_id = ? AND path = ? AND line_start = ? " +
          "AND line_end IS ?",
      ).run(id, ref.path, ref.line_start, ref.line_end);
    return Promise.resolve(Number(result.changes));
  }

  tagCounts(): Promise<Array<{ tag: string; count: number; open: number }>> {
    const rows = this.#sql.get(
      `SELECT tag, count(*) AS count,
              sum(t.status NOT IN ('completed', 'cancelled')) AS open
       FROM task_tags JOIN tasks t ON t.id = task_tags.task_id
       GROUP BY tag ORDER BY count DESC, tag`,
    ).all() as Array<{ tag: string; count: number; open: number }>;
    return Promise.resolve(rows.map((row) => ({ ...row })));
  }

  setMeta(id: string, key: string, value: string): Promise<void> {
    this.#sql.get("INSERT OR REPLACE INTO task_meta (task_id, key, value) VALUES (?, ?, ?)")
      .run(id, key, value);
    return Promise.resolve();
  }

  meta(id: string): Promise<Record<string, string>> {
    const rows = this.#sql.get("SELECT key, value FROM task_meta WHERE task_id = ? ORDER BY key")
      .all(id) as Array<{ key: string; value: string }>;
    return Promise.resolve(Object.fromEntries(rows.map((row) => [row.key, row.value])));
  }

  addCriterion(id: string, criterion: CriterionInput): Promise<void> {
    this.#sql.get(
      `INSERT INTO criteria (task_id, position, criterion, measurable)
       VALUES (?, (SELECT coalesce(max(position), 0) + 1 FROM criteria WHERE task_id = ?), ?, ?)`,
    ).run(id, id, criterion.criterion, criterion.measurable);
    return Promise.resolve();
  }

  criteria(id: string): Promise<Criterion[]> {
    return Promise.resolve(
      this.#sql.get(
        "SELECT position, criterion, measurable FROM criteria WHERE task_id = ? ORDER BY position",
      ).all(id).map((row) => ({ ...row }) as unknown as Criterion),
    );
  }
}
