/**
 * Use case: progress updates (`tm progress ID MESSAGE`, and the output lines a worker's
 * command prints). One table, one rule: only the holder (or anyone, when nobody holds the
 * task) may report progress, and doing so renews the holder's lease.
 *
 * @module
 */

import { validationError } from "../core/errors.ts";
import type { Task } from "../core/task.ts";
import type { ProgressEntry } from "../core/tracking.ts";
import type { StoreTx } from "../store/store.ts";
import { type AppContext, nowIso } from "./context.ts";
import { recordEvent } from "./_events.ts";
import { assertWriter, renewIfHolder } from "./_lifecycle.ts";
import { loadTask } from "./resolve.ts";

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

/** Append one progress entry (and its event) to `task` inside the caller's transaction. */
export async function appendProgress(
  tx: StoreTx,
  task: Task,
  entry: { agent: string; message: string; percent: number | null; now: string; source?: string },
): Promise<ProgressEntry> {
  const row = {
    task_id: task.id,
    agent: entry.agent,
    message: entry.message,
    percent: entry.percent,
    created_at: entry.now,
  };
  const id = await tx.tracking.addProgress(row);
  await recordEvent(tx, {
    taskId: task.id,
    type: "progress",
    agent: entry.agent,
    now: entry.now,
    data: {
      message: entry.message.slice(0, EVENT_MESSAGE_LIMIT),
      ...(entry.percent === null ? {} : { percent: entry.percent }),
      ...(entry.source === undefined ? {} : { source: entry.source }),
    },
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
  return ctx.store.write(async (tx) => {
    const now = nowIso(ctx);
    const task = await loadTask(tx, idInput);
    await assertWriter(tx, task, ctx.agent, now, "report progress on");
    const entry = await appendProgress(tx, task, { agent: ctx.agent, message, percent, now });
    await renewIfHolder(tx, task, ctx.agent, now, ctx.leaseTtlMs);
    return entry;
  });
}
