/**
 * Use cases: export every task (`tm export`) and import a JSONL export (`tm import`). The
 * parsing and checking of an import is pure (core/task_record.ts); this writes it.
 *
 * @module
 */

import { notFoundError, TmError } from "../core/errors.ts";
import { findAnyCycle, formatCycle } from "../core/graph.ts";
import {
  type ImportPlan,
  parseImport,
  splitTaskRecord,
  type TaskRecord,
} from "../core/task_record.ts";
import { readPrivateNotes, restorePrivateNotes } from "../files/private_notes.ts";
import type { StoreTx } from "../store/store.ts";
import type { Task } from "../core/task.ts";
import type { TaskEvent } from "../core/event.ts";
import { type AppContext, DEFAULT_MAX_LEASE_MS, nowIso } from "./context.ts";
import { recordEvent } from "./_events.ts";
import { blockDependents, settleAgainstDependencies, unblockDependents } from "./_lifecycle.ts";
import { type FeatureUse, requireFeatures } from "./_features.ts";
import { readTrackingRecord, writeTrackingRecord } from "./_tracking_records.ts";

export type { TaskRecord };

/** Options for {@link exportTasks}. */
export interface ExportOptions {
  /** Add the exporting agent's own private notes (never another agent's). */
  includeNotes?: boolean;
}

/**
 * Every task as a record with its history, in creation order (deterministic); with
 * `includeNotes`, each task the exporting agent keeps private notes on carries them.
 */
export async function exportTasks(
  ctx: AppContext,
  options: ExportOptions = {},
): Promise<TaskRecord[]> {
  const records = await ctx.store.read(async (tx) => {
    const edges = new Map<string, string[]>();
    for (const edge of await tx.dependencies.all()) {
      const list = edges.get(edge.task_id) ?? [];
      list.push(edge.depends_on_id);
      edges.set(edge.task_id, list);
    }
    const records: TaskRecord[] = [];
    for (const task of await tx.tasks.all()) {
      const record = await taskRecord(tx, task, edges.get(task.id) ?? []);
      record.history = (await tx.events.forTask(task.id, Number.MAX_SAFE_INTEGER)).map((
        { id: _i, task_id: _t, ...event },
      ) => event);
      records.push(record);
    }
    return records;
  });
  if (options.includeNotes === true) {
    for (const record of records) {
      const text = await readPrivateNotes(ctx.location.dataDir, ctx.agent, record.id);
      if (text !== null) record.private_notes = { agent: ctx.agent, text };
    }
  }
  return records;
}

/** One task as an export record, `dependencies` being the ids it depends on. */
export async function taskRecord(
  tx: StoreTx,
  task: Task,
  dependencies: string[],
): Promise<TaskRecord> {
  return {
    ...task,
    dependencies,
    files: await tx.tasks.files(task.id),
    tags: await tx.tasks.tags(task.id),
    meta: await tx.tasks.meta(task.id),
    context: (await tx.context.list(task.id)).map(({ task_id: _t, request_id: _r, ...entry }) =>
      entry
    ),
    participants: await tx.participants.list(task.id),
    capabilities: await tx.agents.taskCapabilities(task.id),
    ...await readTrackingRecord(tx, task.id),
  };
}

/** What an import did. */
export interface ImportResult {
  imported: number;
  ids: string[];
  /** With `merge`: existing tasks replaced by a newer copy. */
  updated?: string[];
  /** With `merge`: existing tasks kept, because the file's copy was not newer. */
  skipped?: Array<{ id: string; reason: string }>;
  /** Tasks whose private notes (the importing agent's own) were restored. */
  notes: string[];
  /** Private notes not restored: another agent's, or the agent has other notes there. */
  notes_skipped: Array<{ id: string; reason: string }>;
}

/**
 * Import JSONL text as exported: one transaction, ids and dependencies preserved. Any bad
 * line refuses the whole file, naming the line number; nothing is written then.
 */
export async function importTasks(
  ctx: AppContext,
  text: string,
  options: { merge?: boolean } = {},
): Promise<ImportResult> {
  const now = nowIso(ctx);
  const plan = parseImport(text, ctx.agent, now);
  refuseLongLeases(ctx, plan, now);
  await requireFeatures(ctx, plan.records.flatMap(({ line, record }) => featureUses(line, record)));
  const result = options.merge === true
    ? await ctx.store.write((tx) => mergeRecords(tx, ctx, plan, now))
    : await ctx.store.write((tx) => addRecords(tx, ctx, plan, now));
  // Files after the commit, so a refused file leaves no notes behind. Every task in the file
  // exists now (a merge skips only tasks that exist), and notes do not age with updated_at.
  return { ...result, ...await restoreNotes(ctx, plan.records) };
}

