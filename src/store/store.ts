/**
 * The persistence interface. `src/app/` talks only to these types; `sqlite.ts` implements
 * them with node:sqlite, and a PostgreSQL implementation can implement them later. The
 * methods are async so that a networked backend fits without touching `src/app/`.
 *
 * The interface is split into repositories by area (`tx.tasks`, `tx.dependencies`, …) so
 * that each area's statements live in one file.
 *
 * @module
 */

import type { DatabaseHealth } from "./sqlite_health.ts";
import type { CompletedTask } from "../core/metrics.ts";
import type { Agent } from "../core/agent.ts";
import type { ContextEntry, Participant } from "../core/collaboration.ts";
import type { Notification, TaskEvent } from "../core/event.ts";
import type { ApiToken } from "../core/token.ts";
import type {
  Criterion,
  CriterionInput,
  DependencyEdge,
  FileRef,
  Priority,
  Status,
  Task,
  TaskRef,
  TaskSort,
} from "../core/task.ts";
import type {
  Completion,
  CriterionCheck,
  Feedback,
  MeasuredValue,
  ProgressEntry,
} from "../core/tracking.ts";

/** Filters for `tm list`. Absent fields do not filter. */
export interface TaskFilter {
  status?: Status;
  /** Any of these statuses (`--status a,b`, `--open`). */
  statuses?: readonly Status[];
  assignee?: string;
  /** Assigned to or held by this agent (`--mine`). */
  mine?: string;
  priority?: Priority;
  tag?: string;
  /** Every one of these tags. */
  tags?: readonly string[];
  /** Words to find in titles, descriptions and shared context; ranks best match first. */
  search?: string;
  /** Changed at or after this time (ISO 8601). */
  updatedSince?: string;
  /** With a deadline before this time. */
  dueBefore?: string;
  /** Open and past the deadline at this time. */
  overdueAt?: string;
  /** Archived tasks: left out (default for `tm list`), included, or only them. */
  archived?: "exclude" | "include" | "only";
  /** Order (default: creation order; with `search`, best match first). */
  sort?: TaskSort;
  /** The current time (ISO 8601), for the `urgency` order (overdue first). */
  now?: string;
  /** Only tasks whose metadata has this key (and this value, when not null). */
  meta?: { key: string; value: string | null };
  hasDependencies?: boolean;
  limit?: number;
}

/** Options for the ready set (`tm ready`, `tm claim` without an id). */
export interface ReadyQuery {
  /** The current time (ISO 8601); leases that ended before it no longer hold a task. */
  now: string;
  /** Only tasks assigned to this agent. */
  assignee?: string;
  /** Skip tasks assigned to someone other than this agent. */
  offeredTo?: string;
  /** Skip tasks that require a capability outside this set (absent: no capability filter). */
  capabilities?: readonly string[];
  limit: number;
  /**
   * Inside {@link Store.claimWrite}: lock the rows returned, skipping rows that concurrent
   * claimers hold (engines where writers are serialised anyway ignore it).
   */
  lockRows?: boolean;
}

/** The lease state of a task as a claimer saw it (the compare of the compare-and-swap). */
export type ClaimSeen = Pick<Task, "status" | "claimed_by" | "lease_expires_at">;

/** Fields of a task that a write may change. */
export type TaskPatch = Partial<Omit<Task, "id" | "created_at" | "created_by">>;

