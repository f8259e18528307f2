/**
 * The progress log of a task, as workers write it. One small function on purpose: the
 * collaboration work adds a real progress table (`tm progress`); switching this function to
 * it is the only change workers need.
 *
 * @module
 */

import { type AppContext, nowIso } from "./context.ts";
import { recordEvent } from "./_events.ts";
import { assertWriter, renewIfHolder } from "./_lifecycle.ts";
import { loadTask } from "./resolve.ts";

/**
 * Append lines to a task's progress log in one write (events of type "progress", text in
 * `data.message`). Refused with lease_lost/conflict if the caller no longer holds the task;
 * renews the caller's lease otherwise (any write by the holder renews it).
 */
export function recordProgress(
  ctx: AppContext,
  taskId: string,
  lines: readonly string[],
): Promise<void> {
  return ctx.store.write(async (tx) => {
    const now = nowIso(ctx);
    const task = await loadTask(tx, taskId);
    await assertWriter(tx, task, ctx.agent, now, "record progress on");
    for (const message of lines) {
      await recordEvent(tx, {
        taskId: task.id,
        type: "progress",
        agent: ctx.agent,
        now,
        data: { message, source: "worker" },
      });
    }
    await renewIfHolder(tx, task, ctx.agent, now, ctx.leaseTtlMs);
  });
}