/** A plain import: every record is new. */
async function addRecords(
  tx: StoreTx,
  ctx: AppContext,
  plan: ImportPlan,
  now: string,
): Promise<Omit<ImportResult, "notes" | "notes_skipped">> {
  await refuseConflicts(tx, plan);
  for (const { record } of plan.records) await insertRecord(tx, ctx, record, now);
  for (const { record } of plan.records) {
    for (const dep of record.dependencies) await tx.dependencies.add(record.id, dep, now);
    await restoreHistory(tx, record);
  }
  await settleBlocked(tx, plan);
  await recordEvent(tx, {
    taskId: null,
    type: "imported",
    agent: ctx.agent,
    now,
    data: { count: plan.records.length },
  });
  return { imported: plan.records.length, ids: plan.records.map(({ record }) => record.id) };
}

/**
 * Write a record's history as the task's events, in order, with their own times and agents.
 * They happened already: no hook sees them and nobody is notified. With `skipKnown`, events
 * the task has already (same type, agent, time and data) are not written twice.
 */
async function restoreHistory(tx: StoreTx, record: TaskRecord, skipKnown = false): Promise<void> {
  const key = (e: Pick<TaskEvent, "type" | "agent" | "created_at" | "data">) =>
    JSON.stringify([e.type, e.agent, e.created_at, e.data]);
  const known = skipKnown
    ? new Set((await tx.events.forTask(record.id, Number.MAX_SAFE_INTEGER)).map(key))
    : new Set<string>();
  for (const event of record.history ?? []) {
    if (known.has(key(event))) continue;
    await tx.events.restore({ ...event, task_id: record.id });
  }
}

/** Restore the importing agent's own notes carried by `records`; others are reported. */
async function restoreNotes(
  ctx: AppContext,
  records: ImportPlan["records"],
): Promise<Pick<ImportResult, "notes" | "notes_skipped">> {
  const notes: string[] = [];
  const skipped: ImportResult["notes_skipped"] = [];
  for (const { record } of records) {
    const carried = record.private_notes;
    if (carried === undefined) continue;
    if (carried.agent !== ctx.agent) {
      skipped.push({
        id: record.id,
        reason: `the private notes are ${carried.agent}'s, not ${ctx.agent}'s`,
      });
      continue;
    }
    const outcome = await restorePrivateNotes(
      ctx.location.dataDir,
      ctx.agent,
      record.id,
      carried.text,
    );
    if (outcome === "exists") {
      skipped.push({ id: record.id, reason: "your own notes on it are kept" });
    } else notes.push(record.id);
  }
  return { notes, notes_skipped: skipped };
}

/**
 * `import --merge`: new ids are added as a plain import adds them; an existing task whose
 * copy in the file is newer (`updated_at`) takes the file's fields, tags, files, metadata
 * and dependencies, and gains the shared-context entries and history events it lacks; an
 * existing task at least as new is kept and reported as skipped. A dependency cycle the new
 * edges would close refuses the whole file.
 */
async function mergeRecords(
  tx: StoreTx,
  ctx: AppContext,
  plan: ImportPlan,
  now: string,
): Promise<Omit<ImportResult, "notes" | "notes_skipped">> {
  const added: ImportPlan["records"] = [];
  const updated: string[] = [];
  const replaced: ImportPlan["records"] = [];
  const skipped: Array<{ id: string; reason: string }> = [];
  const wasCompleted = new Map<string, boolean>();
  for (const entry of plan.records) {
    const { record } = entry;
    const existing = await tx.tasks.get(record.id);
    if (existing === null) {
      added.push(entry);
      continue;
    }
    if (record.updated_at <= existing.updated_at) {
      skipped.push({ id: record.id, reason: "the existing task is as new or newer" });
      continue;
    }
    wasCompleted.set(record.id, existing.status === "completed");
    await replaceDetails(tx, record);
    updated.push(record.id);
    replaced.push(entry);
  }
  for (const { line, record } of [...added, ...replaced]) {
    for (const dep of record.dependencies) {
      if (!plan.lineOf.has(dep) && await tx.tasks.get(dep) === null) {
        throw notFoundError(`line ${line}: Invalid dependency ID "${dep}": no such task`);
      }
    }
  }
  for (const { record } of added) await insertRecord(tx, ctx, record, now);
  for (const { record } of added) {
    for (const dep of record.dependencies) await tx.dependencies.add(record.id, dep, now);
    await restoreHistory(tx, record);
  }
  for (const { record } of replaced) {
    await replaceDependencies(tx, record, now);
    await restoreHistory(tx, record, true);
  }
  await refuseCycle(tx, plan);
  await settleMerged(tx, ctx.agent, now, [...added, ...replaced], wasCompleted);
  await recordEvent(tx, {
    taskId: null,
    type: "imported",
    agent: ctx.agent,
    now,
    data: { count: added.length, updated: updated.length, skipped: skipped.length },
  });
  return {
    imported: added.length,
    ids: added.map(({ record }) => record.id),
    updated,
    skipped,
  };
}

