/**
 * Who takes part in a task and what they share: participants and the shared-context log.
 * Pure types.
 *
 * @module
 */

/** A participant of a task. */
export interface Participant {
  agent: string;
  role: string;
  joined_at: string;
}

/** Kinds of shared-context entries. */
export type ContextEntryType = "share" | "discovery" | "sync" | "document";

/** One entry of a task's shared context. `seq` numbers a task's entries 1, 2, 3… */
export interface ContextEntry {
  task_id: string;
  seq: number;
  agent: string;
  created_at: string;
  type: ContextEntryType;
  /** The message, the checkpoint name, or the document's content. */
  text: string;
  /** The attached document's file name (documents only). */
  name: string | null;
  /** The caller's idempotency key (`TM_REQUEST_ID`), if any. */
  request_id: string | null;
}
