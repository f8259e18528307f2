/**
 * Use cases of collaboration on a task: joining it, its shared context (shares, documents,
 * discoveries, sync points) and private notes (`tm join`, `tm share`, `tm discover`,
 * `tm sync`, `tm note`, `tm context`).
 *
 * The database is the source of truth: each shared entry is one row appended with the
 * task's next sequence number inside one write transaction. After the commit, the YAML
 * mirror is regenerated from the database, never patched, so racing writers converge.
 *
 * @module
 */

import { TmError, validationError } from "../core/errors.ts";
import type { Task } from "../core/task.ts";
import type { EventType } from "../core/event.ts";
import type { ContextEntry, ContextEntryType, Participant } from "../core/collaboration.ts";
import type { StoreTx } from "../store/store.ts";
import { appendPrivateNote, readPrivateNotes } from "../files/private_notes.ts";
import { type AppContext, nowIso } from "./context.ts";
import { discoveryAudience, participantsOf } from "./_events.ts";
import { type TaskWrite, writeLoadedTask, type WritePolicy, writeTask } from "./_task_write.ts";
import { loadTask } from "./resolve.ts";

/** Joining needs no lease and, as before the write unit, does not renew one. */
const JOIN: WritePolicy = { action: "join", lease: "unchecked", renew: false };
/**
 * Sharing context is never refused for the lease: whoever learns something may tell the
 * others, holder or not (deliberate). A holder's share still renews its lease.
 */
const SHARE: WritePolicy = { action: "share on", lease: "unchecked", renew: true };

/** Longest message accepted for a share, discovery or note (characters). */
export const MAX_MESSAGE_LENGTH = 64 * 1024;
/** Largest document accepted by `tm share --file` (characters). */
export const MAX_DOCUMENT_LENGTH = 1024 * 1024;

/** Longest checkpoint accepted, in characters. */
const MAX_CHECKPOINT_LENGTH = 500;

/** Check a message: not blank, not huge. */
export function validateMessage(message: string, what = "message"): string {
  if (message.trim() === "") throw validationError(`${what} cannot be empty`);
  if (message.length > MAX_MESSAGE_LENGTH) {
    throw validationError(`${what} too long (max ${MAX_MESSAGE_LENGTH} characters)`);
  }
  return message;
}

/**
 * Check a checkpoint: free text on one line ("Milestone reached", as the original tm took
 * it), 1-500 characters after trimming; a name such as `api-done` is just a short one.
 */
export function validateCheckpoint(name: string): string {
  const text = name.trim();
  // deno-lint-ignore no-control-regex
  if (text === "" || [...text].length > MAX_CHECKPOINT_LENGTH || /[\x00-\x1f\x7f]/.test(text)) {
    throw validationError(
      `invalid checkpoint "${name.slice(0, 80)}"`,
      `use one line of 1-${MAX_CHECKPOINT_LENGTH} characters`,
    );
  }
  return text;
}

/** Check a `TM_REQUEST_ID`. */
export function validateRequestId(value: string): string {
  if (!/^[\x21-\x7e]{1,200}$/.test(value)) {
    throw validationError(
      `invalid TM_REQUEST_ID "${value.slice(0, 80)}"`,
      "use 1-200 printable ASCII characters without spaces",
    );
  }
  return value;
}

/** What `tm join` did. */
export interface JoinResult {
  task_id: string;
  /** False when the agent already took part. */
  joined: boolean;
  participants: Participant[];
}

/** Join a task as a participant (idempotent). */
export function joinTask(ctx: AppContext, idInput: string): Promise<JoinResult> {
  return writeTask(ctx, idInput, JOIN, async ({ tx, task, now, record }) => {
    const before = await participantsOf(tx, task.id);
    const joined = !before.includes(ctx.agent);
    if (joined) {
      await tx.participants.add(task.id, ctx.agent, "joiner", now);
      await record("joined");
    }
    return { task_id: task.id, joined, participants: await tx.participants.list(task.id) };
  });
}

