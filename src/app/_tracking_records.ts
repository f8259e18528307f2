/**
 * The core loop's per-task records of an export, against the store: read for `tm export`,
 * written back by `tm import` (their parsing is pure, in core/task_record.ts), so that
 * `tm export --format jsonl | tm import -` loses nothing.
 *
 * @module
 */

import type { TrackingRecord } from "../core/task_record.ts";
import type { StoreTx } from "../store/store.ts";

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
