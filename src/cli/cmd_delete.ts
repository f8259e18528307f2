/**
 * `tm delete`: delete a task.
 *
 * @module
 */

import { deleteTask } from "../app/delete_task.ts";
import { booleanFlag, type CommandSpec } from "./command.ts";

/** The `delete` command. */
export const deleteCommand: CommandSpec = {
  name: "delete",
  usage: `Usage: tm delete ID [--force]

Delete a task and print "Task <id> deleted". Refused (exit 5) while other tasks depend on
it, unless --force: then those dependencies are removed too, and dependents that were only
waiting on it become pending. Its shared-context mirror
(shared_context/task_<id>.yaml) goes with it; agents' private notes stay theirs.

Options:
  --force   delete even if other tasks depend on it`,
  options: { force: { type: "boolean" } },
  args: ["ID"],
  authors: true,
  async run({ args, flags, app, io }) {
    const { warnings, ...result } = await deleteTask(await app(), args[0]!, {
      force: booleanFlag(flags, "force"),
    });
    for (const warning of warnings) io.stderr(`tm: warning: ${warning}\n`);
    return { data: { ...result }, text: `Task ${result.task.id} deleted` };
  },
};
