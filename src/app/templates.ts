/**
 * Use case: create the tasks of a template (`tm template apply`) in one write transaction.
 * The plan was checked before (src/core/template.ts): keys resolve, no cycle, valid values.
 *
 * @module
 */

import type { PlannedTask } from "../core/template.ts";
import type { Task } from "../core/task.ts";
import { insertWithFreshId } from "./add_task.ts";
import { type AppContext, nowIso } from "./context.ts";
import { recordEvent } from "./_events.ts";

/** One created task and its template key. */
export interface AppliedTask {
  key: string;
  task: Task;
  capabilities: string[];
  /** Ids of the tasks it depends on. */
  depends_on: string[];
}

/** Create every task of `plan`, in order, with dependencies by key; all or nothing. */
export function applyPlan(
  ctx: AppContext,
  templateName: string,
  plan: readonly PlannedTask[],
): Promise<AppliedTask[]> {
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
      const task = await insertWithFreshId(tx, {
        title: p.title,
        description: p.description,
        status: depends.length > 0 ? "blocked" : "pending",
        priority: p.priority,
        assignee: p.assignee,
        created_by: ctx.agent,
        created_at: now,
        updated_at: now,
        started_at: null,
        completed_at: null,
        deadline: null,
        estimated_hours: null,
        actual_hours: null,
        claimed_by: null,
        lease_expires_at: null,
      });
      for (const id of depends) await tx.dependencies.add(task.id, id, now);
      for (const tag of p.tags) await tx.tasks.addTag(task.id, tag);
      for (const criterion of p.criteria) await tx.tasks.addCriterion(task.id, criterion);
      for (const capability of p.capabilities) {
        await tx.agents.addTaskCapability(task.id, capability);
      }
      await tx.participants.add(task.id, ctx.agent, "creator", now);
      if (p.assignee !== null) await tx.participants.add(task.id, p.assignee, "assignee", now);
      await recordEvent(tx, {
        taskId: task.id,
        type: "created",
        agent: ctx.agent,
        now,
        data: {
          title: p.title,
          status: task.status,
          dependencies: depends,
          template: templateName,
        },
        ...(p.assignee !== null && p.assignee !== ctx.agent
          ? {
            notify: {
              recipients: [p.assignee],
              message:
                `Task ${task.id} "${p.title}" was created and assigned to you by ${ctx.agent}`,
            },
          }
          : {}),
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
