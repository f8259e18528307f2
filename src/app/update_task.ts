/**
 * Use cases: change a task's fields (`tm update`) and its assignee (`tm assign`).
 *
 * @module
 */

import { parseWhen } from "../core/dates.ts";
import { TmError, usageError } from "../core/errors.ts";
import {
  checkManualTransition,
  type FileRef,
  formatFileRef,
  parseHours,
  parsePriority,
  parseStatus,
  type Priority,
  type Status,
  type Task,
  validateAgentName,
  validateTitle,
} from "../core/task.ts";
import type { AppContext } from "./context.ts";
import { requireFeatures } from "./_features.ts";
import { completeInTx } from "./complete_task.ts";
import { type WritePolicy, writeTask } from "./_task_write.ts";
import type { StoreTx, TaskPatch } from "../store/store.ts";

const UPDATE: WritePolicy = { action: "update", lease: "holder-or-free", renew: true };
const ASSIGN: WritePolicy = { action: "assign", lease: "holder-or-free", renew: true };

/** Fields `tm update` may change. Absent fields are left alone; `null` clears. */
export interface TaskChanges {
  status?: Status;
  priority?: Priority;
  assignee?: string | null;
  title?: string;
  description?: string | null;
  deadline?: string | null;
  estimatedHours?: number | null;
  /** Tags to add and to remove. */
  addTags?: readonly string[];
  removeTags?: readonly string[];
  /** File references to add, and to remove (a path alone removes every reference to it). */
  addFiles?: readonly FileRef[];
  removeFiles?: readonly FileRef[];
  /** Metadata to set (`--meta KEY:VALUE`). */
  meta?: ReadonlyArray<{ key: string; value: string }>;
}

/** The changes as text (command-line flags, JSON fields), before they are checked. */
export interface TaskChangeText {
  status?: string | undefined;
  priority?: string | undefined;
  /** `""` or `none` clears the assignee. */
  assignee?: string | undefined;
  title?: string | undefined;
  description?: string | undefined;
  /** `""` clears the deadline. */
  deadline?: string | undefined;
  estimatedHours?: string | undefined;
}

/**
 * Check the text form of changes; `hoursName` is how errors name the estimate. A deadline
 * may be natural or relative (`tomorrow`, `+3d`), read at `now`.
 */
export function parseTaskChanges(
  text: TaskChangeText,
  hoursName: string,
  now: Date = new Date(),
): TaskChanges {
  const { status, priority, assignee, title, description, deadline, estimatedHours } = text;
  return {
    ...(status === undefined ? {} : { status: parseStatus(status) }),
    ...(priority === undefined ? {} : { priority: parsePriority(priority) }),
    ...(assignee === undefined ? {} : {
      // "none" is what show prints for no assignee; accept it back as "clear".
      assignee: assignee === "" || assignee.toLowerCase() === "none"
        ? null
        : validateAgentName(assignee, "assignee"),
    }),
    ...(title === undefined ? {} : { title: validateTitle(title) }),
    ...(description === undefined ? {} : { description }),
    ...(deadline === undefined
      ? {}
      : { deadline: deadline === "" ? null : parseWhen(deadline, now) }),
    ...(estimatedHours === undefined
      ? {}
      : { estimatedHours: parseHours(estimatedHours, hoursName) }),
  };
}

/** What an update did. */
export interface UpdateResult {
  task: Task;
  /** The fields whose value changed. */
  changed: string[];
  unblocked: string[];
}

/** Preconditions of an update, checked in its transaction. */
export interface UpdateOptions {
  /**
   * The title and description the writer started from (`tm edit`): if either differs now,
   * someone else changed it meanwhile and the update is refused (conflict, exit 6) rather
   * than overwriting their change.
   */
  unchangedSince?: { title: string; description: string | null };
}

