/**
 * Use cases: archive finished work (`tm archive`) and restore a deleted task from its
 * tombstone (`tm restore-task`).
 *
 * @module
 */

import { notFoundError, TmError, validationError } from "../core/errors.ts";
import { parseTaskRecord } from "../core/task_record.ts";
import type { Task } from "../core/task.ts";
import { type AppContext, nowIso } from "./context.ts";
import { recordEvent } from "./_events.ts";
import { settleAgainstDependencies } from "./_lifecycle.ts";
import { insertRecord } from "./transfer.ts";

/** How long a deleted task can be restored. */
export const TOMBSTONE_DAYS = 30;

/** Archive completed and cancelled tasks finished more than `olderThanMs` ago; their ids. */
export function archiveTasks(ctx: AppContext, olderThanMs: number): Promise<string[]> {
  const now = nowIso(ctx);
  const before = new Date(ctx.now().getTime() - olderThanMs).toISOString();
  return ctx.store.write(async (tx) => {
    const ids = await tx.tasks.archive(before, now);
    if (ids.length > 0) {
      await recordEvent(tx, {
        taskId: null,
        type: "archived",
        agent: ctx.agent,
        now,
        data: { count: ids.length, ids },
      });
    }
    return ids;
  });
}

/** What restoring did. */
export interface RestoreResult {
  task: Task;
  /** Dependencies of the record whose task no longer exists, left out. */
  skipped_dependencies: string[];
}

/**
 * Restore a task deleted less than 30 days ago, with its details, from its tombstone; its
 * dependencies come back where their tasks still exist. Its status is settled against them.
 */
export function restoreTask(ctx: AppContext, idInput: string): Promise<RestoreResult> {
  const prefix = idInput.trim().toLowerCase();
  const now = nowIso(ctx);
  const expired = new Date(ctx.now().getTime() - TOMBSTONE_DAYS * 86_400_000).toISOString();
  return ctx.store.write(async (tx) => {
    const found = (await tx.tasks.tombstones(prefix)).filter((t) => t.deleted_at >= expired);
    if (found.length === 0) {
      throw notFoundError(
        `deleted task "${idInput}" not found`,
        `deleted tasks can be restored for ${TOMBSTONE_DAYS} days`,
      );
    }
    if (new Set(found.map((t) => t.id)).size > 1) {
      throw validationError(
        `ambiguous deleted task "${idInput}": ${found.map((t) => t.id).join(", ")}`,
      );
    }
    const tombstone = found[0]!;
    if (await tx.tasks.get(tombstone.id) !== null) {
      throw new TmError("validation", `task "${tombstone.id}" exists again`, {
        hint: "an import or restore brought it back already",
      });
    }
    const record = parseTaskRecord(JSON.parse(tombstone.record), ctx.agent, now);
    await insertRecord(tx, ctx, record, now);
    const skipped: string[] = [];
    for (const dep of record.dependencies) {
      if (await tx.tasks.get(dep) === null) skipped.push(dep);
      else await tx.dependencies.add(record.id, dep, now);
    }
    await tx.tasks.dropTombstone(record.id);
    await recordEvent(tx, {
      taskId: record.id,
      type: "restored",
      agent: ctx.agent,
      now,
      data: { deleted_at: tombstone.deleted_at, skipped_dependencies: skipped },
    });
    // Its dependencies may have finished or re-opened since it was deleted: settled like any
    // dependency change, with the event and the participants told.
    await settleAgainstDependencies(tx, record.id, ctx.agent, now, `${record.id} restored`);
    const task = (await tx.tasks.get(record.id))!;
    return { task, skipped_dependencies: skipped };
  });
}
