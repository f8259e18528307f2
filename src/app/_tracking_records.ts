/**
 * The core loop's per-task records in an export: criteria with their checks, measured values,
 * progress, the completion summary and feedback. Read, checked and written back here so that
 * `tm export --format jsonl | tm import -` loses nothing.
 *
 * @module
 */

import { validationError } from "../core/errors.ts";
import { parseDeadline, validateAgentName } from "../core/task.ts";
import type {
  Completion,
  CriterionCheck,
  Feedback,
  MeasuredValue,
  ProgressEntry,
} from "../core/tracking.ts";
import type { StoreTx } from "../store/store.ts";

/** A criterion as exported: its text and its recorded check. */
export type CriterionRecord = Omit<CriterionCheck, "position">;

/** The core-loop part of an exported task. */
export interface TrackingRecord {
  criteria: CriterionRecord[];
  values: MeasuredValue[];
  progress: Array<Omit<ProgressEntry, "id" | "task_id">>;
  completion: Omit<Completion, "task_id"> | null;
  feedback: Array<Omit<Feedback, "task_id">>;
}

/** Read the core-loop records of one task, in a stable order. */
export async function readTrackingRecord(tx: StoreTx, taskId: string): Promise<TrackingRecord> {
  const completion = await tx.tracking.completion(taskId);
  return {
    criteria: (await tx.tracking.criteria(taskId)).map(({ position: _p, ...check }) => check),
    values: await tx.tracking.values(taskId),
    progress: (await tx.tracking.progress(taskId, -1)).map(({ id: _i, task_id: _t, ...p }) => p),
    completion: completion === null ? null : (({ task_id: _t, ...c }) => c)(completion),
    feedback: (await tx.tracking.feedback(taskId)).map(({ task_id: _t, ...f }) => f),
  };
}

function list(value: unknown, what: string): Array<Record<string, unknown>> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "object" || v === null)) {
    throw validationError(`field "${what}": expected an array of objects`);
  }
  return value as Array<Record<string, unknown>>;
}

function text(value: unknown, what: string, optional: true): string | null;
function text(value: unknown, what: string, optional?: false): string;
function text(value: unknown, what: string, optional = false): string | null {
  if ((value === undefined || value === null) && optional) return null;
  if (typeof value !== "string") throw validationError(`field "${what}": expected a string`);
  return value;
}

function time(value: unknown, what: string): string {
  return parseDeadline(text(value, what));
}

function agent(value: unknown, what: string): string {
  return validateAgentName(text(value, what), what);
}

function score(value: unknown, what: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 5) {
    throw validationError(`field "${what}": expected a whole number from 1 to 5`);
  }
  return value;
}

/** Check the core-loop fields of one parsed JSONL record (absent fields are empty). */
export function parseTrackingRecord(r: Record<string, unknown>): TrackingRecord {
  const criteria = list(r.criteria, "criteria").map((c): CriterionRecord => {
    const status = c.status ?? "unverified";
    if (status !== "unverified" && status !== "passed" && status !== "failed") {
      throw validationError(`field "criteria": invalid status "${String(status)}"`);
    }
    if (typeof c.criterion !== "string" || c.criterion.trim() === "") {
      throw validationError(`field "criteria": each criterion needs text`);
    }
    return {
      criterion: c.criterion,
      measurable: text(c.measurable, "criteria.measurable", true),
      status,
      note: text(c.note, "criteria.note", true),
      checked_by: c.checked_by == null ? null : agent(c.checked_by, "criteria.checked_by"),
      checked_at: c.checked_at == null ? null : time(c.checked_at, "criteria.checked_at"),
    };
  });
  const values = list(r.values, "values").map((v): MeasuredValue => {
    if (!["number", "string", "boolean"].includes(typeof v.value)) {
      throw validationError(`field "values": a value must be a number, string or boolean`);
    }
    return {
      name: text(v.name, "values.name"),
      value: v.value as MeasuredValue["value"],
      set_by: agent(v.set_by, "values.set_by"),
      set_at: time(v.set_at, "values.set_at"),
    };
  });
  const progress = list(r.progress, "progress").map((p) => {
    const percent = p.percent ?? null;
    if (percent !== null && (typeof percent !== "number" || percent < 0 || percent > 100)) {
      throw validationError(`field "progress": percent must be 0-100`);
    }
    return {
      agent: agent(p.agent, "progress.agent"),
      message: text(p.message, "progress.message"),
      percent: percent as number | null,
      created_at: time(p.created_at, "progress.created_at"),
    };
  });
  let completion: TrackingRecord["completion"] = null;
  if (r.completion !== undefined && r.completion !== null) {
    const [c] = list([r.completion], "completion");
    const unverified = c!.unverified ?? [];
    if (!Array.isArray(unverified) || unverified.some((n) => !Number.isInteger(n))) {
      throw validationError(`field "completion.unverified": expected criterion numbers`);
    }
    completion = {
      agent: agent(c!.agent, "completion.agent"),
      summary: text(c!.summary, "completion.summary", true),
      validated: c!.validated === true,
      unverified: unverified as number[],
      completed_at: time(c!.completed_at, "completion.completed_at"),
    };
  }
  const feedback = list(r.feedback, "feedback").map((f) => ({
    agent: agent(f.agent, "feedback.agent"),
    quality: score(f.quality, "feedback.quality"),
    timeliness: score(f.timeliness, "feedback.timeliness"),
    note: text(f.note, "feedback.note", true),
    created_at: time(f.created_at, "feedback.created_at"),
  }));
  return { criteria, values, progress, completion, feedback };
}

/** Write the core-loop records of a just-inserted task (inside the import's transaction). */
export async function writeTrackingRecord(
  tx: StoreTx,
  taskId: string,
  record: TrackingRecord,
  fallback: { agent: string; now: string },
): Promise<void> {
  for (const [index, c] of record.criteria.entries()) {
    await tx.tasks.addCriterion(taskId, { criterion: c.criterion, measurable: c.measurable });
    if (c.status !== "unverified") {
      await tx.tracking.checkCriterion(taskId, index + 1, {
        status: c.status,
        note: c.note,
        agent: c.checked_by ?? fallback.agent,
        now: c.checked_at ?? fallback.now,
      });
    }
  }
  for (const value of record.values) await tx.tracking.setValue(taskId, value);
  for (const p of record.progress) await tx.tracking.addProgress({ task_id: taskId, ...p });
  if (record.completion !== null) {
    await tx.tracking.recordCompletion({ task_id: taskId, ...record.completion });
  }
  for (const f of record.feedback) await tx.tracking.setFeedback({ task_id: taskId, ...f });
}