/** Apply `changes` to a task; status changes follow the transition rules. */
export async function updateTask(
  ctx: AppContext,
  idInput: string,
  changes: TaskChanges,
  options: UpdateOptions = {},
): Promise<UpdateResult> {
  const given = (value: unknown) =>
    value !== undefined && !(Array.isArray(value) && value.length === 0);
  if (!Object.values(changes).some(given)) {
    throw usageError(
      "nothing to update",
      "give at least one of --status, --priority, --assignee, --title, -d",
    );
  }
  await requireFeatures(ctx, [
    ["deadlines", "--deadline", changes.deadline !== undefined],
    ["time-tracking", "--estimated-hours", changes.estimatedHours !== undefined],
  ]);
  return writeTask(ctx, idInput, UPDATE, async ({ tx, task, now, record }) => {
    if (options.unchangedSince !== undefined) refuseChangedSince(task, options.unchangedSince);
    const patch: TaskPatch = {};
    if (changes.title !== undefined) patch.title = changes.title;
    if (changes.description !== undefined) patch.description = changes.description;
    if (changes.priority !== undefined) patch.priority = changes.priority;
    if (changes.assignee !== undefined) patch.assignee = changes.assignee;
    if (changes.deadline !== undefined) patch.deadline = changes.deadline;
    if (changes.estimatedHours !== undefined) patch.estimated_hours = changes.estimatedHours;
    const to = changes.status;
    let unblocked: string[] = [];
    if (to !== undefined && to !== task.status && to !== "completed") {
      checkManualTransition(task.status, to, await tx.dependencies.openCount(task.id));
      patch.status = to;
      if (to === "in_progress") patch.started_at = task.started_at ?? now;
      if (to !== "in_progress") {
        patch.claimed_by = null;
        patch.lease_expires_at = null;
      }
    }
    const changed = Object.keys(patch).filter((key) =>
      (patch as Record<string, unknown>)[key] !== (task as unknown as Record<string, unknown>)[key]
    );
    const lists = await changeLists(tx, task.id, changes);
    if (changed.length > 0 || Object.keys(lists).length > 0) {
      await tx.tasks.update(task.id, { ...patch, updated_at: now });
      if (patch.assignee) await tx.participants.add(task.id, patch.assignee, "assignee", now);
      await record("updated", {
        ...Object.fromEntries(changed.map((key) => [key, (patch as Record<string, unknown>)[key]])),
        ...lists,
      });
      changed.push(...Object.keys(lists));
    }
    let updated: Task = { ...task, ...patch, ...(changed.length > 0 ? { updated_at: now } : {}) };
    if (to === "completed") {
      checkManualTransition(task.status, to, await tx.dependencies.openCount(task.id));
      const result = await completeInTx(tx, ctx, updated, {});
      updated = result.task;
      unblocked = result.unblocked;
      if (!changed.includes("status")) changed.push("status");
    }
    return { task: updated, changed, unblocked };
  });
}

/** Refuse (exit 6) when `task`'s title or description is no longer what the writer started from. */
function refuseChangedSince(
  task: Task,
  base: { title: string; description: string | null },
): void {
  const changed = [
    ...(task.title === base.title ? [] : ["title"]),
    ...(task.description === base.description ? [] : ["description"]),
  ];
  if (changed.length === 0) return;
  throw new TmError(
    "conflict",
    `cannot save task "${task.id}": its ${changed.join(" and ")} changed while you edited it`,
    { details: { changed } },
  );
}

/**
 * Apply the tag, file and metadata changes; what actually changed, by field (`tags`,
 * `files`, `meta`), for the event and the `changed` list.
 */
async function changeLists(
  tx: StoreTx,
  id: string,
  changes: TaskChanges,
): Promise<Record<string, unknown>> {
  const done: Record<string, unknown> = {};
  const before = await tx.tasks.tags(id);
  const added = (changes.addTags ?? []).filter((tag) => !before.includes(tag));
  for (const tag of added) await tx.tasks.addTag(id, tag);
  const removed: string[] = [];
  for (const tag of changes.removeTags ?? []) {
    if (await tx.tasks.removeTag(id, tag)) removed.push(tag);
  }
  if (added.length > 0 || removed.length > 0) done.tags = { added, removed };
  let files = 0;
  for (const ref of changes.removeFiles ?? []) files += await tx.tasks.removeFile(id, ref);
  for (const ref of changes.addFiles ?? []) await tx.tasks.addFile(id, ref);
  if (files > 0 || (changes.addFiles?.length ?? 0) > 0) {
    done.files = (await tx.tasks.files(id)).map(formatFileRef);
  }
  const meta = await tx.tasks.meta(id);
  const set = (changes.meta ?? []).filter(({ key, value }) => meta[key] !== value);
  for (const { key, value } of set) await tx.tasks.setMeta(id, key, value);
  if (set.length > 0) done.meta = Object.fromEntries(set.map(({ key, value }) => [key, value]));
  return done;
}

/** Set the assignee of a task and tell the new assignee. */
export function assignTask(ctx: AppContext, idInput: string, agent: string): Promise<Task> {
  return writeTask(ctx, idInput, ASSIGN, async ({ tx, task, now, record }) => {
    if (task.assignee === agent) return task;
    await tx.tasks.update(task.id, { assignee: agent, updated_at: now });
    await tx.participants.add(task.id, agent, "assignee", now);
    await record(
      "assigned",
      { assignee: agent, previous: task.assignee },
      agent === ctx.agent ? undefined : {
        recipients: [agent],
        message: `Task ${task.id} "${task.title}" was assigned to you by ${ctx.agent}`,
      },
    );
    return { ...task, assignee: agent, updated_at: now };
  });
}