/** Task rows and the per-task lists stored with them (files, tags, criteria). */
export interface TaskRepo {
  insert(task: Task): Promise<void>;
  get(id: string): Promise<Task | null>;
  /** Ids starting with `prefix`, at most `limit` (enough to tell unique from ambiguous). */
  idsWithPrefix(prefix: string, limit: number): Promise<string[]>;
  list(filter: TaskFilter): Promise<Task[]>;
  /** Best-first ready tasks: pending, or in progress with a lease that has ended. */
  ready(query: ReadyQuery): Promise<Task[]>;
  update(id: string, patch: TaskPatch): Promise<void>;
  /**
   * Whether a blocked task was blocked by its dependencies (false: by hand or by a worker
   * giving up, which only `tm update --status pending` clears).
   */
  blockedByDependencies(id: string): Promise<boolean>;
  /**
   * Compare-and-swap claim: take `id` for `agent` only if its lease state is still `seen`
   * (what the caller checked the claim rule of core/lease.ts against). Returns whether the
   * row changed; false means another writer got there first.
   */
  claim(
    id: string,
    agent: string,
    now: string,
    leaseExpiresAt: string,
    seen: ClaimSeen,
  ): Promise<boolean>;
  delete(id: string): Promise<void>;
  count(): Promise<number>;
  /** Every task in creation order (for export). */
  all(): Promise<Task[]>;
  addFile(id: string, ref: FileRef): Promise<void>;
  files(id: string): Promise<FileRef[]>;
  addTag(id: string, tag: string): Promise<void>;
  tags(id: string): Promise<string[]>;
  /** Remove a tag; whether the task had it. */
  removeTag(id: string, tag: string): Promise<boolean>;
  /**
   * Remove file references with `ref.path` (and, when `ref.line_start` is set, those lines);
   * how many were removed.
   */
  removeFile(id: string, ref: FileRef): Promise<number>;
  /** Every tag with how many tasks carry it, most used first (`tm tags`). */
  tagCounts(): Promise<Array<{ tag: string; count: number; open: number }>>;
  /** Set one metadata value of a task (replacing the key's earlier value). */
  setMeta(id: string, key: string, value: string): Promise<void>;
  /** A task's metadata, by key in key order. */
  meta(id: string): Promise<Record<string, string>>;
  /**
   * Archive completed and cancelled tasks finished (or last changed) by `before`, not
   * archived yet; their ids.
   */
  archive(before: string, now: string): Promise<string[]>;
  /** Keep a deleted task's export record (JSON) for restoring; drop ones older than `expired`. */
  saveTombstone(
    tombstone: { id: string; deleted_at: string; deleted_by: string; record: string },
    expired: string,
  ): Promise<void>;
  /** Tombstones whose id starts with `prefix`, newest first. */
  tombstones(prefix: string): Promise<Array<{ id: string; deleted_at: string; record: string }>>;
  /** Forget a tombstone (after its task was restored). */
  dropTombstone(id: string): Promise<void>;
  /** The tags and dependency ids of each of `ids` (for `tm list --json`). */
  relations(ids: readonly string[]): Promise<Map<string, { tags: string[]; depends_on: string[] }>>;
  addCriterion(id: string, criterion: CriterionInput): Promise<void>;
  criteria(id: string): Promise<Criterion[]>;
}

/** The dependency graph. */
export interface DependencyRepo {
  /** Record that `taskId` depends on `dependsOnId` (idempotent; returns false if it existed). */
  add(taskId: string, dependsOnId: string, now: string): Promise<boolean>;
  /** Remove the edge; returns whether it existed. */
  remove(taskId: string, dependsOnId: string): Promise<boolean>;
  /** Ids that `taskId` depends on. */
  dependencyIds(taskId: string): Promise<string[]>;
  /** What `taskId` depends on, with status. */
  dependenciesOf(taskId: string): Promise<TaskRef[]>;
  /** What depends on `taskId`, with status. */
  dependentsOf(taskId: string): Promise<TaskRef[]>;
  /** How many dependencies of `taskId` are not yet satisfied. */
  openCount(taskId: string): Promise<number>;
  /** Every edge, ordered by task creation then dependency creation (for export). */
  all(): Promise<DependencyEdge[]>;
}

/** Events (an append-only log with increasing ids) and per-agent notifications. */
export interface EventRepo {
  append(event: Omit<TaskEvent, "id">): Promise<number>;
  /**
   * Write an event that happened elsewhere (an imported task's history): logged like any
   * other, but never handed to hooks (`committedEvents`), since it is not new.
   */
  restore(event: Omit<TaskEvent, "id">): Promise<number>;
  notify(
    recipients: readonly string[],
    notification: Omit<Notification, "id" | "recipient" | "read_at">,
  ): Promise<void>;
  forTask(taskId: string, limit: number): Promise<TaskEvent[]>;
  unread(recipient: string, limit: number): Promise<Notification[]>;
  /** `recipient`'s notifications (read or not) of events after `afterEventId`, oldest first. */
  since(recipient: string, afterEventId: number, limit: number): Promise<Notification[]>;
  /**
   * Whether `agent`'s lease on `taskId` was taken over by another agent and `agent` has not
   * claimed the task again since: the agent that took it over, or null.
   */
  leaseLostTo(taskId: string, agent: string): Promise<string | null>;
  /** The highest event id so far (0 when there is none). */
  lastId(): Promise<number>;
  /** Events with an id greater than `afterId`, oldest first, at most `limit` (live streams). */
  after(afterId: number, limit: number): Promise<TaskEvent[]>;
  markRead(ids: readonly number[], now: string): Promise<void>;
}

