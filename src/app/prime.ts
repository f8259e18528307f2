/**
 * Use case: the session briefing of `tm prime` — who I am, what I hold, what is ready for
 * me, what I have not read. Read-only (it marks nothing read) and bounded in size, whatever
 * the size of the project.
 *
 * @module
 */

import type { Task } from "../core/task.ts";
import type { Notification } from "../core/event.ts";
import { routingCapabilities } from "./agents.ts";
import { type AppContext, nowIso } from "./context.ts";

/** How many items of each list a briefing shows. */
export const PRIME_LIMITS = { held: 5, ready: 5, notifications: 3 } as const;

/** The briefing. */
export interface Briefing {
  agent: string;
  registered: boolean;
  capabilities: string[];
  now: string;
  held: Task[];
  /** Whether more tasks are held than shown. */
  held_more: boolean;
  ready: Task[];
  unread_count: number;
  notifications: Notification[];
}

/** Gather the briefing of the calling agent in one read snapshot. */
export function primeBriefing(ctx: AppContext): Promise<Briefing> {
  return ctx.store.read(async (tx) => {
    const now = nowIso(ctx);
    const agent = await tx.agents.get(ctx.agent);
    const capabilities = await routingCapabilities(tx, ctx.agent);
    const held = await tx.agents.heldBy(ctx.agent, PRIME_LIMITS.held + 1);
    return {
      agent: ctx.agent,
      registered: agent !== null,
      capabilities,
      now,
      held: held.slice(0, PRIME_LIMITS.held),
      held_more: held.length > PRIME_LIMITS.held,
      ready: await tx.tasks.ready({
        now,
        offeredTo: ctx.agent,
        capabilities,
        limit: PRIME_LIMITS.ready,
      }),
      unread_count: await tx.agents.unreadCount(ctx.agent),
      notifications: await tx.agents.latestUnread(ctx.agent, PRIME_LIMITS.notifications),
    };
  });
}
