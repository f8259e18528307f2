/**
 * PostgreSQL statements for the event log (with lease history), notifications, participants
 * and the shared context of tasks. The SQL mirrors `sqlite_events.ts`,
 * `sqlite_participants.ts` and `sqlite_context.ts`.
 *
 * @module
 */

import type { ContextEntry, Participant } from "../core/collaboration.ts";
import type { EventType, Notification, TaskEvent } from "../core/event.ts";
import { limit, type PgSql } from "./postgres_sql.ts";
import type { ContextRepo, EventRepo, ParticipantRepo } from "./store.ts";
import { toEvent } from "./sqlite_events.ts";
import { CONTEXT_COLUMNS } from "./sqlite_context.ts";

const NOTIFICATION_COLUMNS =
  "id, recipient, event_id, task_id, type, priority, message, created_at, read_at";

/** Events and notifications in PostgreSQL. */
export class PgEventRepo implements EventRepo {
  readonly #sql: PgSql;
  // Events appended by the current write transaction; the store keeps or drops them at its end.
  #pending: TaskEvent[] = [];

  /** Use the connection's query helper. */
  constructor(sql: PgSql) {
    this.#sql = sql;
  }

  /**
   * Set by the store for a claim transaction (claims run side by side): the first append
   * takes the events lock, so that event ids commit in increasing order and a follower
   * reading `id > last` never skips an id that commits later.
   */
  serialiseAppends: (() => Promise<void>) | null = null;

  /** Write an event that happened elsewhere (an import): logged, never handed to hooks. */
  async restore(event: Omit<TaskEvent, "id">): Promise<number> {
    const id = await this.append(event);
    this.#pending = this.#pending.filter((pending) => pending.id !== id);
    return id;
  }

  async append(event: Omit<TaskEvent, "id">): Promise<number> {
    const lock = this.serialiseAppends;
    if (lock !== null) {
      this.serialiseAppends = null;
      await lock();
    }
    const row = await this.#sql.row<{ id: number }>(
      `INSERT INTO events (task_id, type, agent, created_at, data) VALUES ($1, $2, $3, $4, $5)
       RETURNING id`,
      [
        event.task_id,
        event.type,
        event.agent,
        event.created_at,
        event.data === null ? null : JSON.stringify(event.data),
      ],
    );
    const id = row!.id;
    this.#pending.push({ id, ...event });
    return id;
  }

  /** Take (and forget) the events appended since the last call. */
  takePending(): TaskEvent[] {
    const events = this.#pending;
    this.#pending = [];
    return events;
  }

  async notify(
    recipients: readonly string[],
    n: Omit<Notification, "id" | "recipient" | "read_at">,
  ): Promise<void> {
    const unique = [...new Set(recipients)];
    if (unique.length === 0) return;
    // One statement for every recipient: one round trip, in the order given.
    await this.#sql.run(
      `INSERT INTO notifications (recipient, event_id, task_id, type, priority, message, created_at)
       SELECT r, $2, $3, $4, $5, $6, $7 FROM unnest($1::text[]) WITH ORDINALITY AS u (r, i)
       ORDER BY i`,
      [unique, n.event_id, n.task_id, n.type, n.priority, n.message, n.created_at],
    );
  }

  async forTask(taskId: string, count: number): Promise<TaskEvent[]> {
    const rows = await this.#sql.rows<Record<string, unknown>>(
      `SELECT id, task_id, type, agent, created_at, data FROM
         (SELECT * FROM events WHERE task_id = $1 ORDER BY id DESC LIMIT $2) AS recent
       ORDER BY id`,
      [taskId, limit(count)],
    );
    return rows.map(toEvent);
  }

  /** Every event after `afterId`, oldest first (what live followers catch up with). */
  async after(afterId: number, count: number): Promise<TaskEvent[]> {
    const rows = await this.#sql.rows<Record<string, unknown>>(
      "SELECT id, task_id, type, agent, created_at, data FROM events WHERE id > $1 " +
        "ORDER BY id LIMIT $2",
      [afterId, limit(count)],
    );
    return rows.map(toEvent);
  }

  unread(recipient: string, count: number): Promise<Notification[]> {
    return this.#sql.rows<Notification>(
      `SELECT ${NOTIFICATION_COLUMNS} FROM notifications
       WHERE recipient = $1 AND read_at IS NULL ORDER BY id LIMIT $2`,
      [recipient, limit(count)],
    );
  }

  since(recipient: string, afterEventId: number, count: number): Promise<Notification[]> {
    return this.#sql.rows<Notification>(
      `SELECT ${NOTIFICATION_COLUMNS} FROM notifications
       WHERE recipient = $1 AND event_id > $2 ORDER BY event_id, id LIMIT $3`,
      [recipient, afterEventId, limit(count)],
    );
  }

  async leaseLostTo(taskId: string, agent: string): Promise<string | null> {
    // The latest of: this agent's own claim, or a takeover of this agent's lease.
    const row = await this.#sql.row<{ type: EventType; agent: string }>(
      `SELECT type, agent FROM events
       WHERE task_id = $1 AND type IN ('claimed', 'lease_expired') AND (
         (type = 'claimed' AND agent = $2)
         OR (type = 'lease_expired' AND (data::jsonb ->> 'former_holder') = $2)
       )
       ORDER BY id DESC LIMIT 1`,
      [taskId, agent],
    );
    return row?.type === "lease_expired" ? row.agent : null;
  }

  async lastId(): Promise<number> {
    return (await this.#sql.row<{ id: number }>("SELECT coalesce(max(id), 0) AS id FROM events"))!
      .id;
  }

  async markRead(ids: readonly number[], now: string): Promise<void> {
    if (ids.length === 0) return;
    await this.#sql.run(
      "UPDATE notifications SET read_at = $1 WHERE id = ANY ($2::int[]) AND read_at IS NULL",
      [now, [...ids]],
    );
  }
}

