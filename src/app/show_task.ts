/**
 * Use cases that read tasks: one in full (`tm show`) and lists (`tm list`).
 *
 * @module
 */

import type { FileRef, Task } from "../core/task.ts";
import type {
  Criterion,
  Participant,
  StoreTx,
  TaskEvent,
  TaskFilter,
  TaskRef,
} from "../store/store.ts";
import type { AppContext } from "./context.ts";
import { loadTask } from "./resolve.ts";

/** A task with everything attached to it, as `tm show` prints it. */
export interface TaskDetail extends Task {
  dependencies: TaskRef[];
  dependents: TaskRef[];
  files: FileRef[];
  tags: string[];
  /** Capabilities an agent needs to be offered the task. */
  capabilities: string[];
  criteria: Criterion[];
  participants: Participant[];
  /** The most recent events of the task, oldest first. */
  history: TaskEvent[];
}

/** Load everything `tm show` displays about one task. */
export async function taskDetail(tx: StoreTx, task: Task): Promise<TaskDetail> {
  return {
    ...task,
    dependencies: await tx.dependencies.dependenciesOf(task.id),
    dependents: await tx.dependencies.dependentsOf(task.id),
    files: await tx.tasks.files(task.id),
    tags: await tx.tasks.tags(task.id),
    capabilities: await tx.agents.taskCapabilities(task.id),
    criteria: await tx.tasks.criteria(task.id),
    participants: await tx.participants.list(task.id),
    history: await tx.events.forTask(task.id, 20),
  };
}

/** One task in full, by id or unique prefix. */
export function showTask(ctx: AppContext, idInput: string): Promise<TaskDetail> {
  return ctx.store.read(async (tx) => taskDetail(tx, await loadTask(tx, idInput)));
}

/** Tasks matching `filter`, in creation order. */
export function listTasks(ctx: AppContext, filter: TaskFilter): Promise<Task[]> {
  return ctx.store.read((tx) => tx.tasks.list(filter));
}
