/**
 * The PostgreSQL store (npm:pg): connection, migrations, transactions, error mapping and the
 * event notifications. Loaded only when a project's database is a `postgres://` URL (see
 * `open.ts`); SQLite projects never load this module or the driver.
 *
 * Rules (docs/postgres.md): every write is `BEGIN` + `pg_advisory_xact_lock(project key)`,
 * the equivalent of SQLite's `BEGIN IMMEDIATE`, so the use cases' invariants hold unchanged;
 * reads are `REPEATABLE READ, READ ONLY` snapshots; `lock_timeout` and `statement_timeout`
 * come from `TM_LOCK_TIMEOUT` and, like a lost connection, map to `busy` (exit 4,
 * retryable); migrations are rows of `tm_schema_migrations`, applied under their own advisory
 * lock after a JSONL export of every table; a write that appended events ends with
 * `pg_notify('tm_events', <last event id>)`. The URL's password never appears in a message.
 *
 * @module
 */

// @ts-types="npm:@types/pg@8.23.1"
import pg from "npm:pg@8.23.1";
import { TmError } from "../core/errors.ts";
import type { TaskEvent } from "../core/event.ts";
import { PG_MIGRATIONS } from "./postgres_migrations.ts";
import { TABLES_IN_ORDER } from "./tables.ts";
import { PgSql } from "./postgres_sql.ts";
import { PgDependencyRepo, PgTaskRepo } from "./postgres_tasks.ts";
import { PgContextRepo, PgEventRepo, PgParticipantRepo } from "./postgres_events.ts";
import { PgAgentRepo, PgTrackingRepo } from "./postgres_agents.ts";
import { PgTokenRepo } from "./postgres_tokens.ts";
import type { Store, StoreTx } from "./store.ts";
import { EVENTS_CHANNEL, PgChangeFeed } from "./postgres_listen.ts";

// Advisory lock keys: (class, hashtext(current_schema())), so several projects can share one
// database through their own schemas. 0x746d is "tm".
/** The class of the project's write lock, which every tm writer (`tm db copy` too) takes. */
export const WRITE_LOCK_CLASS = 0x746d;
const MIGRATION_LOCK_CLASS = 0x746e;
const EVENTS_LOCK_CLASS = 0x746f;

/**
 * How `tm claim` (without an id) takes the best ready task: `skip-locked` (the default) runs
 * claims side by side under a shared project lock, each locking its row with SKIP LOCKED;
 * `advisory` serialises them with every other write. `TM_PG_CLAIMS` picks one (benchmarks).
 */
export type ClaimStrategy = "skip-locked" | "advisory";

/** Options for {@link openPostgresStore}. */
export interface PostgresOptions {
  /** `postgres://user@host:port/db?sslmode=…` (a password here is allowed, never printed). */
  url: string;
  /** How long to wait for the project's write lock, in milliseconds. @default 10000 */
  lockTimeoutMs?: number;
  /** Create and migrate the schema if needed; false: a fresh database is "not initialised". */
  migrate?: boolean;
  /** Directory for the JSONL export taken before migrating an existing schema. */
  backupDir?: string;
  /** @default "skip-locked" */
  claims?: ClaimStrategy;
}

/** The URL with its password replaced by `***`: the only form of it tm ever prints. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    for (const key of [...parsed.searchParams.keys()]) {
      if (key.toLowerCase() === "password") parsed.searchParams.set(key, "***");
    }
    return parsed.href;
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, "//$1:***@");
  }
}

/** The secrets a URL carries, to scrub from any message that might echo them. */
function secretsOf(url: string): string[] {
  const secrets: string[] = [];
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") {
      secrets.push(parsed.password, decodeURIComponent(parsed.password));
    }
    const query = parsed.searchParams.get("password");
    if (query !== null && query !== "") secrets.push(query);
  } catch {
    // Not a URL: nothing to scrub beyond what redactUrl does.
  }
  return secrets.filter((secret) => secret.length > 0);
}

/** `text` with the URL and every secret of it replaced. */
export function scrub(text: string, url: string): string {
  let out = text.split(url).join(redactUrl(url));
  for (const secret of secretsOf(url)) out = out.split(secret).join("***");
  return out;
}

const BUSY_SQLSTATES = new Set([
  "55P03", // lock_not_available (lock_timeout)
  "57014", // query_canceled (statement_timeout)
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "57P01", // admin_shutdown (a restart or fast stop)
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up, shutting down)
  "53300", // too_many_connections
  "08000",
  "08003",
  "08006",
  "08001",
  "08004",
]);

