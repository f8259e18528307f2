/**
 * `tm complete`: complete a task and unblock its dependents.
 *
 * @module
 */

import { completeTask } from "../app/complete_task.ts";
import { parseHours } from "../core/task.ts";
import { type CommandSpec, stringFlag } from "./command.ts";

/** The `complete` command. */
export const completeCommand: CommandSpec = {
  name: "complete",
  summary: "complete a task; unblock and notify its dependents",
  usage: `Usage: tm complete ID [OPTIONS]

Mark a task completed and print "Task <id> completed". Dependents whose last open
dependency this was become pending, and their participants are notified. Completing a
completed task again is harmless. Refused while the task has open dependencies (exit 5) or
is held by another agent (exit 6).

Options:
  --actual-hours N   hours the work took`,
  options: { "actual-hours": { type: "string" } },
  args: ["ID"],
  authors: true,
  async run({ args, flags, app }) {
    const hours = stringFlag(flags, "actual-hours");
    const result = await completeTask(
      await app(),
      args[0]!,
      hours === undefined ? {} : { actualHours: parseHours(hours, "--actual-hours") },
    );
    const lines = [`Task ${result.task.id} completed`];
    if (result.already_completed) lines[0] += " (already)";
    for (const id of result.unblocked) lines.push(`Unblocked: ${id}`);
    return { data: { ...result }, text: lines.join("\n") };
  },
};
