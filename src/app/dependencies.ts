/**
 * Use cases: add and remove a dependency of an existing task (`tm dep add|remove`).
 *
 * @module
 */

import { notFoundError, TmError } from "../core/errors.ts";
import { findCycleForEdge, formatCycle } from "../core/graph.ts";
import type { Task } from "../core/task.ts";
import type { StoreTx } from "../store/store.ts";
import type { AppContext } from "./context.ts";
import { blockIfWaiting, unblockIfReady } from "./_lifecycle.ts";
import { resolveDependencyIds } from "./add_task.ts";
import { writeLoadedTask, type WritePolicy } from "./_task_write.ts";
import { loadTask } from "./resolve.ts";

const CHANGE_DEPENDENCIES: WritePolicy = {
  action: "change dependencies of",
  lease: "holder-or-free",
  renew: true,
};

/** What a dependency change did. */
export interface DependencyChange {
  task: Task;
  depends_on: string;
  /** False when the edge already existed (add) or did not exist (never: remove fails). */
  changed: boolean;
}

/** Everything reachable from `start` along "depends on" edges, as an adjacency map. */
async function reachableGraph(tx: StoreTx, start: string): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head]!;
    if (graph.has(id)) continue;
    const next = await tx.dependencies.dependencyIds(id);
    graph.set(id, next);
    for (const dep of next) if (!graph.has(dep)) queue.push(dep);
  }
  return graph;
}

/** Refuse the edge `taskId -> dependsOnId` if it would close a cycle (exit 5, naming it). */
export async function assertNoCycle(tx: StoreTx, taskId: string, dependsOnId: string) {
  const graph = taskId === dependsOnId ? new Map() : await reachableGraph(tx, dependsOnId);
  const cycle = findCycleForEdge(taskId, dependsOnId, (id) => graph.get(id) ?? []);
  if (cycle !== null) {
    throw new TmError(
      "cycle",
      `cannot add dependency: it would create a cycle: ${formatCycle(cycle)}`,
      { details: { cycle } },
    );
  }
}

/** Make `taskInput` depend on `dependencyInput`. */
export function addDependency(
  ctx: AppContext,
  taskInput: string,
  dependencyInput: string,
): Promise<DependencyChange> {
  return ctx.store.write(async (tx) => {
    // Both ids resolve before the writer check, so a typo is reported before a conflict.
    const loaded = await loadTask(tx, taskInput);
    const [dependsOn] = await resolveDependencyIds(tx, [dependencyInput]);
    return writeLoadedTask(tx, ctx, loaded, CHANGE_DEPENDENCIES, async (w) => {
      const { task, now } = w;
      await assertNoCycle(tx, task.id, dependsOn!);
      const changed = await tx.dependencies.add(task.id, dependsOn!, now);
      if (changed) {
        await w.record("dependency_added", { depends_on: dependsOn });
        await blockIfWaiting(w);
      }
      return { task: (await tx.tasks.get(task.id))!, depends_on: dependsOn!, changed };
    });
  });
}

/** Remove the dependency of `taskInput` on `dependencyInput`; may unblock the task. */
export function removeDependency(
  ctx: AppContext,
  taskInput: string,
  dependencyInput: string,
): Promise<DependencyChange> {
  return ctx.store.write(async (tx) => {
    const loaded = await loadTask(tx, taskInput);
    const [dependsOn] = await resolveDependencyIds(tx, [dependencyInput]);
    return writeLoadedTask(tx, ctx, loaded, CHANGE_DEPENDENCIES, async ({ task, now, record }) => {
      if (!await tx.dependencies.remove(task.id, dependsOn!)) {
        throw notFoundError(`task "${task.id}" does not depend on "${dependsOn}"`);
      }
      await record("dependency_removed", { depends_on: dependsOn });
      await unblockIfReady(tx, task.id, ctx.agent, now, `dependency on ${dependsOn} removed`);
      return { task: (await tx.tasks.get(task.id))!, depends_on: dependsOn!, changed: true };
    });
  });
}
