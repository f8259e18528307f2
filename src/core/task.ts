/**
 * The task model: statuses, priorities, ids and the validation of user-supplied values.
 * Pure: no I/O.
 *
 * @module
 */

import { TmError, validationError } from "./errors.ts";

/** Every task status. `blocked` is set and cleared automatically from dependencies. */
export const STATUSES = ["pending", "in_progress", "blocked", "completed", "cancelled"] as const;
/** A task status. */
export type Status = typeof STATUSES[number];

/** Every priority, lowest first. */
export const PRIORITIES = ["low", "medium", "high", "critical"] as const;
/** A task priority. */
export type Priority = typeof PRIORITIES[number];

/** Orders of `tm list --sort`. */
export const TASK_SORTS = ["priority", "created", "updated", "deadline", "urgency"] as const;
/** One order of `tm list --sort`. */
export type TaskSort = typeof TASK_SORTS[number];

/** Longest title accepted, in characters after trimming. */
export const MAX_TITLE_LENGTH = 500;

/** A file reference attached to a task (`--file path:line[:end]`). */
export interface FileRef {
  path: string;
  line_start: number | null;
  line_end: number | null;
}

/** A success criterion as given with `--criteria`. */
export interface CriterionInput {
  criterion: string;
  measurable: string | null;
}

/** A stored success criterion. */
export interface Criterion extends CriterionInput {
  position: number;
}

/** A neighbour in the dependency graph, with enough to display it. */
export interface TaskRef {
  id: string;
  title: string;
  status: Status;
}

/** A dependency edge: `task_id` depends on `depends_on_id`. */
export interface DependencyEdge {
  task_id: string;
  depends_on_id: string;
}

/** A task as stored. Field names are the `--json` field names. */
export interface Task {
  id: string;
  title: string;
  description: string | null;
  status: Status;
  priority: Priority;
  assignee: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  completed_at: string | null;
  deadline: string | null;
  estimated_hours: number | null;
  actual_hours: number | null;
  /** The agent holding the claim, while the task is claimed. */
  claimed_by: string | null;
  /** When the current claim's lease ends (ISO 8601, UTC). */
  lease_expires_at: string | null;
}

/** What a new task needs; everything else starts empty. */
export type NewTaskRow = Pick<Task, "id" | "title" | "created_by" | "created_at"> & Partial<Task>;

/** A task row with every optional field empty: pending, medium priority, unclaimed. */
export function newTaskRow(fields: NewTaskRow): Task {
  return {
    description: null,
    status: "pending",
    priority: "medium",
    assignee: null,
    updated_at: fields.created_at,
    started_at: null,
    completed_at: null,
    deadline: null,
    estimated_hours: null,
    actual_hours: null,
    claimed_by: null,
    lease_expires_at: null,
    ...fields,
  };
}

/** Whether a task counts as finished for its dependents. */
export function satisfiesDependents(status: Status): boolean {
  return status === "completed";
}

/** Whether a status is final (no further work happens on the task). */
export function isClosed(status: Status): boolean {
  return status === "completed" || status === "cancelled";
}

/** Parse a status given by a user, or fail with "Invalid status". */
export function parseStatus(value: string): Status {
  const normalised = value.trim().toLowerCase().replace("-", "_");
  if ((STATUSES as readonly string[]).includes(normalised)) return normalised as Status;
  throw validationError(
    `Invalid status "${value}"`,
    `valid statuses: ${STATUSES.join(", ")}`,
  );
}

/** Parse a priority given by a user, or fail with "Invalid priority". */
export function parsePriority(value: string): Priority {
  const normalised = value.trim().toLowerCase();
  if ((PRIORITIES as readonly string[]).includes(normalised)) return normalised as Priority;
  throw validationError(
    `Invalid priority "${value}"`,
    `valid priorities: ${PRIORITIES.join(", ")}`,
  );
}

/** Trim and check a title: 1–500 characters. */
export function validateTitle(value: string): string {
  const title = value.trim();
  if (title.length === 0) throw validationError("Task title cannot be empty");
  if ([...title].length > MAX_TITLE_LENGTH) {
    throw validationError(`Task title too long (max ${MAX_TITLE_LENGTH} characters)`);
  }
  return title;
}

const ID_PATTERN = /^[0-9a-f]{8}$/;
const ID_PREFIX_PATTERN = /^[0-9a-f]{4,8}$/;