/** Agents taking part in a task (creator, assignee, claimers, joiners). */
export interface ParticipantRepo {
  /** Add `agent` to the task (idempotent; the first role is kept). */
  add(taskId: string, agent: string, role: string, now: string): Promise<void>;
  list(taskId: string): Promise<Participant[]>;
}

/** The shared context of tasks: an append-only log per task. */
export interface ContextRepo {
  /** Append an entry with the task's next sequence number (call inside a write). */
  append(entry: Omit<ContextEntry, "seq">): Promise<ContextEntry>;
  /** The entry recorded under `requestId`, if any. */
  byRequestId(requestId: string): Promise<ContextEntry | null>;
  /** A task's entries in sequence order, retracted ones left out. */
  list(taskId: string): Promise<ContextEntry[]>;
  /** One entry by its sequence number, retracted or not. */
  get(
    taskId: string,
    seq: number,
  ): Promise<(ContextEntry & { retracted_at: string | null }) | null>;
  /** Mark an entry retracted (kept, hidden); false if it already was. */
  retract(taskId: string, seq: number, agent: string, now: string): Promise<boolean>;
  /** The highest sequence number of a task's entries not retracted (0 when none). */
  lastSeq(taskId: string): Promise<number>;
  /** The first sync point named `checkpoint` of a task, if any. */
  syncPoint(taskId: string, checkpoint: string): Promise<ContextEntry | null>;
}

/** Orchestration: agents, required capabilities, worker bookkeeping. */
export interface AgentRepo {
  /** Create or replace an agent and its capability set. */
  upsert(agent: Agent): Promise<void>;
  get(name: string): Promise<Agent | null>;
  list(): Promise<Agent[]>;
  /** Remove an agent; returns whether it existed. */
  remove(name: string): Promise<boolean>;
  /** Require `capability` for `taskId` (idempotent). */
  addTaskCapability(taskId: string, capability: string): Promise<void>;
  taskCapabilities(taskId: string): Promise<string[]>;
  /** Tasks `agent` holds (in progress, claimed by it), oldest claim first. */
  heldBy(agent: string, limit: number): Promise<Task[]>;
  /**
   * Whether work for an agent with `capabilities` could still become ready: a task needing
   * nothing beyond them waits, through dependencies, on a task in progress.
   */
  hasOutstandingWork(capabilities: readonly string[]): Promise<boolean>;
  /** Unread notifications of `recipient`. */
  unreadCount(recipient: string): Promise<number>;
  /** The newest unread notifications of `recipient`, newest first. */
  latestUnread(recipient: string, limit: number): Promise<Notification[]>;
}

/** A completed task as metrics and reports need it. */
export interface CompletedRow extends CompletedTask {
  id: string;
  title: string;
}

/** Counts for `tm report`'s feature adoption, over tasks created in a window. */
export interface FeatureUsage {
  tasks: number;
  with_criteria: number;
  with_deadline: number;
  with_estimate: number;
  with_progress: number;
  with_summary: number;
  with_feedback: number;
}

/** An open task as the critical path needs it. */
export interface GraphTask {
  id: string;
  title: string;
  status: string;
  estimated_hours: number | null;
}

