/**
 * `tm watch`: this agent's notifications, once or as they arrive (`--follow`).
 *
 * @module
 */

import {
  notificationDocument,
  takeNotifications,
  WATCH_BATCH,
  type WatchCursor,
} from "../app/notifications.ts";
import { usageError } from "../core/errors.ts";
import { DatabaseChanges } from "../files/db_changes.ts";
import type { Notification } from "../core/event.ts";
import { JSON_SCHEMA_VERSION } from "../version.ts";
import { defineCommand, parseLimit } from "./command.ts";
import { timeoutFlag } from "./cmd_collab.ts";
import { oneLine } from "./output.ts";

/** `[TYPE] message`, as the original printed a notification. */
export function notificationLine(n: Notification): string {
  return `[${n.type.toUpperCase()}] ${oneLine(n.message)}`;
}

function sinceFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) {
    throw usageError(`invalid --since "${value}": expected an event id (a whole number >= 0)`);
  }
  return Number(value);
}

/** The `watch` command. */
export const watchCommand = defineCommand({
  name: "watch",
  usage: `Usage: tm watch [--follow] [--timeout S] [--since EVENT_ID] [--limit N]

Print this agent's unread notifications and mark them read:
  === N New Notification(s) ===
  [UNBLOCKED] Task 0a1b2c3d "API" is unblocked and ready to start (...)
or "No new notifications". Notifications come from events: a task you take part in was
unblocked, completed or assigned, a discovery (high priority) or sync point on it, your
lease expired and another agent took the task.

--follow keeps running and prints each notification as it arrives ("[TYPE] message" lines;
with --json, JSON Lines: one object per notification, each with schema_version). It waits
by watching the database files for commits, with a 2 s poll as fallback: no busy loop.
It exits 0 on SIGINT or SIGTERM, or when --timeout seconds have passed.

Every notification carries the id of the event that caused it (event_id; ids increase in
commit order, one notification per agent and event). --since EVENT_ID prints your
notifications of events after EVENT_ID, read or not, instead of the unread ones: pass the
last event_id you processed to resume without gaps or duplicates. --limit N prints (and marks
read) at most the N oldest; the others stay unread for the next watch.`,
  options: {
    follow: { type: "boolean", help: "keep printing notifications as they arrive" },
    timeout: { type: "string", value: "S", help: "with --follow, stop after S seconds (exit 0)" },
    since: {
      type: "string",
      value: "EVENT_ID",
      help: "start after this event id instead of at the unread notifications",
    },
    limit: { type: "string", value: "N", help: "at most N notifications (the rest stay unread)" },
  },
  args: [],
  async run({ flags, app, json, io }) {
    const follow = flags.follow;
    const since = sinceFlag(flags.since);
    const timeoutMs = timeoutFlag(flags.timeout, null);
    if (!follow && timeoutMs !== null) throw usageError("watch: --timeout needs --follow");
    const limit = parseLimit(flags.limit, "limit", WATCH_BATCH);
    if (follow && limit !== undefined) {
      throw usageError("watch: --limit cannot be combined with --follow");
    }
    const ctx = await app();
    let cursor: WatchCursor = since === undefined ? { unread: true } : { afterEventId: since };
    if (!follow) {
      const { notifications, next } = await takeNotifications(ctx, cursor, limit);
      const text = notifications.length === 0 ? "No new notifications" : [
        `=== ${notifications.length} New Notification(s) ===`,
        ...notifications.map(notificationLine),
      ].join("\n");
      return {
        data: {
          count: notifications.length,
          notifications: notifications.map(notificationDocument),
          next_since: next,
        },
        text,
      };
    }
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    Deno.addSignalListener("SIGINT", onSignal);
    Deno.addSignalListener("SIGTERM", onSignal);
    const timer = timeoutMs === null ? undefined : setTimeout(onSignal, timeoutMs);
    // Nobody reads a closed stdout any more: stop quietly.
    io.stdoutClosed?.addEventListener("abort", onSignal, { once: true });
    // A reader that left while tm waits (| head -1) is only noticed by a write. With --json
    // on a pipe, a space every 400 ms probes it: JSON allows leading whitespace, so each
    // line stays one valid JSON value.
    const probe = json && io.stdoutClosed !== undefined && !io.isTerminal()
      ? setInterval(() => io.stdout(" "), 400)
      : undefined;
    // PostgreSQL wakes followers with LISTEN/NOTIFY; SQLite by watching the database files.
    const changes = ctx.store.changes?.(2000) ??
      new DatabaseChanges({ dbPath: ctx.location.dbPath, pollMs: 2000 });
    try {
      while (!stop.signal.aborted) {
        const { notifications, next } = await takeNotifications(ctx, cursor);
        for (const n of notifications) {
          io.stdout(
            json
              ? `${
                JSON.stringify({ schema_version: JSON_SCHEMA_VERSION, ...notificationDocument(n) })
              }\n`
              : `${notificationLine(n)}\n`,
          );
        }
        cursor = { afterEventId: next };
        if (notifications.length < WATCH_BATCH) await changes.wait({ signal: stop.signal });
      }
    } finally {
      changes.close();
      clearInterval(probe);
      clearTimeout(timer);
      Deno.removeSignalListener("SIGINT", onSignal);
      Deno.removeSignalListener("SIGTERM", onSignal);
      io.stdoutClosed?.removeEventListener("abort", onSignal);
    }
    return { data: {}, text: "", streamed: true };
  },
});