/**
 * After a merge, the same automatic blocking and unblocking the commands do, with their
 * events and notifications: each written task is settled against its dependencies, and a
 * task the file completed (or re-opened) unblocks (or blocks again) its dependents.
 */
async function settleMerged(
  tx: StoreTx,
  agent: string,
  now: string,
  written: ImportPlan["records"],
  wasCompleted: ReadonlyMap<string, boolean>,
): Promise<void> {
  for (const { record } of written) {
    await settleAgainstDependencies(tx, record.id, agent, now, `${record.id} imported`);
  }
  for (const [id, was] of wasCompleted) {
    const completed = (await tx.tasks.get(id))?.status === "completed";
    if (completed && !was) {
      await unblockDependents(tx, id, agent, now, `${id} completed (imported)`);
    }
    if (!completed && was) await blockDependents(tx, id, agent, now, `${id} reopened (imported)`);
  }
}

/** Make an existing task depend on exactly what `record` names. */
async function replaceDependencies(tx: StoreTx, record: TaskRecord, now: string): Promise<void> {
  for (const dep of await tx.dependencies.dependencyIds(record.id)) {
    if (!record.dependencies.includes(dep)) await tx.dependencies.remove(record.id, dep);
  }
  for (const dep of record.dependencies) await tx.dependencies.add(record.id, dep, now);
}

/** Refuse (and so roll back) a merge whose dependencies close a cycle in the whole graph. */
async function refuseCycle(tx: StoreTx, plan: ImportPlan): Promise<void> {
  const edges = new Map<string, string[]>();
  for (const edge of await tx.dependencies.all()) {
    edges.set(edge.task_id, [...edges.get(edge.task_id) ?? [], edge.depends_on_id]);
  }
  const cycle = findAnyCycle(edges);
  if (cycle === null) return;
  const line = cycle.map((id) => plan.lineOf.get(id)).find((n) => n !== undefined);
  throw new TmError(
    "cycle",
    `${line === undefined ? "" : `line ${line}: `}dependency cycle: ${formatCycle(cycle)}`,
  );
}

/** Make an existing task match a newer record (fields, tags, files, metadata, context). */
async function replaceDetails(tx: StoreTx, record: TaskRecord): Promise<void> {
  const { task, details: { files, tags, meta, context, participants } } = splitTaskRecord(record);
  const { id, created_at: _c, created_by: _b, ...fields } = task;
  await tx.tasks.update(id, fields);
  for (const tag of await tx.tasks.tags(id)) {
    if (!tags.includes(tag)) await tx.tasks.removeTag(id, tag);
  }
  for (const tag of tags) await tx.tasks.addTag(id, tag);
  for (const file of await tx.tasks.files(id)) await tx.tasks.removeFile(id, file);
  for (const file of files) await tx.tasks.addFile(id, file);
  for (const [key, value] of Object.entries(meta)) await tx.tasks.setMeta(id, key, value);
  const known = new Set(
    (await tx.context.list(id)).map((e) => `${e.agent}\u0000${e.created_at}\u0000${e.text}`),
  );
  for (const entry of context) {
    if (known.has(`${entry.agent}\u0000${entry.created_at}\u0000${entry.text}`)) continue;
    await tx.context.append({ ...entry, task_id: id, request_id: null });
  }
  for (const p of participants) await tx.participants.add(id, p.agent, p.role, p.joined_at);
}