/** Whether `value` is a full task id (8 lowercase hex characters). */
export function isTaskId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/**
 * Normalise an id or id prefix typed by a user (at least 4 hex characters).
 * Returns the lowercase prefix; fails with "Invalid task ID" otherwise.
 */
export function parseIdPrefix(value: string, what = "task ID"): string {
  const prefix = value.trim().toLowerCase();
  if (!ID_PREFIX_PATTERN.test(prefix)) {
    throw validationError(
      `Invalid ${what} "${value}"`,
      // "not found" as the original said for any unknown id; its scripts grep that phrase.
      "not found: task ids are 8 hex characters; a unique prefix of at least 4 is accepted",
    );
  }
  return prefix;
}

/** Create a new random task id. */
export function newTaskId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const AGENT_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Check an agent name: letters, digits, `-`, `_`, `.`; 1–64 characters; not `.` or `..`; not
 * `none`, which tm prints for "no agent" (an agent called that would look unassigned).
 */
export function validateAgentName(value: string, what = "agent name"): string {
  if (!AGENT_PATTERN.test(value) || value === "." || value === "..") {
    throw validationError(
      `invalid ${what} "${value}"`,
      "use 1-64 letters, digits, '-', '_' or '.'",
    );
  }
  if (value.toLowerCase() === "none") {
    throw validationError(
      `invalid ${what} "${value}": reserved, tm shows "none" for no agent`,
      'to clear an assignee use --assignee ""',
    );
  }
  return value;
}

/**
 * Parse `path[:line[:end]]` as given to `--file`. A reversed range (`a.py:100:50`) is the
 * range 50-100, as the original tm accepted it.
 */
export function parseFileRef(value: string): FileRef {
  const match = /^(.+?)(?::(\d+)(?::(\d+))?)?$/.exec(value);
  if (!match || match[1] === undefined || match[1].trim() === "") {
    throw validationError(`invalid file reference "${value}"`, "use PATH[:LINE[:END]]");
  }
  const first = match[2] === undefined ? null : Number(match[2]);
  const second = match[3] === undefined ? null : Number(match[3]);
  if ((first !== null && first < 1) || (second !== null && second < 1)) {
    throw validationError(`invalid file reference "${value}": lines start at 1`);
  }
  const reversed = first !== null && second !== null && second < first;
  return {
    path: match[1],
    line_start: reversed ? second : first,
    line_end: reversed ? first : second,
  };
}

/** Format a file reference back to `path[:line[:end]]`. */
export function formatFileRef(ref: FileRef): string {
  if (ref.line_start === null) return ref.path;
  if (ref.line_end === null) return `${ref.path}:${ref.line_start}`;
  return `${ref.path}:${ref.line_start}:${ref.line_end}`;
}

/** Parse the `--criteria` JSON: an array of `{criterion, measurable?}` objects. */
export function parseCriteria(json: string): CriterionInput[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw validationError(
      `invalid criteria JSON: ${(error as Error).message}`,
      `expected an array such as '[{"criterion": "tests pass", "measurable": "true"}]'`,
    );
  }
  if (!Array.isArray(value)) throw validationError("invalid criteria JSON: expected an array");
  return value.map((item, index): CriterionInput => {
    if (typeof item === "string") {
      if (item.trim() === "") {
        throw validationError(`invalid criteria JSON: item ${index + 1} has no criterion text`);
      }
      return { criterion: item.trim(), measurable: null };
    }
    if (typeof item !== "object" || item === null) {
      throw validationError(`invalid criteria JSON: item ${index + 1} is not an object`);
    }
    const record = item as Record<string, unknown>;
    const criterion = record.criterion;
    if (typeof criterion !== "string" || criterion.trim() === "") {
      throw validationError(`invalid criteria JSON: item ${index + 1} has no "criterion" text`);
    }
    const measurable = record.measurable;
    if (measurable !== undefined && measurable !== null && typeof measurable !== "string") {
      if (typeof measurable !== "boolean" && typeof measurable !== "number") {
        throw validationError(
          `invalid criteria JSON: item ${index + 1} has a "measurable" that is not a string`,
        );
      }
    }
    return {
      criterion: criterion.trim(),
      measurable: measurable === undefined || measurable === null ? null : String(measurable),
    };
  });
}

