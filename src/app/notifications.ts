/**
 * Use case: read this agent's notifications and mark them read (`tm watch`).
 *
 * Cursor: notifications are addressed per event, at most one per recipient and event, and
 * event ids increase in commit order (every write holds the write lock). So "the
 * notifications of events after event id N" has no gaps and no duplicates, and the last
 * `event_id` a reader saw is a complete resume point (`tm watch --since N`).
 *
 * @module
 */

import type { Notification } from "../core/event.ts";
import { type AppContext, nowIso } from "./context.ts";

/** How many notifications one batch returns at most. */
export const WATCH_BATCH = 500;

/** Which notifications to fetch. */
export type WatchCursor =
  /** Every unread notification. */
  | { unread: true }
  /** Notifications (read or not) of events with an id greater than `afterEventId`. */
  | { afterEventId: number };

/** A batch of notifications and the cursor to continue from. */
export interface WatchBatch {
  notifications: Notification[];
  /** Continue with `{ afterEventId: next }` to see only what is newer than this batch. */
  next: number;
}

/**
 * Fetch one batch of `ctx.agent`'s notifications and mark them read, in one write
 * transaction (so two watchers of the same agent never both see an unread one as new).
 * An empty batch does not write. `limit` caps the batch; the rest stay unread.
 */
export async function takeNotifications(
  ctx: AppContext,
  cursor: WatchCursor,
  limit = WATCH_BATCH,
): Promise<WatchBatch> {
  const peek = await ctx.store.read(async (tx) => ({
    found: "unread" in cursor
      ? (await tx.events.unread(ctx.agent, 1)).length
      : (await tx.events.since(ctx.agent, cursor.afterEventId, 1)).length,
    last: await tx.events.lastId(),
  }));
  if (peek.found === 0) {
    const next = "unread" in cursor ? peek.last : Math.max(cursor.afterEventId, peek.last);
    return { notifications: [], next };
  }
  return ctx.store.write(async (tx) => {
    const notifications = "unread" in cursor
      ? await tx.events.unread(ctx.agent, limit)
      : await tx.events.since(ctx.agent, cursor.afterEventId, limit);
    const unread = notifications.filter((n) => n.read_at === null).map((n) => n.id);
    await tx.events.markRead(unread, nowIso(ctx));
    const full = notifications.length === limit;
    const lastSeen = Math.max(0, ...notifications.map((n) => n.event_id ?? 0));
    // A full batch may have more behind it: continue right after it. Otherwise everything
    // up to the newest event is covered.
    const next = full ? lastSeen : Math.max(lastSeen, await tx.events.lastId());
    return { notifications, next };
  });
}

/** A notification as `tm watch --json` and the API show it (no recipient, no read mark). */
export function notificationDocument(n: Notification): Record<string, unknown> {
  return {
    id: n.id,
    event_id: n.event_id,
    task_id: n.task_id,
    type: n.type,
    priority: n.priority,
    message: n.message,
    created_at: n.created_at,
  };
}
