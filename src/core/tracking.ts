/**
 * What tm tracks about a task's work: criteria checks, measured values, progress,
 * completions and feedback. Pure types.
 *
 * @module
 */

import type { Criterion } from "./task.ts";

/** A success criterion with its recorded check. */
export interface CriterionCheck extends Criterion {
  status: "unverified" | "passed" | "failed";
  note: string | null;
  checked_by: string | null;
  checked_at: string | null;
}

/** A measured value that criteria expressions refer to (`tm criteria ID --set k=v`). */
export interface MeasuredValue {
  name: string;
  value: number | string | boolean;
  set_by: string;
  set_at: string;
}

/** A progress update (`tm progress`). */
export interface ProgressEntry {
  id: number;
  task_id: string;
  agent: string;
  message: string;
  percent: number | null;
  created_at: string;
}

/** How a task was completed: summary and which criteria were not verified. */
export interface Completion {
  task_id: string;
  agent: string;
  summary: string | null;
  validated: boolean;
  /** Positions of criteria that were not verified when the task was completed. */
  unverified: number[];
  completed_at: string;
}

/** Feedback on a completed task, one per task and agent. */
export interface Feedback {
  task_id: string;
  agent: string;
  quality: number | null;
  timeliness: number | null;
  note: string | null;
  created_at: string;
}
