/**
 * The unit of export and import: one task with what hangs off it, and the pure half of
 * `tm import` — parsing and checking a JSONL export line by line, before anything is
 * written. Pure: no I/O.
 *
 * @module
 */

import { parseCapabilities } from "./capability.ts";
import type { ContextEntry, ContextEntryType, Participant } from "./collaboration.ts";
import { TmError, validationError } from "./errors.ts";
import { EVENT_TYPES, type EventType, type TaskEvent } from "./event.ts";
import { findAnyCycle, formatCycle } from "./graph.ts";
import {
  type FileRef,
  isTaskId,
  parseDeadline,
  parseMeta,
  parsePriority,
  parseStatus,
  type Task,
  validateAgentName,
  validateTitle,
} from "./task.ts";
import type {
  Completion,
  CriterionCheck,
  Feedback,
  MeasuredValue,
  ProgressEntry,
} from "./tracking.ts";

/** A shared-context entry as exported (its task and idempotency key left out). */
export type ExportedEntry = Omit<ContextEntry, "task_id" | "request_id">;

/** A criterion as exported: its text and its recorded check. */
export type CriterionRecord = Omit<CriterionCheck, "position">;

/** A task's event as exported: its id is the source's own sequence, so left out. */
export type HistoryEvent = Omit<TaskEvent, "id" | "task_id">;

/** The exporting agent's private notes on a task (`export --include-notes`). */
export interface NotesRecord {
  agent: string;
  text: string;
}

/** The core-loop part of an exported task. */
export interface TrackingRecord {
  criteria: CriterionRecord[];
  values: MeasuredValue[];
  progress: Array<Omit<ProgressEntry, "id" | "task_id">>;
  completion: Omit<Completion, "task_id"> | null;
  feedback: Array<Omit<Feedback, "task_id">>;
}

/** One task with what hangs off it: the unit of export and import. */
export interface TaskRecord extends Task, TrackingRecord {
  /** Ids this task depends on. */
  dependencies: string[];
  files: FileRef[];
  tags: string[];
  /** Metadata (`tm add --meta KEY:VALUE`), by key; absent in exports older than it. */
  meta: Record<string, string>;
  /** The shared context (retracted entries left out), in order. */
  context: ExportedEntry[];
  /** Who takes part, with their role and since when. */
  participants: Participant[];
  /** Capabilities an agent needs to be offered the task. */
  capabilities: string[];
  /** The task's events, oldest first (export only; absent in tombstones and older exports). */
  history?: HistoryEvent[];
  /** With `export --include-notes`: the exporting agent's own private notes. */
  private_notes?: NotesRecord;
}

/** What a {@link TaskRecord} carries besides the task row itself. */
export type RecordDetails = Omit<TaskRecord, keyof Task>;

/** The keys of a {@link TaskRecord} that are not columns of the task row. */
const DETAIL_KEYS = [
  "dependencies",
  "files",
  "tags",
  "meta",
  "context",
  "participants",
  "capabilities",
  "criteria",
  "values",
  "progress",
  "completion",
  "feedback",
  "history",
  "private_notes",
] as const satisfies ReadonlyArray<keyof RecordDetails>;

// Every detail key is listed: a key added to TaskRecord but not above fails to compile here.
const _allDetailKeysListed: Exclude<keyof RecordDetails, (typeof DETAIL_KEYS)[number]> extends never
  ? true
  : never = true;

/** Split a record into the task row and the rest, so writers never list the extras twice. */
export function splitTaskRecord(record: TaskRecord): { task: Task; details: RecordDetails } {
  const task: Record<string, unknown> = { ...record };
  const details: Record<string, unknown> = {};
  for (const key of DETAIL_KEYS) {
    // The optional ones (history, private_notes) are left out when absent, not set undefined.
    if (record[key] !== undefined) details[key] = record[key];
    delete task[key];
  }
  return { task: task as unknown as Task, details: details as unknown as RecordDetails };
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
  if (text === null) return null;
  try {
    return parseDeadline(text);
  } catch (error) {
    // The same date rules as a deadline, but the field is not always one (created_at...).
    if (error instanceof TmError) {
      throw validationError(error.message.replace(/^invalid deadline/, "invalid time"));
    }
    throw error;
  }
};
const stringList = (v: unknown): string[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
    throw validationError("expected an array of strings");
  }
  return v as string[];
};

const metaMap = (v: unknown): Record<string, string> => {
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) throw validationError("expected an object");
  const meta: Record<string, string> = {};
  for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
    if (typeof value !== "string") throw validationError(`"${key}": expected a string`);
    const parsed = parseMeta(`${key}:${value}`);
    meta[parsed.key] = parsed.value;
  }
  return meta;
};

const ENTRY_TYPES: readonly ContextEntryType[] = ["share", "discovery", "sync", "document"];

const contextList = (v: unknown): ExportedEntry[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw validationError("expected an array");
  return v.map((item, index) => {
    const e = (typeof item === "object" && item !== null ? item : {}) as Record<string, unknown>;
    const at = `entry ${index + 1}`;
    if (!ENTRY_TYPES.includes(e.type as ContextEntryType)) {
      throw validationError(`${at}: type must be one of ${ENTRY_TYPES.join(", ")}`);
    }
    if (typeof e.text !== "string" || typeof e.agent !== "string") {
      throw validationError(`${at}: expected "agent" and "text" strings`);
    }
    return {
      seq: typeof e.seq === "number" ? e.seq : index + 1,
      agent: validateAgentName(e.agent),
      created_at: optionalTime(e.created_at) ?? new Date(0).toISOString(),
      type: e.type as ContextEntryType,
      text: e.text,
      name: optionalString(e.name),
    };
  });
};

