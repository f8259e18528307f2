/**
 * The SQLite store (node:sqlite): connection rules, migrations, transactions and the
 * statement cache. The per-area statements live in `sqlite_*.ts` beside this file.
 *
 * Rules (docs/architecture.md, "Storage"): busy timeout set in the constructor before any
 * pragma; WAL; synchronous=FULL; every write is `BEGIN IMMEDIATE`; reads never write;
 * prepared statements are cached; `user_version` is re-read inside the write transaction
 * that migrates; a backup is taken before any migration of an existing database.
 *
 * @module
 */

import { backup, DatabaseSync } from "node:sqlite";
import { TmError } from "../core/errors.ts";
import { MIGRATIONS, SCHEMA_VERSION } from "./migrations.ts";
import type { TaskEvent } from "../core/event.ts";
import type { Store, StoreTx } from "./store.ts";
import { Statements } from "./sqlite_statements.ts";
import { SqliteTaskRepo } from "./sqlite_tasks.ts";
import { SqliteDependencyRepo } from "./sqlite_dependencies.ts";
import { SqliteEventRepo } from "./sqlite_events.ts";
import { SqliteParticipantRepo } from "./sqlite_participants.ts";
import { SqliteContextRepo } from "./sqlite_context.ts";
import { SqliteAgentRepo } from "./sqlite_agents.ts";
import { SqliteTrackingRepo } from "./sqlite_tracking.ts";
import { SqliteTokenRepo } from "./sqlite_tokens.ts";

/** Options for {@link openSqliteStore}. */
export interface SqliteOptions {
  /** Database file, or `:memory:`. */
  path: string;
  /** How long to wait for the write lock, in milliseconds. @default 10000 */
  lockTimeoutMs?: number;
  /** Create and migrate the schema if needed. @default true */
  migrate?: boolean;
  /** Directory for the automatic pre-migration backups. Backups are skipped when absent. */
  backupDir?: string;
}

/** Turn SQLite's lock errors into a retryable user error; rethrow anything else. */
export function translateSqliteError(error: unknown, lockTimeoutMs: number): never {
  const message = error instanceof Error ? error.message : String(error);
  if (/database is (locked|busy)|SQLITE_BUSY/i.test(message)) {
    throw new TmError(
      "busy",
      `database is busy: another tm process held the write lock for over ${
        Math.round(lockTimeoutMs / 1000)
      }s`,
      { hint: "retry, or raise TM_LOCK_TIMEOUT (seconds)", cause: error },
    );
  }
  if (
    /disk I\/O error|unable to open database|readonly database|disk is full|not a database|malformed/i
      .test(message)
  ) {
    throw new TmError("storage", `database error: ${message}`, { cause: error });
  }
  throw error;
}

/** Every repository of a connection, over its statement cache. */
export function sqliteRepos(statements: Statements): StoreTx {
  return {
    tasks: new SqliteTaskRepo(statements),
    dependencies: new SqliteDependencyRepo(statements),
    events: new SqliteEventRepo(statements),
    participants: new SqliteParticipantRepo(statements),
    context: new SqliteContextRepo(statements),
    agents: new SqliteAgentRepo(statements),
    tracking: new SqliteTrackingRepo(statements),
    tokens: new SqliteTokenRepo(statements),
  };
}

class SqliteStore implements Store {
  readonly #db: DatabaseSync;
  readonly #tx: StoreTx;
  readonly #lockTimeoutMs: number;
  readonly #events: SqliteEventRepo;
  readonly #statements: Statements;
  #committed: TaskEvent[] = [];
  // Serialises transactions from concurrent async callers in this process (one connection).
  #queue: Promise<unknown> = Promise.resolve();

  constructor(db: DatabaseSync, lockTimeoutMs: number) {
    this.#db = db;
    this.#lockTimeoutMs = lockTimeoutMs;
    const statements = new Statements(db);
    this.#statements = statements;
    this.#tx = sqliteRepos(statements);
    this.#events = this.#tx.events as SqliteEventRepo;
  }

