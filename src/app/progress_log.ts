/**
 * The progress log of a task, as workers write it: the lines their command prints, batched
 * into one write, in the same table as `tm progress`.
 *
 * @module
 */

import { type AppContext, nowIso } from "./context.ts";
import { assertWriter, renewIfHolder } from "./_lifecycle.ts";
import { appendProgress, percentOf } from "./progress.ts";
import { loadTask } from "./resolve.ts";

/** A leading `NN%` of a command's output line, ignoring values above 100. */
function lenientPercent(line: string): number | null {
  try {
    return percentOf(line);
  } catch {
    return null;
  }
}

/**
 * Append lines to a task's progress log in one write. Refused with lease_lost/conflict if
 * the caller no longer holds the task; renews the caller's lease otherwise (any write by the
 * holder renews it).
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
      const percent = lenientPercent(message);
      await appendProgress(tx, task, { agent: ctx.agent, message, percent, now, source: "worker" });
    }
    await renewIfHolder(tx, task, ctx.agent, now, ctx.leaseTtlMs);
  });
}
