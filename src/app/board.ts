/**
 * Use case: the whole board at a glance, for the dashboard of `tm serve` — every task, the
 * dependency edges, who holds what until when, the critical path, and the event id the
 * snapshot is consistent with (a live stream resumes right after it).
 *
 * @module
 */

import { criticalPath } from "../core/critical_path.ts";
import type { Task } from "../core/task.ts";
import type { Agent } from "../core/agent.ts";
import type { DependencyEdge } from "../core/task.ts";
import { type AppContext, nowIso } from "./context.ts";
import { isOverdue } from "./show_task.ts";

/** A lease on a task, as the board shows it. */
export interface Holder {
  agent: string;
  task_id: string;
  title: string;
  lease_expires_at: string | null;
  /** Whether the lease has ended (the task is claimable again). */
  expired: boolean;
}

/** The board document. */
export interface Board {
  now: string;
  tasks: Array<Task & { overdue: boolean }>;
  edges: DependencyEdge[];
  holders: Holder[];
  agents: Agent[];
  critical_path: { ids: string[]; total_hours: number };
  /** The newest event included in this snapshot. */
  last_event_id: number;
}

/** Read the board in one snapshot. */
export function readBoard(ctx: AppContext): Promise<Board> {
  return ctx.store.read(async (tx) => {
    const now = nowIso(ctx);
    const tasks = await tx.tasks.all();
    const edges = await tx.dependencies.all();
    const graph = await tx.tracking.openGraph();
    const path = criticalPath(
      graph.tasks.map((t) => ({ id: t.id, hours: t.estimated_hours ?? 0 })),
      graph.edges,
    );
    const holders = tasks
      .filter((t) => t.status === "in_progress" && t.claimed_by !== null)
      .map((t) => ({
        agent: t.claimed_by!,
        task_id: t.id,
        title: t.title,
        lease_expires_at: t.lease_expires_at,
        expired: t.lease_expires_at !== null && t.lease_expires_at < now,
      }));
    return {
      now,
      tasks: tasks.map((t) => ({ ...t, overdue: isOverdue(t, now) })),
      edges,
      holders,
      agents: await tx.agents.list(),
      critical_path: { ids: path.ids, total_hours: path.total_hours },
      last_event_id: await tx.events.lastId(),
    };
  });
}