/** Longest metadata key and value accepted by `--meta`, in characters. */
export const MAX_META_KEY = 64;
const MAX_META_VALUE = 2000;

/**
 * Parse `--meta KEY:VALUE` (or `KEY=VALUE`; a bare `KEY` has the empty value): a key of
 * 1-64 characters without spaces, a value of at most 2000.
 */
export function parseMeta(text: string): { key: string; value: string } {
  const at = text.search(/[:=]/);
  const key = (at < 0 ? text : text.slice(0, at)).trim();
  const value = at < 0 ? "" : text.slice(at + 1).trim();
  if (key === "" || key.length > MAX_META_KEY || /[\s\p{Cc}]/u.test(key)) {
    throw validationError(
      `Invalid meta "${text.slice(0, 80)}"`,
      `use KEY:VALUE with a key of 1-${MAX_META_KEY} characters and no spaces`,
    );
  }
  if ([...value].length > MAX_META_VALUE) {
    throw validationError(`Invalid meta "${key}": value too long (max ${MAX_META_VALUE})`);
  }
  return { key, value };
}

/** `--meta` values and `--phase` as metadata pairs, the later of a repeated key winning. */
export function metaEntries(
  values: readonly string[],
  phase: string | undefined,
): Array<{ key: string; value: string }> {
  const entries = values.map(parseMeta);
  if (phase !== undefined) entries.push(parseMeta(`phase:${phase}`));
  return entries;
}

/** Parse `--estimated-hours` / `--actual-hours`: a non-negative finite number. */
export function parseHours(value: string, flag: string): number {
  const hours = Number(value);
  // Plain decimals only: Number() also reads "0x10" as 16 and "1e3" as 1000.
  if (!/^\s*\d+(\.\d+)?\s*$/.test(value) || !Number.isFinite(hours) || hours < 0) {
    throw validationError(`invalid ${flag} "${value}": expected a non-negative number`);
  }
  return hours;
}

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parse an ISO 8601 date or date-time as given to `--deadline`, returning it normalised to
 * UTC (`YYYY-MM-DDTHH:MM:SS.sssZ`). A bare date means the end of that day in UTC.
 */
export function parseDeadline(value: string): string {
  const match = ISO_DATE.exec(value.trim());
  if (!match) {
    throw validationError(
      `invalid deadline "${value}": not an ISO 8601 date`,
      "use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]",
    );
  }
  const [, y, mo, d, h] = match;
  const text = h === undefined ? `${y}-${mo}-${d}T23:59:59.999Z` : value.trim().replace(" ", "T");
  const withZone = h !== undefined && match[7] === undefined ? `${text}Z` : text;
  const date = new Date(withZone);
  const month = Number(mo);
  const day = Number(d);
  if (
    Number.isNaN(date.getTime()) || Number(y) < 1 || month < 1 || month > 12 || day < 1 ||
    day > 31
  ) {
    throw validationError(`invalid deadline "${value}": not a real date`);
  }
  // Reject dates such as 2026-02-30 that Date silently rolls over.
  const probe = new Date(Date.UTC(Number(y), month - 1, day));
  if (probe.getUTCMonth() !== month - 1) {
    throw validationError(`invalid deadline "${value}": not a real date`);
  }
  return date.toISOString();
}

/** Rank of a priority for ordering (higher is more urgent). */
export function priorityRank(priority: Priority): number {
  return PRIORITIES.indexOf(priority);
}

/**
 * Check a manual status change (`tm update --status`). Dependency-driven changes and
 * completion have their own use cases; this guards what a user may set directly.
 */
export function checkManualTransition(
  from: Status,
  to: Status,
  openDependencies: number,
): void {
  if (from === to) return;
  if (from === "completed") {
    throw new TmError("invalid_transition", `invalid status transition: completed -> ${to}`, {
      hint: "completed tasks are final; create a follow-up task instead",
    });
  }
  if ((to === "pending" || to === "in_progress" || to === "completed") && openDependencies > 0) {
    throw new TmError(
      "invalid_transition",
      `invalid status transition: ${from} -> ${to}: ${openDependencies} open ${
        openDependencies === 1 ? "dependency" : "dependencies"
      }`,
      { hint: "complete or remove its dependencies first; tm show ID lists them" },
    );
  }
}
