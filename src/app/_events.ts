/**
 * Recording events and notifying agents, inside the caller's write transaction.
 *
 * @module
 */

import type { EventType } from "../core/event.ts";
import type { StoreTx } from "../store/store.ts";

/** A state change to record, and optionally whom to tell. */
export interface EventInput {
  taskId: string | null;
  type: EventType;
  agent: string;
  now: string;
  data?: Record<string, unknown>;
  notify?: {
    recipients: readonly string[];
    message: string;
    priority?: "normal" | "high";
  };
}

/** Append an event (and its notifications); returns the event id. */
export async function recordEvent(tx: StoreTx, input: EventInput): Promise<number> {
  const eventId = await tx.events.append({
    task_id: input.taskId,
    type: input.type,
    agent: input.agent,
    created_at: input.now,
    data: input.data ?? null,
  });
  if (input.notify !== undefined && input.notify.recipients.length > 0) {
    await tx.events.notify(input.notify.recipients, {
      event_id: eventId,
      task_id: input.taskId,
      type: input.type,
      priority: input.notify.priority ?? "normal",
      message: input.notify.message,
      created_at: input.now,
    });
  }
  return eventId;
}

/** Everyone who takes part in a task (creator, assignee, claimers, joiners). */
export async function participantsOf(tx: StoreTx, taskId: string): Promise<string[]> {
  return (await tx.participants.list(taskId)).map((p) => p.agent);
}

/**
 * Everyone taking part in `task` or in a task that depends on it, and `agent` too: a discovery
 * is a broadcast, as in the original tm, so the discoverer's own `tm watch` shows it.
 */
export async function discoveryAudience(
  tx: StoreTx,
  task: { id: string },
  agent: string,
): Promise<string[]> {
  const audience = new Set(await participantsOf(tx, task.id));
  for (const dependent of await tx.dependencies.dependentsOf(task.id)) {
    for (const participant of await participantsOf(tx, dependent.id)) audience.add(participant);
  }
  audience.add(agent);
  return [...audience].sort();
}
