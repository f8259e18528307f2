/**
 * Use case: progress updates (`tm progress ID MESSAGE`).
 *
 * @module
 */

import { validationError } from "../core/errors.ts";
import type { ProgressEntry } from "../store/store.ts";
import { type AppContext, nowIso } from "./context.ts";
import { recordEvent } from "./_events.ts";
import { assertNotHeldByOther, renewIfHolder } from "./_lifecycle.ts";
import { loadTask } from "./resolve.ts";

/** Split a leading `NN%` off a progress message: `"40% parser done"` → 40. */
export function percentOf(message: string): number | null {
  const match = /^\s*(\d{1,3})%/.exec(message);
  if (!match) return null;
  const percent = Number(match[1]);
  if (percent > 100) throw validationError(`invalid progress "${match[1]}%": above 100%`);
  return percent;
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
    assertNotHeldByOther(task, ctx.agent, now, "report progress on");
    const entry = { task_id: task.id, agent: ctx.agent, message, percent, created_at: now };
    const id = await tx.tracking.addProgress(entry);
    await renewIfHolder(tx, task, ctx.agent, now, ctx.leaseTtlMs);
    await recordEvent(tx, {
      taskId: task.id,
      type: "progress",
      agent: ctx.agent,
      now,
      data: percent === null ? {} : { percent },
    });
    return { id, ...entry };
  });
}