const CONNECTION_ERRORS =
  /disconnected|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|Connection terminated|connection (?:is )?closed|Client has encountered a connection error|timeout expired|not queryable|socket hang up|Broken pipe|Connection refused|Connection reset/i;

/**
 * Turn a driver or server error into a user error: lock and statement timeouts, a lost or
 * refused connection and a restarting server are `busy` (exit 4, retryable); other server
 * errors are `storage`. Every message is scrubbed of the URL's secrets.
 */
export function translatePgError(error: unknown, url: string, lockTimeoutMs: number): never {
  if (error instanceof TmError) throw error;
  if (error instanceof Deno.errors.NotCapable) {
    throw new TmError("storage", `permission denied: ${scrub(error.message, url)}`);
  }
  const message = scrub(error instanceof Error ? error.message : String(error), url);
  const code = (error as { code?: unknown })?.code;
  const where = redactUrl(url);
  if (code === "55P03") {
    throw new TmError(
      "busy",
      `database is busy: another tm process held the write lock for over ${
        Math.round(lockTimeoutMs / 1000)
      }s`,
      { hint: "retry, or raise TM_LOCK_TIMEOUT (seconds)" },
    );
  }
  if (typeof code === "string" && (BUSY_SQLSTATES.has(code) || code.startsWith("08"))) {
    throw new TmError("busy", `database unavailable (${where}): ${message}`, {
      hint: "retry in a moment",
    });
  }
  if (CONNECTION_ERRORS.test(message)) {
    // Lost mid-handshake or mid-query (a restart, a network blip): try again.
    throw new TmError("busy", `cannot reach PostgreSQL at ${where}: ${message}`, {
      hint: "is the server running? retry in a moment",
    });
  }
  if (
    (typeof code === "string" && code.startsWith("ERR_TLS_CERT")) ||
    /certificate|self[- ]signed|altnames|does not support SSL|unable to verify/i.test(message)
  ) {
    // A refused certificate or a server without TLS: retrying will not help.
    throw new TmError("storage", `TLS with PostgreSQL at ${where}: ${message}`, {
      hint: "check sslmode and sslrootcert in the URL (docs/postgres.md, TLS)",
    });
  }
  if (typeof code === "string" && /^E[A-Z]+$/.test(code)) {
    throw new TmError("busy", `cannot reach PostgreSQL at ${where}: ${message}`, {
      hint: "is the server running? retry in a moment",
    });
  }
  if (typeof code === "string" && /^28|^3D/.test(code)) {
    // Authentication failed or no such database: retrying will not help.
    throw new TmError("storage", `PostgreSQL at ${where}: ${message}`, {
      hint: "check the URL, PGPASSWORD or ~/.pgpass",
    });
  }
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
    throw new TmError("storage", `database error: ${message}`);
  }
  throw error;
}

/** The libpq `sslmode` of a URL (or `PGSSLMODE`), with psql's default of `prefer`. */
function sslModeOf(url: string): string {
  try {
    const parsed = new URL(url);
    const mode = parsed.searchParams.get("sslmode");
    if (mode !== null) return mode;
    const host = parsed.searchParams.get("host") ?? decodeURIComponent(parsed.hostname);
    if (host.startsWith("/") || host === "") return "disable";
  } catch {
    return "disable";
  }
  return Deno.env.get("PGSSLMODE") ?? "prefer";
}

/**
 * The driver's configuration for `url`, with libpq's meaning of `sslmode` (`require`
 * encrypts without verifying, `verify-ca`/`verify-full` verify) rather than npm:pg's own.
 */
function clientConfig(url: string, ssl: boolean, lockTimeoutMs: number): pg.ClientConfig {
  const parsed = new URL(url);
  const mode = sslModeOf(url);
  parsed.searchParams.delete("sslmode");
  if (ssl && mode !== "disable") {
    parsed.searchParams.set("sslmode", mode === "allow" ? "prefer" : mode);
    parsed.searchParams.set("uselibpqcompat", "true");
  }
  // PostgreSQL reads 0 as "wait forever"; TM_LOCK_TIMEOUT=0 means "do not wait".
  const lockMs = Math.max(1, lockTimeoutMs);
  return {
    connectionString: parsed.href,
    ...(ssl && mode !== "disable" ? {} : { ssl: false }),
    lock_timeout: lockMs,
    statement_timeout: lockMs + 60_000,
    idle_in_transaction_session_timeout: 60_000,
    connectionTimeoutMillis: Math.max(lockMs, 5_000),
    application_name: "tm",
    types: {
      // bigint and numeric results (count, sum, avg) as numbers, not strings.
      getTypeParser: ((oid: number, format?: string) => {
        if (oid === 20 || oid === 1700) return (value: string) => Number(value);
        return pg.types.getTypeParser(oid, format as "text");
      }) as typeof pg.types.getTypeParser,
    },
  };
}

