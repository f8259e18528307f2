/**
 * SQLite statements for the shared context of tasks (`context_entries`).
 *
 * @module
 */

import type { Statements } from "./sqlite_statements.ts";
import type { ContextEntry } from "../core/collaboration.ts";
import type { ContextRepo } from "./store.ts";

/** The columns of a {@link ContextEntry}, in order; PostgreSQL selects the same. */
export const CONTEXT_COLUMNS = "task_id, seq, agent, created_at, type, text, name, request_id";

function toEntry(row: Record<string, unknown> | undefined): ContextEntry | null {
  return row === undefined ? null : ({ ...row }) as unknown as ContextEntry;
}

/** Shared context entries in SQLite. */
export class SqliteContextRepo implements ContextRepo {
  readonly #sql: Statements;

  /** Use the connection's statement cache. */
  constructor(statements: Statements) {
    this.#sql = statements;
  }

  append(entry: Omit<ContextEntry, "seq">): Promise<ContextEntry> {
    // The sequence number is computed inside the caller's BEGIN IMMEDIATE transaction, which
    // holds the write lock: concurrent writers are serialised, so the numbers form one order.
    const row = this.#sql.get(
      `INSERT INTO context_entries (${CONTEXT_COLUMNS})
       SELECT ?, coalesce(max(seq), 0) + 1, ?, ?, ?, ?, ?, ?
         FROM context_entries WHERE task_id = ?
       RETURNING ${CONTEXT_COLUMNS}`,
    ).get(
      entry.task_id,
      entry.agent,
      entry.created_at,
      entry.type,
      entry.text,
      entry.name,
      entry.request_id,
      entry.task_id,
    ) as Record<string, unknown>;
    return Promise.resolve(toEntry(row)!);
  }

  byRequestId(requestId: string): Promise<ContextEntry | null> {
    return Promise.resolve(toEntry(
      this.#sql.get(`SELECT ${CONTEXT_COLUMNS} FROM context_entries WHERE request_id = ?`)
        .get(requestId) as Record<string, unknown> | undefined,
    ));
  }

  list(taskId: string): Promise<ContextEntry[]> {
    return Promise.resolve(
      this.#sql.get(
        `SELECT ${CONTEXT_COLUMNS} FROM context_entries
         WHERE task_id = ? AND retracted_at IS NULL ORDER BY seq`,
      ).all(taskId).map((row) => toEntry(row)!),
    );
  }

  get(
    taskId: string,
    seq: number,
  ): Promise<(ContextEntry & { retracted_at: string | null }) | null> {
    const row = this.#sql.get(
      `SELECT ${CONTEXT_COLUMNS}, retracted_at FROM context_entries WHERE task_id = ? AND seq = ?`,
    ).get(taskId, seq) as Record<string, unknown> | undefined;
    return Promise.resolve(toEntry(row) as (ContextEntry & { retracted_at: string | null }) | null);
  }

  retract(taskId: string, seq: number, agent: string, now: string): Promise<boolean> {
    const result = this.#sql.get(
      `UPDATE context_entries SET retracted_at = ?, retracted_by = ?
       WHERE task_id = ? AND seq = ? AND retracted_at IS NULL`,
    ).run(now, agent, taskId, seq);
    return Promise.resolve(Number(result.changes) > 0);
  }

  lastSeq(taskId: string): Promise<number> {
    const row = this.#sql.get(
      "SELECT coalesce(max(seq), 0) AS seq FROM context_entries " +
        "WHERE task_id = ? AND retracted_at IS NULL",
    ).get(taskId) as { seq: number };
    return Promise.resolve(row.seq);
  }

  syncPoint(taskId: string, checkpoint: string): Promise<ContextEntry | null> {
    return Promise.resolve(toEntry(
      this.#sql.get(
        `SELECT ${CONTEXT_COLUMNS} FROM context_entries
         WHERE task_id = ? AND type = 'sync' AND text = ? AND retracted_at IS NULL
         ORDER BY seq LIMIT 1`,
      ).get(taskId, checkpoint) as Record<string, unknown> | undefined,
    ));
  }
}
