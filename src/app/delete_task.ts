/**
 * Use case: delete a task (`tm delete`).
 *
 * @module
 */

import { TmError } from "../core/errors.ts";
import type { Task } from "../core/task.ts";
import { type AppContext, nowIso } from "./context.ts";
import { recordEvent } from "./_events.ts";
import { assertWriter, unblockIfReady } from "./_lifecycle.ts";
import { loadTask } from "./resolve.ts";

/** What deleting did. */
export interface DeleteResult {
  task: Task;
  /** Dependents whose last open dependency was the deleted task. */
  unblocked: string[];
}

/**
 * Delete a task. Refused (exit 5) while other tasks depend on it, unless `force`; then the
 * edges go too and dependents that were only waiting on it become ready.
 */
export function deleteTask(
  ctx: AppContext,
  idInput: string,
  options: { force?: boolean } = {},
): Promise<DeleteResult> {
  return ctx.store.write(async (tx) => {
    const now = nowIso(ctx);
    const task = await loadTask(tx, idInput);
    await assertWriter(tx, task, ctx.agent, now, "delete");
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
    await tx.tasks.delete(task.id);
    await recordEvent(tx, {
      taskId: task.id,
      type: "deleted",
      agent: ctx.agent,
      now,
      data: { title: task.title, dependents: dependents.map((d) => d.id) },
    });
    const unblocked: string[] = [];
    for (const dependent of dependents) {
      if (await unblockIfReady(tx, dependent.id, ctx.agent, now, `${task.id} deleted`)) {
        unblocked.push(dependent.id);
      }
    }
    return { task, unblocked };
  });
}
