/**
 * The progress log of a task, as workers write it: the lines their command prints, batched
 * into one write, in the same table as `tm progress`.
 *
 * @module
 */

import type { AppContext } from "./context.ts";
import { appendProgress, percentOf, REPORT_PROGRESS } from "./progress.ts";
import { type WritePolicy, writeTask } from "./_task_write.ts";

const RECORD_PROGRESS: WritePolicy = { ...REPORT_PROGRESS, action: "record progress on" };

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
  return writeTask(ctx, taskId, RECORD_PROGRESS, async (w) => {
    for (const message of lines) {
      await appendProgress(w, { message, percent: lenientPercent(message), source: "worker" });
    }
  });
}
