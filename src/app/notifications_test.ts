import type { EventType } from "../core/event.ts";
import assert from "node:assert/strict";
import { openSqliteStore } from "../store/sqlite.ts";
import type { AppContext } from "./context.ts";
import { recordEvent } from "./_events.ts";
import { takeNotifications } from "./notifications.ts";

async function context(agent: string): Promise<AppContext> {
  return {
    store: await openSqliteStore({ path: ":memory:" }),
    agent,
    location: { dataDir: "/nowhere", dbPath: ":memory:", source: "override" },
    now: () => new Date("2026-01-01T00:00:00Z"),
    leaseTtlMs: 60_000,
  };
}

function event(ctx: AppContext, type: EventType, recipients: string[]) {
  return ctx.store.write((tx) =>
    recordEvent(tx, {
      taskId: null,
      type,
      agent: "someone",
      now: "2026-01-01T00:00:00.000Z",
      notify: { recipients, message: type },
    })
  );
}

Deno.test("takeNotifications() returns unread ones once and a cursor past every event", async () => {
  const ctx = await context("bob");
  await event(ctx, "shared", ["bob"]);
  const unrelated = await event(ctx, "discovered", ["alice"]);
  const batch = await takeNotifications(ctx, { unread: true });
  assert.deepEqual(batch.notifications.map((n) => n.type), ["shared"]);
  assert.equal(batch.next, unrelated);
  assert.deepEqual((await takeNotifications(ctx, { unread: true })).notifications, []);
  ctx.store.close();
});

Deno.test("takeNotifications() after an event id sees later ones, read or not, in order", async () => {
  const ctx = await context("bob");
  const first = await event(ctx, "shared", ["bob"]);
  await event(ctx, "sync_point", ["bob"]);
  await takeNotifications(ctx, { unread: true });
  const third = await event(ctx, "document_shared", ["bob"]);
  const batch = await takeNotifications(ctx, { afterEventId: first });
  assert.deepEqual(batch.notifications.map((n) => n.type), ["sync_point", "document_shared"]);
  assert.equal(batch.next, third);
  const empty = await takeNotifications(ctx, { afterEventId: batch.next });
  assert.deepEqual([empty.notifications, empty.next], [[], third]);
  ctx.store.close();
});
