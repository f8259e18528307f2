/**
 * Use case: the tasks and dependency edges `tm tree` and `tm board` draw, read in one
 * snapshot.
 *
 * @module
 */

import type { DependencyEdge, Task } from "../core/task.ts";
import type { AppContext } from "./context.ts";
import { loadTask } from "./resolve.ts";

/** Tasks by id and the edges between them. */
export interface TaskGraph {
  tasks: Map<string, Task>;
  edges: DependencyEdge[];
  /** The task asked for, when one was. */
  root: Task | null;
}

/** Every task and edge (open tasks only unless `all`), and the task `idInput` names. */
export function taskGraph(
  ctx: AppContext,
  options: { idInput?: string; all?: boolean },
): Promise<TaskGraph> {
  return ctx.store.read(async (tx) => {
    const root = options.idInput === undefined ? null : await loadTask(tx, options.idInput);
    // Around one task, every neighbour; the whole forest leaves archived tasks out, as the
    // other default views do.
    const list = root !== null ? await tx.tasks.all() : await tx.tasks.list({
      archived: "exclude",
      ...(options.all === true ? {} : { statuses: ["pending", "in_progress", "blocked"] }),
    });
    const tasks = new Map(list.map((t) => [t.id, t]));
    const edges = (await tx.dependencies.all()).filter((e) =>
      tasks.has(e.task_id) && tasks.has(e.depends_on_id)
    );
    return { tasks, edges, root };
  });
}