/** Refuse a lease that ends later than the maximum lease length from now (TM_MAX_LEASE). */
function refuseLongLeases(ctx: AppContext, plan: ImportPlan, now: string): void {
  const max = ctx.maxLeaseMs ?? DEFAULT_MAX_LEASE_MS;
  const latest = Date.parse(now) + max;
  for (const { line, record } of plan.records) {
    if (record.lease_expires_at !== null && Date.parse(record.lease_expires_at) > latest) {
      throw new TmError(
        "validation",
        `line ${line}: field "lease_expires_at": ${record.lease_expires_at} is beyond the maximum lease (${
          Math.round(max / 1000)
        }s from now)`,
        { hint: "drop the lease from the file, or raise TM_MAX_LEASE" },
      );
    }
  }
}

/** What in `record` a disabled feature would refuse, named by line and field. */
function featureUses(line: number, record: TaskRecord): FeatureUse[] {
  const field = (name: string) => `line ${line}: field "${name}"`;
  return [
    ["success-criteria", field("criteria"), record.criteria.length > 0],
    ["success-criteria", field("values"), record.values.length > 0],
    ["deadlines", field("deadline"), record.deadline !== null],
    ["time-tracking", field("estimated_hours"), record.estimated_hours !== null],
    ["time-tracking", field("actual_hours"), record.actual_hours !== null],
    ["completion-summaries", field("completion.summary"), record.completion?.summary != null],
    ["feedback", field("feedback"), record.feedback.length > 0],
  ];
}

/** Refuse ids that exist already and dependencies on tasks that exist nowhere. */
async function refuseConflicts(tx: StoreTx, plan: ImportPlan): Promise<void> {
  for (const { line, record } of plan.records) {
    if (await tx.tasks.get(record.id) !== null) {
      throw new TmError("validation", `line ${line}: task "${record.id}" already exists`, {
        hint: "import into an empty project, or delete the existing task first",
      });
    }
    for (const dep of record.dependencies) {
      if (!plan.lineOf.has(dep) && await tx.tasks.get(dep) === null) {
        throw notFoundError(`line ${line}: Invalid dependency ID "${dep}": no such task`);
      }
    }
  }
}

/** Insert one task with its files, tags, tracking records, capabilities and participants. */
export async function insertRecord(
  tx: StoreTx,
  ctx: AppContext,
  record: TaskRecord,
  now: string,
): Promise<void> {
  const { task, details } = splitTaskRecord(record);
  const { files, tags, meta, context, participants, capabilities } = details;
  const { criteria, values, progress, completion, feedback } = details;
  await tx.tasks.insert(task);
  for (const file of files) await tx.tasks.addFile(task.id, file);
  for (const tag of tags) await tx.tasks.addTag(task.id, tag);
  for (const [key, value] of Object.entries(meta)) await tx.tasks.setMeta(task.id, key, value);
  await writeTrackingRecord(tx, task.id, { criteria, values, progress, completion, feedback }, {
    agent: ctx.agent,
    now,
  });
  for (const capability of capabilities) {
    await tx.agents.addTaskCapability(task.id, capability);
  }
  // The record's own participants first, with their roles and times; the defaults below
  // only fill in the people it does not name.
  for (const p of participants) await tx.participants.add(task.id, p.agent, p.role, p.joined_at);
  for (const entry of context) {
    await tx.context.append({ ...entry, task_id: task.id, request_id: null });
  }
  await tx.participants.add(task.id, task.created_by, "creator", task.created_at);
  // Participants receive the task's notifications: keep the people the record names.
  if (task.assignee !== null) {
    await tx.participants.add(task.id, task.assignee, "assignee", now);
  }
  if (task.claimed_by !== null) {
    await tx.participants.add(task.id, task.claimed_by, "claimer", now);
  }
}

/**
 * Keep the blocked <-> pending invariant true whatever the file said. A plain import only
 * adds tasks, so no task that existed changes: the new ones are settled quietly, as their
 * imported history is written (no event, no notification).
 */
async function settleBlocked(tx: StoreTx, plan: ImportPlan): Promise<void> {
  for (const { record } of plan.records) {
    const open = await tx.dependencies.openCount(record.id);
    if (record.status === "pending" && open > 0) {
      await tx.tasks.update(record.id, { status: "blocked" });
    } else if (record.status === "blocked" && open === 0 && record.dependencies.length > 0) {
      await tx.tasks.update(record.id, { status: "pending" });
    }
  }
}