  read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.#transaction("BEGIN", fn);
  }

  write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.#transaction("BEGIN IMMEDIATE", fn);
  }

  committedEvents(): TaskEvent[] {
    const events = this.#committed;
    this.#committed = [];
    return events;
  }

  dataVersion(): number {
    const row = this.#statements.get("PRAGMA data_version").get() as { data_version: number };
    return row.data_version;
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  #transaction<T>(begin: string, fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      try {
        this.#db.exec(begin);
      } catch (error) {
        translateSqliteError(error, this.#lockTimeoutMs);
      }
      this.#events.takePending();
      try {
        const result = await fn(this.#tx);
        this.#db.exec("COMMIT");
        this.#committed.push(...this.#events.takePending());
        return result;
      } catch (error) {
        this.#events.takePending();
        if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
        if (error instanceof TmError) throw error;
        translateSqliteError(error, this.#lockTimeoutMs);
      }
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}

/** Read the schema version of an open database. */
function userVersion(db: DatabaseSync): number {
  const row = db.prepare("PRAGMA user_version").get() as { user_version: number } | undefined;
  return row?.user_version ?? 0;
}

/** A filesystem-safe UTC timestamp for backup names: `20261124T190245123Z`. */
export function backupStamp(date = new Date()): string {
  return date.toISOString().replace(/[-:.]/g, "");
}

/**
 * Take an online backup of `db` into `dir` before migrating from `fromVersion`.
 * Returns the backup's path.
 */
async function backupBeforeMigration(
  db: DatabaseSync,
  dir: string,
  fromVersion: number,
): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const random = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(16);
  const path = `${dir}/tasks-v${fromVersion}-${backupStamp()}-${random}.db`;
  await backup(db, path);
  const { pruneBackups } = await import("./backups.ts");
  await pruneBackups(dir);
  return path;
}

/** Apply missing migrations. The version is re-read under the write lock (first-open races). */
async function migrate(db: DatabaseSync, options: SqliteOptions, lockTimeoutMs: number) {
  const seen = userVersion(db);
  if (seen > SCHEMA_VERSION) {
    throw new TmError(
      "storage",
      `database schema v${seen} is newer than this tm supports (v${SCHEMA_VERSION})`,
      { hint: "upgrade tm" },
    );
  }
  if (seen === SCHEMA_VERSION) return;
  if (seen > 0 && options.backupDir !== undefined) {
    await backupBeforeMigration(db, options.backupDir, seen);
  }
  try {
    db.exec("BEGIN IMMEDIATE");
  } catch (error) {
    translateSqliteError(error, lockTimeoutMs);
  }
  try {
    const current = userVersion(db);
    for (let version = current; version < SCHEMA_VERSION; version++) {
      db.exec(MIGRATIONS[version]!.sql);
    }
    if (current < SCHEMA_VERSION) db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    db.exec("COMMIT");
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK");
    translateSqliteError(error, lockTimeoutMs);
  }
}

/**
 * Open (and by default create and migrate) a SQLite store.
 *
 * @example
 * ```ts
 * import { openSqliteStore } from "./sqlite.ts";
 * const store = await openSqliteStore({ path: ":memory:" });
 * await store.read((tx) => tx.tasks.count()); // 0
 * store.close();
 * ```
 */
export async function openSqliteStore(options: SqliteOptions): Promise<Store> {
  const lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
  let db: DatabaseSync;
  try {
    // The busy timeout must be set before the first pragma: opening a WAL database can
    // itself wait for a lock.
    db = new DatabaseSync(options.path, { timeout: lockTimeoutMs });
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    translateSqliteError(error, lockTimeoutMs);
  }
  try {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA foreign_keys = ON");
    if (options.migrate ?? true) await migrate(db, options, lockTimeoutMs);
  } catch (error) {
    db.close();
    if (error instanceof TmError) throw error;
    translateSqliteError(error, lockTimeoutMs);
  }
  return new SqliteStore(db, lockTimeoutMs);
}