/** What a shared-context write did. */
export interface ShareResult {
  task_id: string;
  entry: ContextEntry;
  /** True when `TM_REQUEST_ID` matched an earlier entry, which is returned unchanged. */
  duplicate: boolean;
  /** The agents notified (discoveries and sync points). */
  notified: string[];
  /** The YAML mirror that was rewritten. */
  mirror: string;
  /**
   * Why the mirror could not be rewritten, if it could not. The entry is committed either
   * way (the database is the source of truth); the next write regenerates the mirror.
   */
  mirror_error: string | null;
  /** What went wrong after the commit, one line each (the mirror); empty when nothing did. */
  warnings: string[];
}

/** A document attached to a share (`tm share ID --file F`). */
export interface SharedDocument {
  /** The file name it is kept under. */
  name: string;
  text: string;
}

/**
 * What to append to a task's shared context: a share (a message, a document, or both —
 * written in one transaction, message first), a discovery or a sync point.
 */
export type ShareInput =
  | {
    type: "share";
    message?: string;
    document?: SharedDocument;
    /** Idempotency key (`TM_REQUEST_ID`); a message beside a document uses `<key>#message`. */
    requestId?: string | null;
  }
  | { type: "discovery" | "sync"; text: string; requestId?: string | null };

/** One entry to append. */
interface EntryInput {
  type: ContextEntryType;
  text: string;
  name: string | null;
  requestId: string | null;
}

/** The entries a share input appends, in order (the result reports the last). */
function entriesOf(input: ShareInput): EntryInput[] {
  const requestId = input.requestId ?? null;
  if (input.type !== "share") {
    return [{ type: input.type, text: input.text, name: null, requestId }];
  }
  const { message, document } = input;
  const entries: EntryInput[] = [];
  if (message !== undefined) {
    const key = document !== undefined && requestId !== null ? `${requestId}#message` : requestId;
    entries.push({ type: "share", text: message, name: null, requestId: key });
  }
  if (document !== undefined) {
    entries.push({ type: "document", text: document.text, name: document.name, requestId });
  }
  if (entries.length === 0) throw validationError("share needs a message or a document");
  return entries;
}

const EVENT_TYPES: Readonly<Record<ContextEntryType, EventType>> = {
  share: "shared",
  document: "document_shared",
  discovery: "discovered",
  sync: "sync_point",
};

async function notificationFor(
  tx: StoreTx,
  task: Task,
  agent: string,
  input: EntryInput,
): Promise<{ recipients: string[]; message: string; priority: "normal" | "high" } | undefined> {
  if (input.type === "discovery") {
    return {
      recipients: await discoveryAudience(tx, task, agent),
      message: `Discovery on task ${task.id} "${task.title}" by ${agent}: ${input.text}`,
      priority: "high",
    };
  }
  if (input.type === "sync") {
    const recipients = (await participantsOf(tx, task.id)).filter((a) => a !== agent);
    return {
      recipients,
      message: `Sync point "${input.text}" reached on task ${task.id} "${task.title}" by ${agent}`,
      priority: "normal",
    };
  }
  return undefined;
}

/** Refuse an entry over its size limit (exit 5). */
function checkLength(entry: EntryInput): void {
  const limit = entry.type === "document" ? MAX_DOCUMENT_LENGTH : MAX_MESSAGE_LENGTH;
  if (entry.text.length > limit) {
    throw validationError(`${entry.type} too long (max ${limit} characters)`);
  }
}

/** What appending one entry did. */
interface Appended {
  entry: ContextEntry;
  duplicate: boolean;
  notified: string[];
}

/** The entry this input already recorded (same request id, or the same sync point), if any. */
async function earlierEntry(
  tx: StoreTx,
  taskInput: string | Task,
  input: EntryInput,
): Promise<ContextEntry | null> {
  if (input.requestId !== null) {
    const earlier = await tx.context.byRequestId(input.requestId);
    if (earlier !== null) return earlier;
  }
  if (input.type === "sync" && typeof taskInput !== "string") {
    return await tx.context.syncPoint(taskInput.id, input.text);
  }
  return null;
}

