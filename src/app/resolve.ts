/**
 * Turning an id or id prefix typed by a user into one task.
 *
 * @module
 */

import { notFoundError, TmError } from "../core/errors.ts";
import { parseIdPrefix, type Task } from "../core/task.ts";
import type { StoreTx } from "../store/store.ts";

/**
 * Resolve `input` (a full id or a unique prefix of at least 4 characters) to a task id.
 * Fails with exit 3 when nothing matches and exit 5 when the prefix is ambiguous.
 */
export async function resolveTaskId(tx: StoreTx, input: string, what = "task"): Promise<string> {
  const prefix = parseIdPrefix(idFromAddOutput(input), `${what} ID`);
  const ids = await tx.tasks.idsWithPrefix(prefix, 5);
  if (ids.length === 0) {
    throw notFoundError(`${what} "${input}" not found`, "tm list shows the existing tasks");
  }
  if (ids.length > 1) {
    throw new TmError(
      "validation",
      `ambiguous task ID prefix "${input}": matches ${
        ids.slice(0, 4).map((id) => `"${id}"`).join(", ")
      }${ids.length > 4 ? ", …" : ""}`,
      { hint: "type more characters of the id", details: { matches: ids } },
    );
  }
  return ids[0]!;
}

// The original's shell suites capture the whole output of `add` (`ID=$(tm add X)`) and pass
// it on as the id; the original accepted anything there, so the id inside that line is taken.
const ADD_OUTPUT = /^\s*Task created with ID: ([0-9a-f]{8})(?:\s|$)/;

/** The id inside `add`'s `Task created with ID: <id>` line, or `input` as it is. */
export function idFromAddOutput(input: string): string {
  return ADD_OUTPUT.exec(input)?.[1] ?? input;
}

/** Resolve `input` and load the task. */
export async function loadTask(tx: StoreTx, input: string): Promise<Task> {
  const id = await resolveTaskId(tx, input);
  const task = await tx.tasks.get(id);
  if (task === null) throw notFoundError(`task "${input}" not found`);
  return task;
}
