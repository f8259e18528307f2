/**
 * Use cases: add and remove a dependency of an existing task (`tm dep add|remove`).
 *
 * @module
 */

import { notFoundError, TmError } from "../core/errors.ts";
import { findCycleForEdge, formatCycle } from "../core/graph.ts";
import type { Task } from "../core/task.ts";
import type { StoreTx } from "../store/store.ts";
import { type AppContext, nowIso } from "./context.ts";
import { recordEvent } from "./_events.ts";
import { assertWriter, blockIfWaiting, renewIfHolder, unblockIfReady } from "./_lifecycle.ts";
import { resolveDependencyIds } from "./add_task.ts";
import { loadTask } from "./resolve.ts";

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
    const now = nowIso(ctx);
    const task = await loadTask(tx, taskInput);
    const [dependsOn] = await resolveDependencyIds(tx, [dependencyInput]);
    await assertWriter(tx, task, ctx.agent, now, "change dependencies of");
    await renewIfHolder(tx, task, ctx.agent, now, ctx.leaseTtlMs);
    await assertNoCycle(tx, task.id, dependsOn!);
    const changed = await tx.dependencies.add(task.id, dependsOn!, now);
    if (changed) {
      await recordEvent(tx, {
        taskId: task.id,
        type: "dependency_added",
        agent: ctx.agent,
        now,
        data: { depends_on: dependsOn },
      });
      await blockIfWaiting(tx, task, ctx.agent, now);
    }
    return { task: (await tx.tasks.get(task.id))!, depends_on: dependsOn!, changed };
  });
}

/** Remove the dependency of `taskInput` on `dependencyInput`; may unblock the task. */
export function removeDependency(
  ctx: AppContext,
  taskInput: string,
  dependencyInput: string,
): Promise<DependencyChange> {
  return ctx.store.write(async (tx) => {
    const now = nowIso(ctx);
    const task = await loadTask(tx, taskInput);
    const [dependsOn] = await resolveDependencyIds(tx, [dependencyInput]);
    await assertWriter(tx, task, ctx.agent, now, "change dependencies of");
    await renewIfHolder(tx, task, ctx.agent, now, ctx.leaseTtlMs);
    if (!await tx.dependencies.remove(task.id, dependsOn!)) {
      throw notFoundError(`task "${task.id}" does not depend on "${dependsOn}"`);
    }
    await recordEvent(tx, {
      taskId: task.id,
      type: "dependency_removed",
      agent: ctx.agent,
      now,
      data: { depends_on: dependsOn },
    });
    await unblockIfReady(tx, task.id, ctx.agent, now, `dependency on ${dependsOn} removed`);
    return { task: (await tx.tasks.get(task.id))!, depends_on: dependsOn!, changed: true };
  });
}