/** Append one entry, make the agent a participant, record the event and its notifications. */
async function appendEntry(w: TaskWrite, input: EntryInput): Promise<Appended> {
  const { tx, task, ctx, now } = w;
  const entry = await tx.context.append({
    task_id: task.id,
    agent: ctx.agent,
    created_at: now,
    type: input.type,
    text: input.text,
    name: input.name,
    request_id: input.requestId,
  });
  await tx.participants.add(task.id, ctx.agent, "contributor", now);
  const notify = await notificationFor(tx, task, ctx.agent, input);
  await w.record(
    EVENT_TYPES[input.type],
    { seq: entry.seq, ...(entry.name === null ? {} : { name: entry.name }) },
    notify,
  );
  return { entry, duplicate: false, notified: notify?.recipients ?? [] };
}

/**
 * Append to a task's shared context and make the agent a participant, in one write
 * transaction (a message and a document together, too); then regenerate the YAML mirror
 * from the database. A request id or sync point seen before returns the earlier entry.
 */
export async function shareContext(
  ctx: AppContext,
  idInput: string,
  input: ShareInput,
): Promise<ShareResult> {
  const entries = entriesOf(input);
  entries.forEach(checkLength);
  const last = await ctx.store.write(async (tx) => {
    let result: Appended | null = null;
    const pending: EntryInput[] = [];
    for (const entry of entries) {
      const earlier = await earlierEntry(tx, idInput, entry);
      if (earlier !== null) result = { entry: earlier, duplicate: true, notified: [] };
      else pending.push(entry);
    }
    // Everything was recorded before: answer with the last entry, write nothing.
    if (pending.length === 0) return result!;
    const task = await loadTask(tx, idInput);
    const sync = pending.find((entry) => entry.type === "sync");
    const existing = sync === undefined ? null : await earlierEntry(tx, task, sync);
    if (existing !== null) return { entry: existing, duplicate: true, notified: [] };
    return writeLoadedTask(tx, ctx, task, SHARE, async (w) => {
      for (const entry of pending) result = await appendEntry(w, entry);
      return result!;
    });
  });
  const taskId = last.entry.task_id;
  const mirror = await refreshMirror(ctx, taskId);
  return {
    task_id: taskId,
    entry: last.entry,
    duplicate: last.duplicate,
    notified: last.notified,
    mirror: mirror.path,
    mirror_error: mirror.error,
    warnings: mirror.error === null ? [] : [
      `shared context of task ${taskId} recorded, but its YAML mirror was not updated: ${mirror.error}`,
    ],
  };
}

