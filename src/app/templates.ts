/**
 * Use case: create the tasks of a template (`tm template apply`) in one write transaction.
 * The plan was checked before (src/core/template.ts): keys resolve, no cycle, valid values.
 *
 * @module
 */

import type { PlannedTask } from "../core/template.ts";
import type { Task } from "../core/task.ts";
import { createTaskInTx } from "./add_task.ts";
import { type AppContext, nowIso } from "./context.ts";
import { recordEvent } from "./_events.ts";
import { requireFeatures } from "./_features.ts";

/** One created task and its template key. */
export interface AppliedTask {
  key: string;
  task: Task;
  capabilities: string[];
  /** Ids of the tasks it depends on. */
  depends_on: string[];
}

/** Create every task of `plan`, in order, with dependencies by key; all or nothing. */
export async function applyPlan(
  ctx: AppContext,
  templateName: string,
  plan: readonly PlannedTask[],
): Promise<AppliedTask[]> {
  const withCriteria = plan.find((p) => p.criteria.length > 0);
  await requireFeatures(ctx, [
    ["success-criteria", `criteria of template task "${withCriteria?.key}"`, !!withCriteria],
  ]);
  return ctx.store.write(async (tx) => {
    const now = nowIso(ctx);
    const byKey = new Map<string, AppliedTask>();
    // Dependencies first, so every edge points at a task that already exists.
    const ordered: PlannedTask[] = [];
    const placed = new Set<string>();
    const place = (p: PlannedTask) => {
      if (placed.has(p.key)) return;
      placed.add(p.key);
      for (const dep of p.depends_on) place(plan.find((q) => q.key === dep)!);
      ordered.push(p);
    };
    plan.forEach(place);
    for (const p of ordered) {
      const depends = p.depends_on.map((key) => byKey.get(key)!.task.id);
      const task = await createTaskInTx(tx, ctx, now, {
        title: p.title,
        description: p.description,
        priority: p.priority,
        assignee: p.assignee,
        tags: p.tags,
        criteria: p.criteria,
        capabilities: p.capabilities,
        dependencyIds: depends,
        eventData: { template: templateName },
      });
      byKey.set(p.key, { key: p.key, task, capabilities: p.capabilities, depends_on: depends });
    }
    await recordEvent(tx, {
      taskId: null,
      type: "template_applied",
      agent: ctx.agent,
      now,
      data: {
        template: templateName,
        tasks: Object.fromEntries([...byKey].map(([k, a]) => [k, a.task.id])),
      },
    });
    return plan.map((p) => byKey.get(p.key)!);
  });
}