/** Participants in PostgreSQL. */
export class PgParticipantRepo implements ParticipantRepo {
  readonly #sql: PgSql;

  /** Use the connection's query helper. */
  constructor(sql: PgSql) {
    this.#sql = sql;
  }

  async add(taskId: string, agent: string, role: string, now: string): Promise<void> {
    await this.#sql.run(
      `INSERT INTO participants (task_id, agent, role, joined_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [taskId, agent, role, now],
    );
  }

  list(taskId: string): Promise<Participant[]> {
    return this.#sql.rows<Participant>(
      "SELECT agent, role, joined_at FROM participants WHERE task_id = $1 ORDER BY joined_at, agent",
      [taskId],
    );
  }
}

/** Shared context entries in PostgreSQL. */
export class PgContextRepo implements ContextRepo {
  readonly #sql: PgSql;

  /** Use the connection's query helper. */
  constructor(sql: PgSql) {
    this.#sql = sql;
  }

  async append(entry: Omit<ContextEntry, "seq">): Promise<ContextEntry> {
    // The caller's write transaction holds the project's advisory lock, so writers are
    // serialised and the numbers form one order, as under SQLite's BEGIN IMMEDIATE.
    const row = await this.#sql.row<ContextEntry>(
      `INSERT INTO context_entries (${CONTEXT_COLUMNS})
       SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6, $7
         FROM context_entries WHERE task_id = $1
       RETURNING ${CONTEXT_COLUMNS}`,
      [
        entry.task_id,
        entry.agent,
        entry.created_at,
        entry.type,
        entry.text,
        entry.name,
        entry.request_id,
      ],
    );
    return row!;
  }

  async get(
    taskId: string,
    seq: number,
  ): Promise<(ContextEntry & { retracted_at: string | null }) | null> {
    return (await this.#sql.row<ContextEntry & { retracted_at: string | null }>(
      `SELECT ${CONTEXT_COLUMNS}, retracted_at FROM context_entries WHERE task_id = $1 AND seq = $2`,
      [taskId, seq],
    )) ?? null;
  }

  async retract(taskId: string, seq: number, agent: string, now: string): Promise<boolean> {
    const changed = await this.#sql.run(
      `UPDATE context_entries SET retracted_at = $1, retracted_by = $2
       WHERE task_id = $3 AND seq = $4 AND retracted_at IS NULL`,
      [now, agent, taskId, seq],
    );
    return changed > 0;
  }

  async byRequestId(requestId: string): Promise<ContextEntry | null> {
    return (await this.#sql.row<ContextEntry>(
      `SELECT ${CONTEXT_COLUMNS} FROM context_entries WHERE request_id = $1`,
      [requestId],
    )) ?? null;
  }

  list(taskId: string): Promise<ContextEntry[]> {
    return this.#sql.rows<ContextEntry>(
      `SELECT ${CONTEXT_COLUMNS} FROM context_entries
       WHERE task_id = $1 AND retracted_at IS NULL ORDER BY seq`,
      [taskId],
    );
  }

  async lastSeq(taskId: string): Promise<number> {
    const row = await this.#sql.row<{ seq: number }>(
      "SELECT coalesce(max(seq), 0) AS seq FROM context_entries " +
        "WHERE task_id = $1 AND retracted_at IS NULL",
      [taskId],
    );
    return row!.seq;
  }

  async syncPoint(taskId: string, checkpoint: string): Promise<ContextEntry | null> {
    return (await this.#sql.row<ContextEntry>(
      `SELECT ${CONTEXT_COLUMNS} FROM context_entries
       WHERE task_id = $1 AND type = 'sync' AND text = $2 AND retracted_at IS NULL
       ORDER BY seq LIMIT 1`,
      [taskId, checkpoint],
    )) ?? null;
  }
}
