/**
 * Use cases: export every task (`tm export`) and import a JSONL export (`tm import`). The
 * parsing and checking of an import is pure (core/task_record.ts); this writes it.
 *
 * @module
 */

import { notFoundError, TmError } from "../core/errors.ts";
import { type ImportPlan, parseImport, type TaskRecord } from "../core/task_record.ts";
import type { StoreTx } from "../store/store.ts";
import { type AppContext, DEFAULT_MAX_LEASE_MS, nowIso } from "./context.ts";
import { recordEvent } from "./_events.ts";
import { type FeatureUse, requireFeatures } from "./_features.ts";
import { readTrackingRecord, writeTrackingRecord } from "./_tracking_records.ts";

export type { TaskRecord };

/** Every task as a record, in creation order (deterministic). */
export function exportTasks(ctx: AppContext): Promise<TaskRecord[]> {
  return ctx.store.read(async (tx) => {
    const edges = new Map<string, string[]>();
    for (const edge of await tx.dependencies.all()) {
      const list = edges.get(edge.task_id) ?? [];
      list.push(edge.depends_on_id);
      edges.set(edge.task_id, list);
    }
    const records: TaskRecord[] = [];
    for (const task of await tx.tasks.all()) {
      records.push({
        ...task,
        dependencies: edges.get(task.id) ?? [],
        files: await tx.tasks.files(task.id),
        tags: await tx.tasks.tags(task.id),
        capabilities: await tx.agents.taskCapabilities(task.id),
        ...await readTrackingRecord(tx, task.id),
      });
    }
    return records;
  });
}

/** What an import did. */
export interface ImportResult {
  imported: number;
  ids: string[];
}

/**
 * Import JSONL text as exported: one transaction, ids and dependencies preserved. Any bad
 * line refuses the whole file, naming the line number; nothing is written then.
 */
export async function importTasks(ctx: AppContext, text: string): Promise<ImportResult> {
  const now = nowIso(ctx);
  const plan = parseImport(text, ctx.agent, now);
  refuseLongLeases(ctx, plan, now);
  await requireFeatures(ctx, plan.records.flatMap(({ line, record }) => featureUses(line, record)));
  return ctx.store.write(async (tx) => {
    await refuseConflicts(tx, plan);
    for (const { record } of plan.records) await insertRecord(tx, ctx, record, now);
    for (const { record } of plan.records) {
      for (const dep of record.dependencies) await tx.dependencies.add(record.id, dep, now);
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
  });
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
        throw notFoundError(`line ${line}: invalid dependency ID "${dep}": no such task`);
      }
    }
  }
}

/** Insert one task with its files, tags, tracking records, capabilities and participants. */
async function insertRecord(
  tx: StoreTx,
  ctx: AppContext,
  record: TaskRecord,
  now: string,
): Promise<void> {
  const {
    dependencies: _d,
    files,
    tags,
    capabilities,
    criteria,
    values,
    progress,
    completion,
    feedback,
    ...task
  } = record;
  await tx.tasks.insert(task);
  for (const file of files) await tx.tasks.addFile(task.id, file);
  for (const tag of tags) await tx.tasks.addTag(task.id, tag);
  await writeTrackingRecord(tx, task.id, { criteria, values, progress, completion, feedback }, {
    agent: ctx.agent,
    now,
  });
  for (const capability of capabilities) {
    await tx.agents.addTaskCapability(task.id, capability);
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

/** Keep the blocked <-> pending invariant true whatever the file said. */
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
