/**
 * Use case: progress updates (`tm progress ID MESSAGE`, and the output lines a worker's
 * command prints). One table, one rule: only the holder (or anyone, when nobody holds the
 * task) may report progress, and doing so renews the holder's lease.
 *
 * @module
 */

import { validationError } from "../core/errors.ts";
import type { ProgressEntry } from "../core/tracking.ts";
import type { AppContext } from "./context.ts";
import { type TaskWrite, type WritePolicy, writeTask } from "./_task_write.ts";

/** Reporting progress: the holder, or anyone while nobody holds the task; renews the lease. */
export const REPORT_PROGRESS: WritePolicy = {
  action: "report progress on",
  lease: "holder-or-free",
  renew: true,
};

/** How much of a progress message the `progress` event repeats (the table keeps it all). */
const EVENT_MESSAGE_LIMIT = 1000;

/** Split a leading `NN%` off a progress message: `"40% parser done"` → 40. */
export function percentOf(message: string): number | null {
  const match = /^\s*(\d{1,3})%/.exec(message);
  if (!match) return null;
  const percent = Number(match[1]);
  if (percent > 100) throw validationError(`invalid progress "${match[1]}%": above 100%`);
  return percent;
}

/** Append one progress entry (and its event) to the task of write `w`. */
export async function appendProgress(
  w: TaskWrite,
  entry: { message: string; percent: number | null; source?: string },
): Promise<ProgressEntry> {
  const row = {
    task_id: w.task.id,
    agent: w.ctx.agent,
    message: entry.message,
    percent: entry.percent,
    created_at: w.now,
  };
  const id = await w.tx.tracking.addProgress(row);
  await w.record("progress", {
    message: entry.message.slice(0, EVENT_MESSAGE_LIMIT),
    ...(entry.percent === null ? {} : { percent: entry.percent }),
    ...(entry.source === undefined ? {} : { source: entry.source }),
  });
  return { id, ...row };
}

/** Append a progress update by the acting agent. */
export function addProgress(
  ctx: AppContext,
  idInput: string,
  message: string,
): Promise<ProgressEntry> {
  if (message.trim() === "") throw validationError("progress message cannot be empty");
  const percent = percentOf(message);
  return writeTask(ctx, idInput, REPORT_PROGRESS, (w) => appendProgress(w, { message, percent }));
}