/** Criteria checks, measured values, progress, completions, feedback and their aggregates. */
export interface TrackingRepo {
  criteria(taskId: string): Promise<CriterionCheck[]>;
  /** Record a manual verdict; returns false when the task has no criterion `position`. */
  checkCriterion(
    taskId: string,
    position: number,
    check: { status: "passed" | "failed"; note: string | null; agent: string; now: string },
  ): Promise<boolean>;
  setValue(taskId: string, value: MeasuredValue): Promise<void>;
  values(taskId: string): Promise<MeasuredValue[]>;
  addProgress(entry: Omit<ProgressEntry, "id">): Promise<number>;
  /** The latest `limit` progress entries, oldest first. */
  progress(taskId: string, limit: number): Promise<ProgressEntry[]>;
  recordCompletion(completion: Completion): Promise<void>;
  completion(taskId: string): Promise<Completion | null>;
  setFeedback(feedback: Feedback): Promise<void>;
  feedback(taskId: string): Promise<Feedback[]>;
  /** Tasks completed at or after `since` (ISO 8601), oldest completion first. */
  completedSince(since: string): Promise<CompletedRow[]>;
  /** How many tasks were created at or after `since`. */
  createdSince(since: string): Promise<number>;
  /** Feature adoption over tasks created at or after `since`. */
  featureUsage(since: string): Promise<FeatureUsage>;
  /** Tasks that are not completed or cancelled, and the edges between them. */
  openGraph(): Promise<{ tasks: GraphTask[]; edges: DependencyEdge[] }>;
}

/** API tokens of `tm serve`. */
export interface TokenRepo {
  insert(token: ApiToken): Promise<void>;
  /** The token whose hash is `hash`, revoked or not. */
  byHash(hash: string): Promise<ApiToken | null>;
  get(id: string): Promise<ApiToken | null>;
  /** Every token, oldest first. */
  list(): Promise<ApiToken[]>;
  /** Mark a token revoked; returns whether it was active. */
  revoke(id: string, now: string): Promise<boolean>;
}

/** What a transaction can reach. */
export interface StoreTx {
  tasks: TaskRepo;
  dependencies: DependencyRepo;
  events: EventRepo;
  participants: ParticipantRepo;
  context: ContextRepo;
  agents: AgentRepo;
  tracking: TrackingRepo;
  tokens: TokenRepo;
}

/** Why a {@link ChangeFeed} wait ended. */
export type WakeReason = "notified" | "reconnected" | "poll" | "aborted";

/**
 * Wakes a live follower when writes commit, so it reads what is new (by event id) instead of
 * polling in a loop. A wake is only a hint: followers always catch up from their last id.
 */
export interface ChangeFeed {
  /**
   * Resolve after the next commit that appended events (or one since the last wait), after
   * a reconnect, after the poll interval or `timeoutMs`, or when `signal` aborts.
   */
  wait(options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<WakeReason | void>;
  /** Settles once the first attempt to listen has ended (commits before it are not announced). */
  ready?(): Promise<void>;
  close(): void;
}

/** A project's database. */
export interface Store {
  /** Run `fn` in a read-only snapshot. */
  read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Run `fn` in one short write transaction (all or nothing). */
  write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * Run a claim of the best ready task in a write transaction that other claims may run
   * beside (PostgreSQL: `ready({ lockRows: true })` locks its row with SKIP LOCKED). Only
   * for bodies that touch nothing but the claimed task's row and appends (events,
   * notifications, participants of that task). Absent: {@link Store.write} is used.
   */
  claimWrite?<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * Drain the events appended by write transactions that committed since the last call
   * (events of rolled-back transactions never appear): what hooks may act on.
   */
  committedEvents(): TaskEvent[];
  /**
   * A feed of commits for live followers, where the engine has one of its own (PostgreSQL:
   * LISTEN/NOTIFY); absent, followers watch the database file.
   */
  changes?(pollMs: number): ChangeFeed;
  /**
   * A number that changes when another connection (another `tm` process) commits: cheap
   * enough to poll several times a second (SQLite's `PRAGMA data_version`). Commits of this
   * store itself do not change it; `committedEvents()` tells about those.
   */
  dataVersion(): number;
  close(): void;
}

/** A backup of the database file, as `tm migrate` lists them. */
export interface BackupFile {
  path: string;
  name: string;
  /** The schema version the database had when it was copied. */
  schema_version: number;
  size: number;
}

/**
 * The database file itself, for the use cases that work on it rather than through an opened
 * store: creating it (`tm init`), inspecting, migrating, backing up and restoring it
 * (`tm migrate`). The composition root hands it over, loaded on use.
 */