const participantList = (v: unknown): Participant[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw validationError("expected an array");
  return v.map((item, index) => {
    const p = (typeof item === "object" && item !== null ? item : {}) as Record<string, unknown>;
    if (typeof p.agent !== "string" || typeof p.role !== "string") {
      throw validationError(`participant ${index + 1}: expected "agent" and "role" strings`);
    }
    return {
      agent: validateAgentName(p.agent),
      role: p.role,
      joined_at: optionalTime(p.joined_at) ?? new Date(0).toISOString(),
    };
  });
};

const historyList = (v: unknown): HistoryEvent[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw validationError("expected an array");
  return v.map((item, index) => {
    const e = (typeof item === "object" && item !== null ? item : {}) as Record<string, unknown>;
    const at = `event ${index + 1}`;
    if (!EVENT_TYPES.includes(e.type as EventType)) {
      throw validationError(`${at}: unknown event type "${String(e.type)}"`);
    }
    if (typeof e.agent !== "string" || typeof e.created_at !== "string") {
      throw validationError(`${at}: expected "agent" and "created_at" strings`);
    }
    const data = e.data ?? null;
    if (data !== null && (typeof data !== "object" || Array.isArray(data))) {
      throw validationError(`${at}: "data" must be an object or null`);
    }
    return {
      type: e.type as EventType,
      agent: validateAgentName(e.agent),
      created_at: parseDeadline(e.created_at),
      data: data as Record<string, unknown> | null,
    };
  });
};

const notesRecord = (v: unknown): NotesRecord | undefined => {
  if (v === undefined || v === null) return undefined;
  const n = (typeof v === "object" && !Array.isArray(v) ? v : {}) as Record<string, unknown>;
  if (typeof n.agent !== "string" || typeof n.text !== "string") {
    throw validationError(`expected "agent" and "text" strings`);
  }
  return { agent: validateAgentName(n.agent), text: n.text };
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
    meta: field(r, "meta", metaMap),
    context: field(r, "context", contextList),
    participants: field(r, "participants", participantList),
    capabilities: field(r, "capabilities", (v) => parseCapabilities(stringList(v))),
    ...parseTrackingRecord(r),
    history: field(r, "history", historyList),
    ...optionalNotes(field(r, "private_notes", notesRecord)),
  };
}

// Only a record that carried notes has the key, so a re-export is byte for byte the same.
function optionalNotes(notes: NotesRecord | undefined): { private_notes?: NotesRecord } {
  return notes === undefined ? {} : { private_notes: notes };
}

/** A checked import: its records with their line numbers, in file order. */
export interface ImportPlan {
  records: Array<{ line: number; record: TaskRecord }>;
  /** The line of each imported id. */
  lineOf: Map<string, number>;
}

/**
 * Parse and check JSONL text as exported: every line a valid record, no id twice, no
 * dependency cycle among the records. Any bad line refuses the whole file, naming it.
 */
export function parseImport(text: string, fallbackAgent: string, now: string): ImportPlan {
  const document = exportDocument(text);
  const records = document === null
    ? parseLines(text, fallbackAgent, now)
    : document.map((value, index) => parseNumbered(value, index + 1, "task", fallbackAgent, now));
  const lineOf = lineOfIds(records);
  refuseCycles(records, lineOf);
  return { records, lineOf };
}

/**
 * The tasks of tm's own `export --format json` document (`{"tasks": [...]}`, or a bare array),
 * or null when `text` is JSON Lines.
 */
function exportDocument(text: string): unknown[] | null {
  const start = text.trimStart()[0];
  if (start !== "{" && start !== "[") return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null; // JSON Lines (or broken JSON, which the line reader reports by line)
  }
  if (Array.isArray(value)) return value;
  const tasks = (value as Record<string, unknown>)?.tasks;
  return typeof value === "object" && value !== null && !("id" in value) && Array.isArray(tasks)
    ? tasks
    : null;
}

/** One record, its errors prefixed with where it was (`line 3`, `task 3`). */
function parseNumbered(
  value: unknown,
  number: number,
  unit: "line" | "task",
  fallbackAgent: string,
  now: string,
): ImportPlan["records"][number] {
  try {
    return { line: number, record: parseTaskRecord(value, fallbackAgent, now) };
  } catch (error) {
    if (error instanceof TmError) {
      throw new TmError(error.code, `${unit} ${number}: ${error.message}`);
    }
    throw error;
  }
}

/** Each non-blank line as a record, or the first bad line's error. */
function parseLines(
  text: string,
  fallbackAgent: string,
  now: string,
): ImportPlan["records"] {
  const records: ImportPlan["records"] = [];
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
    records.push(parseNumbered(value, index + 1, "line", fallbackAgent, now));
  }
  return records;
}

/** The line of each id; an id on two lines is refused. */
function lineOfIds(records: ImportPlan["records"]): Map<string, number> {
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
  return lineOf;
}

/** Refuse a dependency cycle among the records (exit 5), naming the line of its first task. */
function refuseCycles(records: ImportPlan["records"], lineOf: Map<string, number>): void {
  const cycle = findAnyCycle(
    new Map(records.map(({ record }) => [record.id, record.dependencies])),
  );
  if (cycle !== null) {
    throw new TmError(
      "cycle",
      `line ${lineOf.get(cycle[0]!)}: dependency cycle: ${formatCycle(cycle)}`,
    );
  }
}
