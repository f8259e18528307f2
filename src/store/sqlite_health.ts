/**
 * Looking at a database file without trusting it: what `tm doctor`, `tm restore` and the
 * start-up check of every command ask. Opens read-only and never migrates, so a damaged or
 * foreign file is described, not changed.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { SCHEMA_VERSION } from "./migrations.ts";

/** Why a file cannot serve as a tm database; null when it can. */
export type DatabaseProblem =
  | "missing"
  | "empty"
  | "not_a_database"
  | "foreign"
  | "unreadable"
  | null;

/** What {@link inspectDatabase} found. */
export interface DatabaseHealth {
  path: string;
  problem: DatabaseProblem;
  /** Human detail for `problem` (the SQLite message, say); null when there is none. */
  detail: string | null;
  size: number;
  schema_version: number | null;
  latest_version: number;
  /** `PRAGMA integrity_check` lines; `["ok"]` when healthy, empty when not checked. */
  integrity: string[];
  /** Rows violating a foreign key, as `table(rowid) -> parent`. */
  foreign_key_violations: string[];
  /** Last context entry seq per task, for comparing the YAML mirrors. */
  context_heads: Array<{ task_id: string; seq: number }>;
}

/** The size of the regular file at `path`; null when there is none. */
export function sizeOf(path: string): number | null {
  try {
    const info = Deno.statSync(path);
    return info.isFile ? info.size : null;
  } catch {
    return null;
  }
}

/**
 * Classify `path` cheaply: missing, empty, or a SQLite file with tm's schema version.
 * Used before every command opens the database (one stat and, for a new connection, one
 * pragma), so a zero-byte or foreign file is never taken for a new project.
 */
export function quickProblem(
  db: DatabaseSync,
  path: string,
  size = sizeOf(path),
): DatabaseProblem {
  if (size === null) return "missing";
  if (size === 0) return "empty";
  const row = db.prepare("PRAGMA user_version").get() as { user_version: number } | undefined;
  if ((row?.user_version ?? 0) > 0) return null;
  const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master").get() as { n: number };
  // A file with a header but no schema yet is an interrupted `tm init`; anything else is foreign.
  return tables.n === 0 ? null : "foreign";
}

/**
 * Open without changing content. Read-write when possible: closing the last read-write
 * connection removes the `-wal`/`-shm` that opening a WAL-mode file creates, which a
 * read-only connection would leave beside a backup. Read-only in a read-only directory.
 */
function openForInspection(path: string): DatabaseSync {
  try {
    const db = new DatabaseSync(path, { timeout: 5_000 });
    db.prepare("PRAGMA user_version").get();
    return db;
  } catch {
    return new DatabaseSync(path, { readOnly: true, timeout: 5_000 });
  }
}

/** Inspect `path` without changing its content: problem, schema version, integrity and foreign keys. */
export function inspectDatabase(path: string, options: { full: boolean }): DatabaseHealth {
  const health: DatabaseHealth = {
    path,
    problem: null,
    detail: null,
    size: sizeOf(path) ?? 0,
    schema_version: null,
    latest_version: SCHEMA_VERSION,
    integrity: [],
    foreign_key_violations: [],
    context_heads: [],
  };
  if (sizeOf(path) === null) return { ...health, problem: "missing" };
  if (health.size === 0) return { ...health, problem: "empty" };
  let db: DatabaseSync;
  try {
    db = openForInspection(path);
  } catch (error) {
    const message = (error as Error).message;
    // A read-only directory (no -shm possible) or no permission: not the file's fault.
    const problem = /unable to open/i.test(message) ? "unreadable" : "not_a_database";
    return { ...health, problem, detail: message };
  }
  try {
    health.problem = quickProblem(db, path);
    const row = db.prepare("PRAGMA user_version").get() as { user_version: number };
    health.schema_version = row.user_version;
    if (health.problem !== null || !options.full) return health;
    health.integrity = (db.prepare("PRAGMA integrity_check").all() as Array<
      { integrity_check: string }
    >).map((r) => r.integrity_check);
    health.foreign_key_violations = (db.prepare("PRAGMA foreign_key_check").all() as Array<
      { table: string; rowid: number | null; parent: string }
    >).map((r) => `${r.table}(${r.rowid ?? "?"}) -> ${r.parent}`);
    health.context_heads = db.prepare(
      "SELECT task_id, MAX(seq) AS seq FROM context_entries GROUP BY task_id ORDER BY task_id",
    ).all() as Array<{ task_id: string; seq: number }>;
  } catch (error) {
    health.detail = (error as Error).message;
    health.problem ??= /unable to open/i.test(health.detail) ? "unreadable" : "not_a_database";
  } finally {
    db.close();
  }
  return health;
}

/**
 * Make a fresh copy self-contained: rollback-journal mode, so that opening it later (even
 * read-only) leaves no `-wal`/`-shm` files beside it.
 */
export function settleCopy(path: string): void {
  const db = new DatabaseSync(path);
  try {
    db.exec("PRAGMA journal_mode = DELETE");
  } finally {
    db.close();
  }
}
