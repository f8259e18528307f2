/**
 * SQLite statements for the event log (including lease history) and notifications.
 *
 * @module
 */

import type { Statements } from "./sqlite_statements.ts";
import type { EventType, Notification, TaskEvent } from "../core/event.ts";
import type { EventRepo } from "./store.ts";

/** An `events` row (data as JSON text) as a {@link TaskEvent}; PostgreSQL stores it alike. */
export function toEvent(row: Record<string, unknown>): TaskEvent {
  return {
    id: row.id as number,
    task_id: row.task_id as string | null,
    type: row.type as EventType,
    agent: row.agent as string,
    created_at: row.created_at as string,
    data: row.data === null ? null : JSON.parse(row.data as string),
  };
}

/** Events and notifications in SQLite. */
export class SqliteEventRepo implements EventRepo {
  readonly #sql: Statements;
  // Events appended by the current write transaction; the store keeps or drops them at its end.
  #pending: TaskEvent[] = [];

  /** Use the connection's statement cache. */
  constructor(statements: Statements) {
    this.#sql = statements;
  }

  append(event: Omit<TaskEvent, "id">): Promise<number> {
    const id = this.#insert(event);
    this.#pending.push({ id, ...event });
    return Promise.resolve(id);
  }

  restore(event: Omit<TaskEvent, "id">): Promise<number> {
    return Promise.resolve(this.#insert(event));
  }

  #insert(event: Omit<TaskEvent, "id">): number {
    const result = this.#sql.get(
      "INSERT INTO events (task_id, type, agent, created_at, data) VALUES (?, ?, ?, ?, ?)",
    ).run(
      event.task_id,
      event.type,
      event.agent,
      event.created_at,
      event.data === null ? null : JSON.stringify(event.data),
    );
    return Number(result.lastInsertRowid);
  }

  /** Take (and forget) the events appended since the last call. */
  takePending(): TaskEvent[] {
    const events = this.#pending;
    this.#pending = [];
    return events;
  }

  notify(
    recipients: readonly string[],
    n: Omit<Notification, "id" | "recipient" | "read_at">,
  ): Promise<void> {
    const insert = this.#sql.get(
      `INSERT INTO notifications (recipient, event_id, task_id, type, priority, message, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const recipient of new Set(recipients)) {
      insert.run(recipient, n.event_id, n.task_id, n.type, n.priority, n.message, n.created_at);
    }
    return Promise.resolve();
  }

  forTask(taskId: string, limit: number): Promise<TaskEvent[]> {
    const rows = this.#sql.get(
      `SELECT id, task_id, type, agent, created_at, data FROM
         (SELECT * FROM events WHERE task_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id`,
    ).all(taskId, limit) as Array<Record<string, unknown>>;
    return Promise.resolve(rows.map(toEvent));
  }

  unread(recipient: string, limit: number): Promise<Notification[]> {
    return Promise.resolve(
      this.#sql.get(
        `SELECT id, recipient, event_id, task_id, type, priority, message, created_at, read_at
         FROM notifications WHERE recipient = ? AND read_at IS NULL ORDER BY id LIMIT ?`,
      ).all(recipient, limit).map((row) => ({ ...row }) as unknown as Notification),
    );
  }

  since(recipient: string, afterEventId: number, limit: number): Promise<Notification[]> {
    return Promise.resolve(
      this.#sql.get(
        `SELECT id, recipient, event_id, task_id, type, priority, message, created_at, read_at
         FROM notifications WHERE recipient = ? AND event_id > ? ORDER BY event_id, id LIMIT ?`,
      ).all(recipient, afterEventId, limit).map((row) => ({ ...row }) as unknown as Notification),
    );
  }

  leaseLostTo(taskId: string, agent: string): Promise<string | null> {
    // The latest of: this agent's own claim, or a takeover of this agent's lease.
    const row = this.#sql.get(
      `SELECT type, agent FROM events
       WHERE task_id = ? AND type IN ('claimed', 'lease_expired') AND (
         (type = 'claimed' AND agent = ?)
         OR (type = 'lease_expired' AND json_extract(data, '$.former_holder') = ?)
       )
       ORDER BY id DESC LIMIT 1`,
    ).get(taskId, agent, agent) as { type: EventType; agent: string } | undefined;
    return Promise.resolve(row?.type === "lease_expired" ? row.agent : null);
  }

  lastId(): Promise<number> {
    const row = this.#sql.get("SELECT coalesce(max(id), 0) AS id FROM events").get() as {
      id: number;
    };
    return Promise.resolve(row.id);
  }

  after(afterId: number, limit: number): Promise<TaskEvent[]> {
    const rows = this.#sql.get(
      "SELECT id, task_id, type, agent, created_at, data FROM events WHERE id > ? ORDER BY id LIMIT ?",
    ).all(afterId, limit) as Array<Record<string, unknown>>;
    return Promise.resolve(rows.map(toEvent));
  }

  markRead(ids: readonly number[], now: string): Promise<void> {
    const update = this.#sql.get(
      "UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL",
    );
    for (const id of ids) update.run(now, id);
    return Promise.resolve();
  }
}