/**
 * Keep the process alive while `work` is pending, for at most `ms`. Under Deno, a call on
 * npm:pg's TLS socket can be left waiting on no referenced operation when the server drops
 * the connection (denoland/deno#28543): with nothing else to do, the process would end with
 * "Top-level await promise never resolved" instead of an answer. A referenced timer for the
 * call's length lets it settle; past `ms` the call fails as a lost connection (`busy`, exit 4,
 * retryable) after `abandon` has closed the socket.
 */
export function heldOpen<T>(work: Promise<T>, ms: number, abandon: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abandon();
      reject(new Error(`timeout expired after ${ms} ms waiting for the server`));
    }, ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/** Close the client's socket at once, whatever state it is in. */
function destroy(client: pg.Client): void {
  (client as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection
    ?.stream?.destroy?.();
}

/**
 * Hold open and bound every promise the client returns ({@link heldOpen}): `connect` within
 * its connection timeout, each `query` within the statement timeout plus a margin, `end` within
 * 5 s (then the socket is destroyed; ending never fails).
 */
function guardClient(client: pg.Client, lockTimeoutMs: number): pg.Client {
  const config = clientConfig("postgres://x", false, lockTimeoutMs);
  const queryMs = Number(config.statement_timeout) + 5_000;
  const connectMs = config.connectionTimeoutMillis! + 1_000;
  const connect = client.connect.bind(client);
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const end = client.end.bind(client);
  const abandon = () => destroy(client);
  Object.assign(client, {
    connect: () => heldOpen(connect(), connectMs, abandon),
    query: (...args: unknown[]) => {
      const result = query(...args);
      return result instanceof Promise ? heldOpen(result, queryMs, abandon) : result;
    },
    // Ending cannot fail the caller: a socket that does not close in time is destroyed.
    end: () => heldOpen(end(), 5_000, abandon).catch(() => {}),
  });
  return client;
}

/** Open one connection to `url` (TLS as libpq's sslmode says; `prefer` falls back to plain). */
export async function connectPostgres(url: string, lockTimeoutMs: number): Promise<pg.Client> {
  const mode = sslModeOf(url);
  const attempt = async (ssl: boolean) => {
    const client = guardClient(new pg.Client(clientConfig(url, ssl, lockTimeoutMs)), lockTimeoutMs);
    // A dropped connection is reported by the failing query; without a listener the driver's
    // "error" event would end the process.
    client.on("error", () => {});
    try {
      await client.connect();
    } catch (error) {
      client.end().catch(() => {});
      throw error;
    }
    return client;
  };
  try {
    if (mode === "prefer" || mode === "allow") {
      try {
        return await attempt(true);
      } catch (error) {
        if (!/does not support SSL/i.test(String((error as Error)?.message))) throw error;
        return await attempt(false);
      }
    }
    return await attempt(mode !== "disable");
  } catch (error) {
    translatePgError(error, url, lockTimeoutMs);
  }
}

/** Every repository over one connection. */
function pgRepos(sql: PgSql): StoreTx & { events: PgEventRepo } {
  return {
    tasks: new PgTaskRepo(sql),
    dependencies: new PgDependencyRepo(sql),
    events: new PgEventRepo(sql),
    participants: new PgParticipantRepo(sql),
    context: new PgContextRepo(sql),
    agents: new PgAgentRepo(sql),
    tracking: new PgTrackingRepo(sql),
    tokens: new PgTokenRepo(sql),
  };
}

/** A project's database in PostgreSQL. */
export class PostgresStore implements Store {
  readonly #client: pg.Client;
  readonly #url: string;
  readonly #lockTimeoutMs: number;
  readonly #tx: StoreTx & { events: PgEventRepo };
  /** The connection's query helper (tests count its round trips). */
  readonly sql: PgSql;
  #committed: TaskEvent[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  #ended: Promise<void> | undefined;
  readonly #claims: ClaimStrategy;

  /** Wrap an open connection. */
  constructor(client: pg.Client, url: string, lockTimeoutMs: number, claims: ClaimStrategy) {
    this.#claims = claims;
    this.#client = client;
    this.#url = url;
    this.#lockTimeoutMs = lockTimeoutMs;
    this.sql = new PgSql(client as unknown as ConstructorParameters<typeof PgSql>[0]);
    this.#tx = pgRepos(this.sql);
  }

  read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.#transaction("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", fn);
  }

  write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    // One round trip: the transaction and the project's write lock (released at its end).
    return this.#transaction(
      `BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK_CLASS}, hashtext(current_schema()))`,
      fn,
      true,
    );
  }

  /**
   * Claims take the project lock shared: they run beside each other (each locks its task row
   * with SKIP LOCKED, and appends events in id order under the events lock) but never beside
   * an ordinary write, which takes it exclusively. What a claim touches is its own task row
   * and appends; everything other writers maintain from what they read (statuses of
   * dependents, dependents_count, context sequence numbers, the cycle check) they read and
   * write under the exclusive lock. See docs/postgres.md, "Claims".
   */
  claimWrite<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (this.#claims === "advisory") return this.write(fn);
    const key = "hashtext(current_schema())";
    return this.#transaction(
      `BEGIN; SELECT pg_advisory_xact_lock_shared(${WRITE_LOCK_CLASS}, ${key})`,
      fn,
      true,
      async () => {
        this.sql.roundTrips++;
        await this.#client.query(`SELECT pg_advisory_xact_lock(${EVENTS_LOCK_CLASS}, ${key})`);
      },
    );
  }

  committedEvents(): TaskEvent[] {
    const events = this.#committed;
    this.#committed = [];
    return events;
  }

  /** Every event after `afterId`, oldest first (live followers catch up with it). */
  eventsAfter(afterId: number, limit: number): Promise<TaskEvent[]> {
    return this.read(() => this.#tx.events.after(afterId, limit));
  }

  /**
   * A number that changes when another connection commits events: counted from this store's
   * own LISTEN connection (opened on the first call, so the first answer is 0).
   */
  dataVersion(): number {
    if (this.#versionFeed === undefined) {
      const feed = this.changes(60_000);
      this.#versionFeed = feed;
      const count = async () => {
        while (this.#ended === undefined) {
          const reason = await feed.wait();
          if (reason === "aborted") return;
          if (reason !== "poll") this.#dataVersion++;
        }
      };
      void count();
    }
    return this.#dataVersion;
  }

  #versionFeed: PgChangeFeed | undefined;
  #dataVersion = 0;

  /** A LISTEN connection of its own that wakes followers on every commit with events. */
  changes(pollMs: number): PgChangeFeed {
    return new PgChangeFeed(() => connectPostgres(this.#url, 10_000), pollMs);
  }

  close(): void {
    this.#ended ??= this.#client.end().catch(() => {});
    this.#versionFeed?.close();
  }

  /** Close and wait until the connection is gone (tests, long-lived processes). */
  async end(): Promise<void> {
    this.close();
    await this.#ended;
  }

  #transaction<T>(
    begin: string,
    fn: (tx: StoreTx) => Promise<T>,
    write = false,
    beforeAppend: (() => Promise<void>) | null = null,
  ): Promise<T> {
    const run = async (): Promise<T> => {
      try {
        this.sql.roundTrips++;
        await this.#client.query(begin);
      } catch (error) {
        await this.#rollback();
        translatePgError(error, this.#url, this.#lockTimeoutMs);
      }
      this.#tx.events.takePending();
      this.#tx.events.serialiseAppends = beforeAppend;
      try {
        const result = await fn(this.#tx);
        const events = this.#tx.events.takePending();
        const last = events.at(-1);
        this.sql.roundTrips++;
        await this.#client.query(
          write && last !== undefined
            ? `SELECT pg_notify('${EVENTS_CHANNEL}', current_schema() || ':${last.id}'); COMMIT`
            : "COMMIT",
        );
        this.#committed.push(...events);
        return result;
      } catch (error) {
        this.#tx.events.takePending();
        await this.#rollback();
        translatePgError(error, this.#url, this.#lockTimeoutMs);
      }
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #rollback(): Promise<void> {
    try {
      await this.#client.query("ROLLBACK");
    } catch {
      // The connection is gone; the server rolls the transaction back itself.
    }
  }
}

/** The schema version of the connected database (0: none yet). */
async function schemaVersion(client: pg.Client): Promise<number> {
  try {
    const result = await client.query(
      "SELECT coalesce(max(version), 0)::int AS v FROM tm_schema_migrations",
    );
    return (result.rows[0] as { v: number }).v;
  } catch (error) {
    if ((error as { code?: string }).code === "42P01") return 0;
    throw error;
  }
}

/**
 * Write every table of the connected schema to `dir` as one JSONL file: a line
 * `{"table": …, "row": {…}}` per row, tables in foreign-key order. The pre-migration backup,
 * readable without pg_dump; `tm db copy` restores from a live database instead.
 */
export async function exportJsonl(
  client: pg.Client,
  dir: string,
  fromVersion: number,
): Promise<string> {
  // As SQLite's backupBeforeMigration: a linked backups/ directory would send a copy of every
  // task out of the data directory.
  if ((await Deno.lstat(dir).catch(() => null))?.isSymlink) {
    throw new TmError("storage", `refusing to follow the symbolic link "${dir}" for a backup`);
  }
  await Deno.mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:.]/g, "");
  const path = `${dir}/postgres-v${fromVersion}-${stamp}.jsonl`;
  const existing = await client.query(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
  );
  const present = new Set(existing.rows.map((row) => (row as { table_name: string }).table_name));
  const file = await Deno.open(path, { write: true, createNew: true });
  try {
    const encoder = new TextEncoder();
    for (const table of [...TABLES_IN_ORDER, "tm_schema_migrations"]) {
      if (!present.has(table)) continue;
      const result = await client.query(`SELECT * FROM ${table}`);
      for (const row of result.rows) {
        await file.write(encoder.encode(`${JSON.stringify({ table, row })}\n`));
      }
    }
  } finally {
    file.close();
  }
  return path;
}

/** Apply missing migrations under the migration lock; the version is re-read under it. */
async function migrate(client: pg.Client, options: PostgresOptions): Promise<void> {
  const target = PG_MIGRATIONS.length;
  const seen = await schemaVersion(client);
  if (seen > target) {
    throw new TmError(
      "storage",
      `database schema v${seen} is newer than this tm supports (v${target})`,
      { hint: "upgrade tm" },
    );
  }
  if (seen === target) return;
  if (seen === 0 && options.migrate === false) {
    throw new TmError(
      "not_initialized",
      `not initialised: no tm schema in PostgreSQL database ${redactUrl(options.url)}`,
      { hint: 'run "tm init" first' },
    );
  }
  await client.query("BEGIN");
  try {
    await client.query(
      `SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_CLASS}, hashtext(current_schema()))`,
    );
    await client.query(
      `CREATE TABLE IF NOT EXISTS tm_schema_migrations (
         version integer PRIMARY KEY, description text NOT NULL, applied_at text NOT NULL)`,
    );
    const current = await schemaVersion(client);
    if (current > 0 && current < target && options.backupDir !== undefined) {
      await exportJsonl(client, options.backupDir, current);
    }
    for (let version = current; version < target; version++) {
      await client.query(PG_MIGRATIONS[version]!.sql);
      await client.query(
        "INSERT INTO tm_schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)",
        [version + 1, PG_MIGRATIONS[version]!.description, new Date().toISOString()],
      );
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/** The schema version of the database at `url`, without migrating it. */
export async function postgresSchemaVersion(url: string, lockTimeoutMs: number): Promise<number> {
  const client = await connectPostgres(url, lockTimeoutMs);
  try {
    return await schemaVersion(client);
  } catch (error) {
    translatePgError(error, url, lockTimeoutMs);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Open (and by default create and migrate) a PostgreSQL store.
 *
 * @example
 * ```ts ignore
 * import { openPostgresStore } from "./postgres.ts";
 * const store = await openPostgresStore({ url: "postgres://tm@127.0.0.1:5432/tm" });
 * await store.read((tx) => tx.tasks.count());
 * store.close();
 * ```
 */
export async function openPostgresStore(options: PostgresOptions): Promise<PostgresStore> {
  const lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
  const client = await connectPostgres(options.url, lockTimeoutMs);
  try {
    await migrate(client, options);
  } catch (error) {
    await client.end().catch(() => {});
    translatePgError(error, options.url, lockTimeoutMs);
  }
  const claims = options.claims ??
    (Deno.env.get("TM_PG_CLAIMS") === "advisory" ? "advisory" : "skip-locked");
  return new PostgresStore(client, options.url, lockTimeoutMs, claims);
}