/** Whether `error` is a fault of the file system rather than a bug (ENOSPC has only a code). */
function isFileFault(error: unknown): boolean {
  if (error instanceof TmError) return error.code === "storage";
  if (Object.values(Deno.errors).some((kind) => error instanceof kind)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^E[A-Z]+$/.test(code);
}

/** Regenerate the mirror after a commit; a file-system failure is reported, not thrown. */
async function refreshMirror(
  ctx: AppContext,
  taskId: string,
): Promise<{ path: string; error: string | null }> {
  try {
    return { path: await refreshSharedContext(ctx, taskId), error: null };
  } catch (error) {
    // File-system failures (a full disk, a refused link) are reported; anything else is a bug.
    if (!isFileFault(error)) throw error;
    return { path: "", error: (error as Error).message };
  }
}

/**
 * Rewrite the YAML mirror of a task from the database. After renaming it into place, check
 * that no entry was committed meanwhile; if one was, write again. Whoever renames last has
 * therefore seen every entry committed before its check, and later committers write after
 * it: the file converges on the complete context.
 */
export async function refreshSharedContext(ctx: AppContext, taskId: string): Promise<string> {
  const mirror = ctx.mirror;
  if (mirror === undefined) return "";
  for (;;) {
    const snapshot = await ctx.store.read(async (tx) => ({
      task: await tx.tasks.get(taskId),
      entries: await tx.context.list(taskId),
    }));
    if (snapshot.task === null) return "";
    const path = await mirror.write(
      { task_id: taskId, title: snapshot.task.title },
      snapshot.entries,
    );
    const written = snapshot.entries.at(-1)?.seq ?? 0;
    const latest = await ctx.store.read((tx) => tx.context.lastSeq(taskId));
    if (latest <= written) return path;
  }
}

const RETRACT: WritePolicy = { action: "retract on", lease: "unchecked", renew: false };

/** What a retraction did. */
export interface RetractResult {
  task_id: string;
  seq: number;
  /** False when the entry had been retracted already. */
  retracted: boolean;
  mirror_error: string | null;
}

/**
 * Retract a shared-context entry: only its author may. The entry stays in the database and
 * the task's history (a `context_retracted` event keeps its text); `tm context`, the mirror,
 * sync points and search no longer show it.
 */
export async function retractContext(
  ctx: AppContext,
  idInput: string,
  seq: number,
): Promise<RetractResult> {
  const result = await writeTask(ctx, idInput, RETRACT, async ({ tx, task, now, record }) => {
    const entry = await tx.context.get(task.id, seq);
    if (entry === null) {
      throw new TmError("not_found", `entry #${seq} of task "${task.id}" not found`, {
        hint: `tm context ${task.id} lists the entries`,
      });
    }
    if (entry.agent !== ctx.agent) {
      throw validationError(
        `cannot retract entry #${seq} of task "${task.id}": written by "${entry.agent}", not "${ctx.agent}"`,
        "only the author of an entry can retract it",
      );
    }
    const retracted = await tx.context.retract(task.id, seq, ctx.agent, now);
    if (retracted) {
      await record("context_retracted", { seq, type: entry.type, text: entry.text });
    }
    return { task_id: task.id, seq, retracted };
  });
  const mirror = await refreshMirror(ctx, result.task_id);
  return { ...result, mirror_error: mirror.error };
}

/** Whether a sync point exists yet (for `tm sync --wait`). */
export function findSyncPoint(
  ctx: AppContext,
  idInput: string,
  checkpoint: string,
): Promise<{ task_id: string; entry: ContextEntry | null }> {
  return ctx.store.read(async (tx) => {
    const task = await loadTask(tx, idInput);
    return { task_id: task.id, entry: await tx.context.syncPoint(task.id, checkpoint) };
  });
}

/** What `tm note` did. */
export interface NoteResult {
  task_id: string;
  path: string;
  created_at: string;
}

/** Append a private note (Markdown) for the calling agent. */
export async function addPrivateNote(
  ctx: AppContext,
  idInput: string,
  message: string,
): Promise<NoteResult> {
  validateMessage(message, "note");
  const task = await ctx.store.read((tx) => loadTask(tx, idInput));
  const at = nowIso(ctx);
  const path = await appendPrivateNote({
    dataDir: ctx.location.dataDir,
    agent: ctx.agent,
    taskId: task.id,
    at,
    message,
  });
  return { task_id: task.id, path, created_at: at };
}

/** The context of a task as one agent may see it. */
export interface TaskContextView {
  task_id: string;
  title: string;
  participants: Participant[];
  entries: ContextEntry[];
  /** The calling agent's own private notes (Markdown), or null. Never another agent's. */
  private_notes: string | null;
}

/** Read a task's shared context and the caller's own private notes. */
export async function readTaskContext(
  ctx: AppContext,
  idInput: string,
): Promise<TaskContextView> {
  const view = await ctx.store.read(async (tx) => {
    const task = await loadTask(tx, idInput);
    return {
      task_id: task.id,
      title: task.title,
      participants: await tx.participants.list(task.id),
      entries: await tx.context.list(task.id),
    };
  });
  const notes = await readPrivateNotes(ctx.location.dataDir, ctx.agent, view.task_id);
  return { ...view, private_notes: notes };
}
