/**
 * Use cases: the ready set (`tm ready`) and why one task is not in it (`--explain`).
 *
 * @module
 */

import { missingCapabilities } from "../core/capability.ts";
import type { Task } from "../core/task.ts";
import { routingCapabilities } from "./agents.ts";
import { type AppContext, nowIso } from "./context.ts";
import { isHeld } from "../core/lease.ts";
import { loadTask } from "./resolve.ts";

/** Options of `tm ready`. */
export interface ReadyOptions {
  /** Only tasks assigned to this agent (`--assignee A`, `--mine`). */
  assignee?: string;
  /** Narrow the agent's capability set to these (`--capability`). */
  capabilities?: readonly string[];
  limit: number;
}

/**
 * Tasks that can start now, best first. Tasks assigned to another agent, and tasks that
 * need a capability the agent has not registered, are not offered.
 */
export function readyTasks(ctx: AppContext, options: ReadyOptions): Promise<Task[]> {
  return ctx.store.read(async (tx) =>
    tx.tasks.ready({
      now: nowIso(ctx),
      limit: options.limit,
      capabilities: await routingCapabilities(tx, ctx.agent, options.capabilities),
      ...(options.assignee === undefined
        ? { offeredTo: ctx.agent }
        : { assignee: options.assignee }),
    })
  );
}

/** The answer of `tm ready --explain ID`. */
export interface ReadyExplanation {
  task: Task;
  ready: boolean;
  /** Capabilities the task requires. */
  capabilities: string[];
  /** Every reason the task is not offered to this agent; empty when it is ready. */
  reasons: string[];
}

/** Name every reason a task is not offered to the calling agent. */
export function explainReady(ctx: AppContext, idInput: string): Promise<ReadyExplanation> {
  return ctx.store.read(async (tx) => {
    const now = nowIso(ctx);
    const task = await loadTask(tx, idInput);
    const reasons: string[] = [];
    if (task.status === "completed" || task.status === "cancelled") {
      reasons.push(`it is ${task.status}`);
    }
    for (const dep of await tx.dependencies.dependenciesOf(task.id)) {
      if (dep.status !== "completed") {
        reasons.push(`open dependency ${dep.id} "${dep.title}" (${dep.status})`);
      }
    }
    if (task.status === "blocked" && reasons.length === 0) {
      const gaveUp = (await tx.events.forTask(task.id, 20)).findLast((e) => e.type === "gave_up");
      reasons.push(
        gaveUp === undefined
          ? "it was marked blocked by hand (tm update ID --status pending clears it)"
          : `a worker gave up on it: ${gaveUp.data?.reason} (tm update ID --status pending retries it)`,
      );
    }
    if (isHeld(task, now)) {
      reasons.push(`held by ${task.claimed_by} until ${task.lease_expires_at}`);
    } else if (task.status === "in_progress" && task.claimed_by === null) {
      reasons.push("it is in progress without a claim");
    }
    if (task.assignee !== null && task.assignee !== ctx.agent) {
      reasons.push(`assigned to ${task.assignee}`);
    }
    const capabilities = await tx.agents.taskCapabilities(task.id);
    const have = await routingCapabilities(tx, ctx.agent);
    for (const missing of missingCapabilities(capabilities, have)) {
      reasons.push(`capability ${missing} missing (${ctx.agent} has not registered it)`);
    }
    return { task, ready: reasons.length === 0, capabilities, reasons };
  });
}