export interface DatabaseFiles {
  /** Which engine holds the data: backups of a PostgreSQL project are exports, not files to put back. */
  engine: "sqlite" | "postgres";
  /** Every migration, in order (the schema version is their count). */
  migrations: ReadonlyArray<{ description: string }>;
  /** Whether the database exists (SQLite: the file; PostgreSQL: tm's schema in it). */
  exists(path: string, timeoutMs: number): Promise<boolean>;
  /** Create or open the database, migrating it (backup first) if needed; then close it. */
  openAndMigrate(
    options: { path: string; lockTimeoutMs: number; backupDir: string },
  ): Promise<void>;
  /** The schema version of the database, read without migrating it. */
  schemaVersionOf(path: string, timeoutMs: number): number | Promise<number>;
  /** The backups in `dir`, newest first. */
  listBackups(dir: string): Promise<BackupFile[]>;
  /** Remove all but the newest backups; returns the removed paths. */
  pruneBackups(dir: string): Promise<string[]>;
  /** Copy the database file consistently to `target`. */
  copyDatabase(dbPath: string, target: string): Promise<void>;
  /** Put a backup in place of the database file. */
  restoreDatabase(backupPath: string, dbPath: string): Promise<void>;
  /** The timestamp used in backup file names. */
  backupStamp(): string;
  /** Describe a database file read-only (problem, version; integrity when `full`). */
  inspect(path: string, options: { full: boolean }): DatabaseHealth;
  /** The database (created and migrated if needed) as tables of rows, for `tm db copy`. */
  openTables(path: string, lockTimeoutMs: number): Promise<TableStore>;
  /** A database server's own checks (`tm doctor` on PostgreSQL); SQLite has none. */
  diagnose?(timeoutMs: number): Promise<ServerHealth>;
}

/** What `tm doctor` finds on a database server (PostgreSQL). */
export interface ServerHealth {
  /** The URL without its password. */
  url: string;
  /** Why the server could not be examined (no connection, say); null when it could. */
  connection_error: string | null;
  server_version: string | null;
  schema_version: number | null;
  latest_version: number;
  /** What is wrong with `tm_schema_migrations` (missing versions, unknown descriptions). */
  migration_problems: string[];
  /** Relations that do not hold: `table.column -> parent: N row(s)`, or a missing constraint. */
  referential_problems: string[];
  /** Tasks still held by an agent whose lease has run out (claimable again; not a fault). */
  expired_leases: Array<{ task_id: string; claimed_by: string; lease_expires_at: string }>;
  /** Whether a notification sent on one connection reached a LISTEN on another. */
  listen: { ok: boolean; ms: number | null; detail: string | null };
  /** Last context entry seq per task, for comparing the YAML mirrors. */
  context_heads: Array<{ task_id: string; seq: number }>;
}

/** What reading a database as tables of rows offers (`tm db copy`). */
export interface TableReader {
  /** The copyable columns of `table` (generated ones left out), in table order. */
  columns(table: string): Promise<string[]>;
  count(table: string): Promise<number>;
  /** Up to `limit` rows of `table` after the first `offset`, in the table's key order. */
  page(
    table: string,
    columns: readonly string[],
    offset: number,
    limit: number,
  ): Promise<Array<Record<string, unknown>>>;
}

/** What writing a database as tables of rows offers, inside one transaction. */
export interface TableWriter extends TableReader {
  /** Delete every row of every table. */
  clear(): Promise<void>;
  insert(
    table: string,
    columns: readonly string[],
    rows: ReadonlyArray<Record<string, unknown>>,
  ): Promise<void>;
}

/** A database, migrated to the current schema, seen as tables of rows. */
export interface TableStore {
  /** Where it is, for people (a PostgreSQL URL without its password). */
  readonly name: string;
  /** Every table, parents first. */
  readonly tables: readonly string[];
  /** Run `fn` on one consistent snapshot. */
  read<T>(fn: (tables: TableReader) => Promise<T>): Promise<T>;
  /** Run `fn` in one write transaction (all or nothing). */
  write(fn: (tables: TableWriter) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}
