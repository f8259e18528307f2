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
import type { Store, StoreTx, TokenRepo } from "./store.ts";
import { Statements } from "./sqlite_statements.ts";
import type { WriteQueue } from "./write_queue.ts";
import { type DatabaseProblem, quickProblem, settleCopy, sizeOf } from "./sqlite_health.ts";
import { SqliteTaskRepo } from "./sqlite_tasks.ts";
import { SqliteDependencyRepo } from "./sqlite_dependencies.ts";
import { SqliteEventRepo } from "./sqlite_events.ts";
import { SqliteParticipantRepo } from "./sqlite_participants.ts";
import { SqliteContextRepo } from "./sqlite_context.ts";
import { SqliteAgentRepo } from "./sqlite_agents.ts";
import { SqliteTrackingRepo } from "./sqlite_tracking.ts";

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
  /**
   * Take a zero-byte file written in the last 10 s for one a concurrent `tm init` is creating
   * (SQLite creates the file before it writes its header). Only `tm init` sets it: every other
   * command refuses an empty database.
   */
  creating?: boolean;
}

/** Turn SQLite's lock errors into a retryable user error; rethrow anything else. */
export function translateSqliteError(
  error: unknown,
  lockTimeoutMs: number,
  queuedMs = 0,
): never {
  const message = error instanceof Error ? error.message : String(error);
  if (/database is (locked|busy)|SQLITE_BUSY/i.test(message)) {
    const queued = queuedMs >= 1000 ? ` after ${(queuedMs / 1000).toFixed(1)}s in tm's queue` : "";
    throw new TmError(
      "busy",
      `database is busy: waited ${
        Math.round(lockTimeoutMs / 1000)
      }s for SQLite's write lock${queued}, held outside tm's writer queue (an older tm, a long checkpoint or another SQLite client)`,
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
    tokens: lazyTokens(statements),
  };
}

/**
 * The API-token repository, loaded on first use: only `tm serve` and `tm token` touch tokens,
 * so the other commands do not read its module (the specifier is computed for that).
 */
function lazyTokens(statements: Statements): TokenRepo {
  let repo: Promise<TokenRepo> | undefined;
  const load = () =>
    repo ??= (import(new URL("./sqlite_tokens.ts", import.meta.url).href) as Promise<
      typeof import("./sqlite_tokens.ts")
    >).then(({ SqliteTokenRepo }) => new SqliteTokenRepo(statements));
  return {
    insert: async (token) => (await load()).insert(token),
    byHash: async (hash) => (await load()).byHash(hash),
    get: async (id) => (await load()).get(id),
    list: async () => (await load()).list(),
    revoke: async (id, now) => (await load()).revoke(id, now),
  };
}

/** The writers' queue of the database at `path`, loaded by the first write (reads never wait). */
async function writeQueue(path: string): Promise<WriteQueue> {
  const { WriteQueue } = await import(
    new URL("./write_queue.ts", import.meta.url).href
  ) as typeof import("./write_queue.ts");
  return new WriteQueue(path);
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

  /** The writers' queue (an OS file lock beside the database); absent for `:memory:`. */
  readonly #queuePath: string | undefined;
  /** The queue itself, made by the first write. */
  #writers: WriteQueue | undefined;
  /** Set when the database lies in a read-only directory: writes are refused up front. */
  readonly #readOnly: { path: string; cleanup: () => void } | undefined;

  constructor(
    db: DatabaseSync,
    lockTimeoutMs: number,
    readOnly?: { path: string; cleanup: () => void },
    queuePath?: string,
  ) {
    this.#db = db;
    this.#readOnly = readOnly;
    this.#queuePath = queuePath;
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
    if (this.#readOnly !== undefined) {
      return Promise.reject(
        new TmError(
          "storage",
          `cannot write: the database "${this.#readOnly.path}" is in a read-only directory`,
          { hint: "reads (list, show, ready, export, context) still work" },
        ),
      );
    }
    return this.#transaction("BEGIN IMMEDIATE", fn);
  }

  committedEvents(): TaskEvent[] {
    const events = this.#committed;
    this.#committed = [];
    return events;
  }

  #checkSchemaVersion(): void {
    const version = userVersion(this.#db);
    if (version > SCHEMA_VERSION) {
      this.#db.exec("ROLLBACK");
      throw new TmError(
        "storage",
        `database schema v${version} was migrated by a newer tm while this one (v${SCHEMA_VERSION}) ran; nothing written`,
        { hint: "restart with the newer tm" },
      );
    }
  }

  dataVersion(): number {
    const row = this.#statements.get("PRAGMA data_version").get() as { data_version: number };
    return row.data_version;
  }

  close(): void {
    this.#writers?.close();
    if (this.#db.isOpen) this.#db.close();
    this.#readOnly?.cleanup();
  }

  #transaction<T>(begin: string, fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const writing = begin !== "BEGIN";
    const run = async (): Promise<T> => {
      let waitedMs = 0;
      // Every writer holds the queue around its transaction (a free queue costs one
      // non-blocking flock), so the holder finds SQLite's lock free and the next waiter is
      // woken as soon as it is released. Barging past the queue with BEGIN IMMEDIATE left the
      // queue's head in SQLite's sleep-and-retry while newcomers went by (docs/performance.md
      // §11: p50 at 8 processes 3x the busy handler's).
      if (writing && this.#queuePath !== undefined) {
        this.#writers ??= await writeQueue(this.#queuePath);
      }
      if (writing && this.#writers !== undefined && !this.#writers.tryEnter()) {
        waitedMs = await this.#writers.enter(this.#lockTimeoutMs);
      }
      try {
        try {
          this.#db.exec(begin);
        } catch (error) {
          translateSqliteError(error, this.#lockTimeoutMs, waitedMs);
        }
        // A newer tm may have migrated the database since this process opened it.
        if (writing) this.#checkSchemaVersion();
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
          translateSqliteError(error, this.#lockTimeoutMs, waitedMs);
        }
      } finally {
        if (writing) this.#writers?.leave();
      }
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}

const PROBLEM_TEXT: Record<Exclude<DatabaseProblem, null>, string> = {
  missing: "is missing",
  empty: "is empty (0 bytes)",
  not_a_database: "is not a database",
  foreign: "is not a tm database (it has tables but no tm schema version)",
  unreadable: "cannot be opened (a read-only directory, or no permission)",
};

/** The storage error (exit 4) for a database file that cannot be used as it is. */
export function unusableDatabase(path: string, problem: Exclude<DatabaseProblem, null>): TmError {
  return new TmError("storage", `database "${path}" ${PROBLEM_TEXT[problem]}`, {
    details: { problem, path },
  });
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
  // A linked backups/ directory would send a copy of every task out of the data directory.
  if ((await Deno.lstat(dir).catch(() => null))?.isSymlink) {
    throw new TmError("storage", `refusing to follow the symbolic link "${dir}" for a backup`);
  }
  await Deno.mkdir(dir, { recursive: true });
  const random = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(16);
  const path = `${dir}/tasks-v${fromVersion}-${backupStamp()}-${random}.db`;
  await backup(db, path);
  settleCopy(path);
  // Computed: a literal import() would be read whenever the store loads, not only on migration.
  const { pruneBackups } = await import(
    new URL("./backups.ts", import.meta.url).href
  ) as typeof import("./backups.ts");
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
  // A migration is a write like any other: it waits in the writers' queue (simultaneous
  // first opens of a new project), so a busy error past the queue still means a writer outside tm.
  const queue = options.path === ":memory:" ? undefined : await writeQueue(options.path);
  try {
    const waitedMs = queue === undefined || queue.tryEnter() ? 0 : await queue.enter(lockTimeoutMs);
    try {
      db.exec("BEGIN IMMEDIATE");
    } catch (error) {
      translateSqliteError(error, lockTimeoutMs, waitedMs);
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
      translateSqliteError(error, lockTimeoutMs, waitedMs);
    }
  } finally {
    queue?.close();
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
  // Measured before opening: opening creates a missing file with 0 bytes.
  let size = options.path === ":memory:" ? null : sizeOf(options.path);
  if (size === 0 && options.creating === true && createdJustNow(options.path)) size = null;
  try {
    // The busy timeout must be set before the first pragma: opening a WAL database can
    // itself wait for a lock.
    db = new DatabaseSync(options.path, { timeout: lockTimeoutMs });
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    const readOnly = size === null ? null : await readOnlyStore(options.path, error, lockTimeoutMs);
    if (readOnly !== null) return readOnly;
    translateSqliteError(error, lockTimeoutMs);
  }
  try {
    // Before anything writes: a zero-byte or foreign file must not become a new project.
    const problem = size === null ? null : quickProblem(db, options.path, size);
    if (problem !== null) throw unusableDatabase(options.path, problem);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA foreign_keys = ON");
    if (options.migrate ?? true) await migrate(db, options, lockTimeoutMs);
  } catch (error) {
    db.close();
    if (error instanceof TmError) throw error;
    const readOnly = size === null ? null : await readOnlyStore(options.path, error, lockTimeoutMs);
    if (readOnly !== null) return readOnly;
    translateSqliteError(error, lockTimeoutMs);
  }
  return new SqliteStore(
    db,
    lockTimeoutMs,
    undefined,
    options.path === ":memory:" ? undefined : options.path,
  );
}

/** The store over a read-only snapshot when `error` came from a read-only directory, else null. */
async function readOnlyStore(
  path: string,
  error: unknown,
  lockTimeoutMs: number,
): Promise<Store | null> {
  const snapshot = await openReadOnlySnapshot(path, error);
  return snapshot === null
    ? null
    : new SqliteStore(snapshot.db, lockTimeoutMs, { path, cleanup: snapshot.cleanup });
}

/** Whether the file at `path` was last modified less than 10 s ago. */
function createdJustNow(path: string): boolean {
  try {
    const mtime = Deno.statSync(path).mtime;
    return mtime !== null && Date.now() - mtime.getTime() < 10_000;
  } catch {
    return false;
  }
}

/** Whether a file can be created in `dir` (false on a read-only mount or directory). */
async function directoryWritable(dir: string): Promise<boolean> {
  try {
    const probe = await Deno.makeTempFile({ dir, prefix: ".tm-probe-" });
    await Deno.remove(probe);
    return true;
  } catch {
    return false;
  }
}

/**
 * A database in a read-only directory (a mounted snapshot, a read-only checkout) cannot get
 * its `-shm` file, so SQLite cannot open it in WAL mode (and `immutable=1` URIs are not
 * available under Deno's permissions). Nobody can write there either, so reads use a copy
 * in the system's temporary directory (with the `-wal`, if any, which SQLite replays), and
 * any write is one clear error. Returns null when the failure has another cause.
 */
async function openReadOnlySnapshot(
  path: string,
  error: unknown,
): Promise<{ db: DatabaseSync; cleanup: () => void } | null> {
  if (!/unable to open database file|readonly database/i.test(String((error as Error)?.message))) {
    return null;
  }
  const dir = path.slice(0, path.lastIndexOf("/")) || "/";
  if (await directoryWritable(dir)) return null;
  let copyDir: string;
  try {
    copyDir = await Deno.makeTempDir({ prefix: "tm-read-only-" });
  } catch {
    return null;
  }
  const cleanup = () => {
    try {
      Deno.removeSync(copyDir, { recursive: true });
    } catch {
      // the temporary directory is the system's to clean
    }
  };
  try {
    await Deno.copyFile(path, `${copyDir}/tasks.db`);
    await Deno.copyFile(`${path}-wal`, `${copyDir}/tasks.db-wal`).catch(() => {});
    const db = new DatabaseSync(`${copyDir}/tasks.db`);
    if (userVersion(db) !== SCHEMA_VERSION) {
      db.close();
      cleanup();
      return null;
    }
    return { db, cleanup };
  } catch {
    cleanup();
    return null;
  }
}
