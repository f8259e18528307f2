/**
 * Use cases that read tasks: one in full (`tm show`) and lists (`tm list`).
 *
 * @module
 */

import { type FileRef, isClosed, type Task } from "../core/task.ts";
import type { Participant } from "../core/collaboration.ts";
import type { TaskEvent } from "../core/event.ts";
import type { TaskRef } from "../core/task.ts";
import type { Completion, CriterionCheck, Feedback, ProgressEntry } from "../core/tracking.ts";
import type { StoreTx, TaskFilter } from "../store/store.ts";
import type { AppContext } from "./context.ts";
import { loadTask } from "./resolve.ts";
import type { CriterionVerdict } from "../core/criteria.ts";

/** A task with everything attached to it, as `tm show` prints it. */
export interface TaskDetail extends Task {
  dependencies: TaskRef[];
  dependents: TaskRef[];
  files: FileRef[];
  tags: string[];
  /** Metadata given with `--meta KEY:VALUE` (and `--phase`), by key. */
  meta: Record<string, string>;
  /** Capabilities an agent needs to be offered the task. */
  capabilities: string[];
  /** Each criterion's recorded check, and its verdict now (`result`, `reason`). */
  criteria: Array<CriterionCheck & Pick<CriterionVerdict, "result" | "reason">>;
  participants: Participant[];
  /** Past its deadline and not closed. */
  overdue: boolean;
  /** Percent complete from the latest progress update that gave one. */
  percent: number | null;
  /** The most recent progress updates, oldest first. */
  progress: ProgressEntry[];
  /** Hours between the first start and completion (or now). */
  time_in_progress_hours: number | null;
  completion: Completion | null;
  feedback: Feedback[];
  /** The most recent events of the task, oldest first. */
  history: TaskEvent[];
}

/** A task's criteria with the verdict `tm criteria` and `complete --validate` would give. */
async function judgedCriteria(tx: StoreTx, taskId: string): Promise<TaskDetail["criteria"]> {
  const criteria = await tx.tracking.criteria(taskId);
  if (criteria.length === 0) return [];
  // Only a task with criteria loads the judging (and the task-writing code app/criteria.ts
  // brings along); the specifiers are computed so list and show do not read them at start-up.
  const [{ valueMap }, { judgeCriterion }] = await Promise.all([
    import(new URL("./criteria.ts", import.meta.url).href) as Promise<
      typeof import("./criteria.ts")
    >,
    import(new URL("../core/criteria.ts", import.meta.url).href) as Promise<
      typeof import("../core/criteria.ts")
    >,
  ]);
  const values = valueMap(await tx.tracking.values(taskId));
  return criteria.map((c) => {
    const { result, reason } = judgeCriterion(c, values);
    return { ...c, result, reason };
  });
}

/** Load everything `tm show` displays about one task. */
export async function taskDetail(tx: StoreTx, task: Task, now: Date): Promise<TaskDetail> {
  const progress = await tx.tracking.progress(task.id, 20);
  const started = task.started_at === null ? null : Date.parse(task.started_at);
  const ended = task.completed_at === null ? now.getTime() : Date.parse(task.completed_at);
  return {
    ...task,
    overdue: isOverdue(task, now.toISOString()),
    percent: progress.findLast((p) => p.percent !== null)?.percent ?? null,
    progress,
    time_in_progress_hours: started === null
      ? null
      : Math.round(Math.max(0, ended - started) / 36_000) / 100,
    completion: task.status === "completed" ? await tx.tracking.completion(task.id) : null,
    feedback: task.status === "completed" ? await tx.tracking.feedback(task.id) : [],
    dependencies: await tx.dependencies.dependenciesOf(task.id),
    dependents: await tx.dependencies.dependentsOf(task.id),
    files: await tx.tasks.files(task.id),
    tags: await tx.tasks.tags(task.id),
    meta: await tx.tasks.meta(task.id),
    capabilities: await tx.agents.taskCapabilities(task.id),
    criteria: await judgedCriteria(tx, task.id),
    participants: await tx.participants.list(task.id),
    history: await tx.events.forTask(task.id, 20),
  };
}

/** One task in full, by id or unique prefix. */
export function showTask(ctx: AppContext, idInput: string): Promise<TaskDetail> {
  return ctx.store.read(async (tx) => taskDetail(tx, await loadTask(tx, idInput), ctx.now()));
}

/** Whether `task` is past its deadline at `now` (ISO 8601) and still open. */
export function isOverdue(task: Task, now: string): boolean {
  return task.deadline !== null && task.deadline < now && !isClosed(task.status);
}

/** Tasks matching `filter`, in creation order. */
export function listTasks(ctx: AppContext, filter: TaskFilter): Promise<Task[]> {
  return ctx.store.read((tx) => tx.tasks.list(filter));
}

/** A listed task with its tags and the ids it depends on (`tm list --json`). */
export type ListedTask = Task & { tags: string[]; depends_on: string[] };

/** Tasks matching `filter`, each with its tags and dependency ids, read in one snapshot. */
export function listTasksWithRelations(
  ctx: AppContext,
  filter: TaskFilter,
): Promise<ListedTask[]> {
  return ctx.store.read(async (tx) => {
    const tasks = await tx.tasks.list(filter);
    const relations = await tx.tasks.relations(tasks.map((t) => t.id));
    return tasks.map((t) => ({ ...t, ...relations.get(t.id)! }));
  });
}
