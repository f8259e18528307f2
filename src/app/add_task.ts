/**
 * Use case: create a task (`tm add`).
 *
 * @module
 */

import { notFoundError, TmError } from "../core/errors.ts";
import {
  type CriterionInput,
  type FileRef,
  newTaskId,
  newTaskRow,
  type Priority,
  satisfiesDependents,
  type Task,
  validateTitle,
} from "../core/task.ts";
import type { StoreTx } from "../store/store.ts";
import { type AppContext, nowIso } from "./context.ts";
import { recordEvent } from "./_events.ts";
import { requireFeatures } from "./_features.ts";
import { resolveTaskId } from "./resolve.ts";

/** What `tm add` accepts. Values are already parsed; the title is checked here. */
export interface NewTask {
  title: string;
  description?: string | null;
  priority?: Priority;
  dependsOn?: readonly string[];
  files?: readonly FileRef[];
  assignee?: string | null;
  tags?: readonly string[];
  criteria?: readonly CriterionInput[];
  deadline?: string | null;
  estimatedHours?: number | null;
  /** Capabilities an agent needs to be offered the task (already parsed). */
  capabilities?: readonly string[];
  /** Metadata pairs (`--meta KEY:VALUE`, `--phase`), already parsed. */
  meta?: ReadonlyArray<{ key: string; value: string }>;
}

/** Resolve dependency ids typed by a user; an unknown one is refused with exit 3. */
export async function resolveDependencyIds(
  tx: StoreTx,
  inputs: readonly string[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const input of inputs) {
    try {
      ids.push(await resolveTaskId(tx, input, "dependency"));
    } catch (error) {
      if (error instanceof TmError && error.code === "not_found") {
        throw notFoundError(
          `Invalid dependency ID "${input}": no such task`,
          "tm list shows the existing tasks",
        );
      }
      throw error;
    }
  }
  return [...new Set(ids)];
}

/** Insert a task with a fresh id inside `tx`, retrying on the (rare) id collision. */
export async function insertWithFreshId(tx: StoreTx, task: Omit<Task, "id">): Promise<Task> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const id = newTaskId();
    if (await tx.tasks.get(id) !== null) continue;
    const row = { id, ...task };
    await tx.tasks.insert(row);
    return row;
  }
  throw new Error("could not allocate a unique task id after 20 attempts");
}

/** A new task whose values are checked and whose dependencies are resolved ids. */
export interface CheckedTask extends Omit<NewTask, "title" | "dependsOn"> {
  title: string;
  dependencyIds: readonly string[];
  /** Extra fields for the `created` event (for example the template it came from). */
  eventData?: Record<string, unknown>;
}

/**
 * Create one task inside the caller's write transaction: the row (blocked while a dependency
 * is open), its dependencies, files, tags, criteria, capabilities and participants, and the
 * `created` event, which tells an assignee other than the creator.
 */
export async function createTaskInTx(
  tx: StoreTx,
  ctx: AppContext,
  now: string,
  input: CheckedTask,
): Promise<Task> {
  let open = 0;
  for (const id of input.dependencyIds) {
    const dependency = await tx.tasks.get(id);
    if (dependency !== null && !satisfiesDependents(dependency.status)) open++;
  }
  const { id: _unused, ...row } = newTaskRow({
    id: "",
    title: input.title,
    created_by: ctx.agent,
    created_at: now,
    description: input.description ?? null,
    status: open > 0 ? "blocked" : "pending",
    priority: input.priority ?? "medium",
    assignee: input.assignee ?? null,
    deadline: input.deadline ?? null,
    estimated_hours: input.estimatedHours ?? null,
  });
  const task = await insertWithFreshId(tx, row);
  for (const id of input.dependencyIds) await tx.dependencies.add(task.id, id, now);
  for (const file of input.files ?? []) await tx.tasks.addFile(task.id, file);
  for (const tag of input.tags ?? []) await tx.tasks.addTag(task.id, tag);
  for (const criterion of input.criteria ?? []) await tx.tasks.addCriterion(task.id, criterion);
  for (const { key, value } of input.meta ?? []) await tx.tasks.setMeta(task.id, key, value);
  for (const capability of input.capabilities ?? []) {
    await tx.agents.addTaskCapability(task.id, capability);
  }
  await tx.participants.add(task.id, ctx.agent, "creator", now);
  if (task.assignee !== null) await tx.participants.add(task.id, task.assignee, "assignee", now);
  await recordEvent(tx, {
    taskId: task.id,
    type: "created",
    agent: ctx.agent,
    now,
    data: {
      title: task.title,
      status: task.status,
      dependencies: [...input.dependencyIds],
      ...input.eventData,
    },
    ...(task.assignee !== null && task.assignee !== ctx.agent
      ? {
        notify: {
          recipients: [task.assignee],
          message:
            `Task ${task.id} "${task.title}" was created and assigned to you by ${ctx.agent}`,
        },
      }
      : {}),
  });
  return task;
}

/** Create a task with its dependencies, files, tags and criteria in one transaction. */
export async function addTask(ctx: AppContext, input: NewTask): Promise<Task> {
  const title = validateTitle(input.title);
  await requireFeatures(ctx, [
    ["success-criteria", "--criteria", (input.criteria?.length ?? 0) > 0],
    ["deadlines", "--deadline", input.deadline != null],
    ["time-tracking", "--estimated-hours", input.estimatedHours != null],
  ]);
  return ctx.store.write(async (tx) => {
    const dependencyIds = await resolveDependencyIds(tx, input.dependsOn ?? []);
    const { dependsOn: _typed, ...rest } = input;
    return createTaskInTx(tx, ctx, nowIso(ctx), { ...rest, title, dependencyIds });
  });
}
