/**
 * Use cases: export every task (`tm export`) and import a JSONL export (`tm import`).
 *
 * @module
 */

import { parseCapabilities } from "../core/capability.ts";
import { notFoundError, TmError, validationError } from "../core/errors.ts";
import { findAnyCycle, formatCycle } from "../core/graph.ts";
import {
  type FileRef,
  isTaskId,
  parseDeadline,
  parsePriority,
  parseStatus,
  type Task,
  validateAgentName,
  validateTitle,
} from "../core/task.ts";
import { type AppContext, nowIso } from "./context.ts";
import { recordEvent } from "./_events.ts";
import {
  parseTrackingRecord,
  readTrackingRecord,
  type TrackingRecord,
  writeTrackingRecord,
} from "./_tracking_records.ts";

/** One task with what hangs off it: the unit of export and import. */
export interface TaskRecord extends Task, TrackingRecord {
  /** Ids this task depends on. */
  dependencies: string[];
  files: FileRef[];
  tags: string[];
  /** Capabilities an agent needs to be offered the task. */
  capabilities: string[];
}

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

function field<T>(record: Record<string, unknown>, key: string, check: (v: unknown) => T): T {
  try {
    return check(record[key]);
  } catch (error) {
    if (error instanceof TmError) throw validationError(`field "${key}": ${error.message}`);
    throw error;
  }
}

const optionalString = (v: unknown): string | null => {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw validationError("expected a string");
  return v;
};
const requiredString = (v: unknown): string => {
  if (typeof v !== "string") throw validationError("expected a string");
  return v;
};
const optionalNumber = (v: unknown): number | null => {
  if (v === undefined || v === null) return null;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw validationError("expected a non-negative number");
  }
  return v;
};
const optionalTime = (v: unknown): string | null => {
  const text = optionalString(v);
  return text === null ? null : parseDeadline(text);
};
const stringList = (v: unknown): string[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
    throw validationError("expected an array of strings");
  }
  return v as string[];
};

/** Check one parsed JSONL line and turn it into a record. */
export function parseTaskRecord(value: unknown, fallbackAgent: string, now: string): TaskRecord {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw validationError("expected a JSON object");
  }
  const r = value as Record<string, unknown>;
  const id = field(r, "id", requiredString);
  if (!isTaskId(id)) throw validationError(`field "id": "${id}" is not an 8-hex task id`);
  const dependencies = field(r, "dependencies", stringList);
  for (const dep of dependencies) {
    if (!isTaskId(dep)) throw validationError(`field "dependencies": "${dep}" is not a task id`);
  }
  const files = field(r, "files", (v) => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw validationError("expected an array");
    return v.map((f): FileRef => {
      const ref = f as Record<string, unknown>;
      if (typeof ref?.path !== "string" || ref.path === "") {
        throw validationError("each file needs a path");
      }
      return {
        path: ref.path,
        line_start: optionalNumber(ref.line_start),
        line_end: optionalNumber(ref.line_end),
      };
    });
  });
  const createdBy = field(r, "created_by", optionalString) ?? fallbackAgent;
  const claimedBy = field(r, "claimed_by", optionalString);
  const assignee = field(r, "assignee", optionalString);
  for (
    const [key, agent] of [["created_by", createdBy], ["claimed_by", claimedBy], [
      "assignee",
      assignee,
    ]] as const
  ) {
    if (agent !== null) field({ [key]: agent }, key, (v) => validateAgentName(v as string));
  }
  return {
    id,
    title: field(r, "title", (v) => validateTitle(requiredString(v))),
    description: field(r, "description", optionalString),
    status: field(r, "status", (v) => v === undefined ? "pending" : parseStatus(requiredString(v))),
    priority: field(
      r,
      "priority",
      (v) => v === undefined ? "medium" : parsePriority(requiredString(v)),
    ),
    assignee,
    created_by: createdBy,
    created_at: field(r, "created_at", optionalTime) ?? now,
    updated_at: field(r, "updated_at", optionalTime) ?? now,
    started_at: field(r, "started_at", optionalTime),
    completed_at: field(r, "completed_at", optionalTime),
    deadline: field(r, "deadline", optionalTime),
    estimated_hours: field(r, "estimated_hours", optionalNumber),
    actual_hours: field(r, "actual_hours", optionalNumber),
    claimed_by: claimedBy,
    lease_expires_at: field(r, "lease_expires_at", optionalTime),
    dependencies,
    files,
    tags: field(r, "tags", stringList),
    capabilities: field(r, "capabilities", (v) => parseCapabilities(stringList(v))),
    ...parseTrackingRecord(r),
  };
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
export function importTasks(ctx: AppContext, text: string): Promise<ImportResult> {
  const now = nowIso(ctx);
  const records: Array<{ line: number; record: TaskRecord }> = [];
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw validationError(
        `line ${index + 1}: not valid JSON: ${(error as Error).message}`,
        "tm import reads JSON Lines, one task per line, as written by tm export --format jsonl",
      );
    }
    try {
      records.push({ line: index + 1, record: parseTaskRecord(value, ctx.agent, now) });
    } catch (error) {
      if (error instanceof TmError) {
        throw new TmError(error.code, `line ${index + 1}: ${error.message}`);
      }
      throw error;
    }
  }
  const lineOf = new Map<string, number>();
  for (const { line, record } of records) {
    const earlier = lineOf.get(record.id);
    if (earlier !== undefined) {
      throw validationError(
        `line ${line}: task id "${record.id}" already appears on line ${earlier}`,
      );
    }
    lineOf.set(record.id, line);
  }
  const cycle = findAnyCycle(
    new Map(records.map(({ record }) => [record.id, record.dependencies])),
  );
  if (cycle !== null) {
    throw new TmError(
      "cycle",
      `line ${lineOf.get(cycle[0]!)}: dependency cycle: ${formatCycle(cycle)}`,
    );
  }
  return ctx.store.write(async (tx) => {
    for (const { line, record } of records) {
      if (await tx.tasks.get(record.id) !== null) {
        throw new TmError("validation", `line ${line}: task "${record.id}" already exists`, {
          hint: "import into an empty project, or delete the existing task first",
        });
      }
      for (const dep of record.dependencies) {
        if (!lineOf.has(dep) && await tx.tasks.get(dep) === null) {
          throw notFoundError(`line ${line}: invalid dependency ID "${dep}": no such task`);
        }
      }
    }
    for (const { record } of records) {
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
    for (const { record } of records) {
      for (const dep of record.dependencies) await tx.dependencies.add(record.id, dep, now);
    }
    // Keep the blocked <-> pending invariant true whatever the file said.
    for (const { record } of records) {
      const open = await tx.dependencies.openCount(record.id);
      if (record.status === "pending" && open > 0) {
        await tx.tasks.update(record.id, { status: "blocked" });
      } else if (record.status === "blocked" && open === 0 && record.dependencies.length > 0) {
        await tx.tasks.update(record.id, { status: "pending" });
      }
    }
    await recordEvent(tx, {
      taskId: null,
      type: "imported",
      agent: ctx.agent,
      now,
      data: { count: records.length },
    });
    return { imported: records.length, ids: records.map(({ record }) => record.id) };
  });
}
