/**
 * Use case: delete a task (`tm delete`).
 *
 * @module
 */

import { TmError } from "../core/errors.ts";
import type { Task } from "../core/task.ts";
import type { AppContext } from "./context.ts";
import { unblockIfReady } from "./_lifecycle.ts";
import { type WritePolicy, writeTask } from "./_task_write.ts";
import { taskRecord } from "./transfer.ts";

/** The task goes away, so there is no lease left to renew. */
const DELETE: WritePolicy = { action: "delete", lease: "holder-or-free", renew: false };

/** What deleting did. */
export interface DeleteResult {
  task: Task;
  /** Dependents whose last open dependency was the deleted task. */
  unblocked: string[];
  /** What went wrong after the commit, one line each (the mirror); empty when nothing did. */
  warnings: string[];
}

/**
 * Delete a task. Refused (exit 5) while other tasks depend on it, unless `force`; then the
 * edges go too and dependents that were only waiting on it become ready.
 */
export async function deleteTask(
  ctx: AppContext,
  idInput: string,
  options: { force?: boolean } = {},
): Promise<DeleteResult> {
  const deleted = await writeTask(ctx, idInput, DELETE, async ({ tx, task, now, record }) => {
    const dependents = await tx.dependencies.dependentsOf(task.id);
    if (dependents.length > 0 && options.force !== true) {
      throw new TmError(
        "validation",
        `cannot delete task "${task.id}": ${dependents.length} ${
          dependents.length === 1 ? "task depends" : "tasks depend"
        } on it (${dependents.map((d) => d.id).join(", ")})`,
        { hint: "remove those dependencies first, or pass --force" },
      );
    }
    // A tombstone keeps the full record for tm restore-task (30 days).
    const saved = await taskRecord(
      tx,
      task,
      (await tx.dependencies.dependenciesOf(task.id)).map((d) => d.id),
    );
    await tx.tasks.saveTombstone(
      { id: task.id, deleted_at: now, deleted_by: ctx.agent, record: JSON.stringify(saved) },
      new Date(Date.parse(now) - 30 * 86_400_000).toISOString(),
    );
    await tx.tasks.delete(task.id);
    await record("deleted", { title: task.title, dependents: dependents.map((d) => d.id) });
    const unblocked: string[] = [];
    for (const dependent of dependents) {
      if (await unblockIfReady(tx, dependent.id, ctx.agent, now, `${task.id} deleted`)) {
        unblocked.push(dependent.id);
      }
    }
    return { task, unblocked };
  });
  // After the commit: a mirror that cannot be removed is a warning, never a failed delete.
  const warnings: string[] = [];
  await ctx.mirror?.remove(deleted.task.id).catch((error) => {
    warnings.push(`could not remove the shared-context mirror: ${error.message}`);
  });
  return { ...deleted, warnings };
}
