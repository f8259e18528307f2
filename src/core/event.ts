/**
 * The event vocabulary: every state change tm records, as hooks, `tm show` history and
 * `--json` consumers see it, and the notifications addressed to agents. Pure types.
 *
 * @module
 */

/** Every event name tm records. Hooks and `--json` consumers match on these strings. */
export const EVENT_TYPES = [
  "created",
  "updated",
  "assigned",
  "claimed",
  "released",
  "lease_expired",
  "heartbeat",
  "blocked",
  "unblocked",
  "completed",
  "deleted",
  "imported",
  "archived",
  "restored",
  "template_applied",
  "dependency_added",
  "dependency_removed",
  "joined",
  "shared",
  "document_shared",
  "discovered",
  "sync_point",
  "context_retracted",
  "criteria",
  "progress",
  "feedback",
  "run_failed",
  "gave_up",
  "agent_registered",
  "agent_updated",
  "agent_removed",
] as const;

/** The name of a recorded event. */
export type EventType = typeof EVENT_TYPES[number];

/** A recorded state change. */
export interface TaskEvent {
  id: number;
  task_id: string | null;
  type: EventType;
  agent: string;
  created_at: string;
  data: Record<string, unknown> | null;
}

/** A notification addressed to one agent. */
export interface Notification {
  id: number;
  recipient: string;
  event_id: number | null;
  task_id: string | null;
  type: EventType;
  priority: "normal" | "high";
  message: string;
  created_at: string;
  read_at: string | null;
}
