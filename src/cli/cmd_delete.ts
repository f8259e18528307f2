/**
 * `tm delete`: delete a task.
 *
 * @module
 */

import { deleteTask } from "../app/delete_task.ts";
import { removeSharedContext } from "../files/shared_context.ts";
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
  async run({ args, flags, app, location, io }) {
    const result = await deleteTask(await app(), args[0]!, { force: booleanFlag(flags, "force") });
    // After the commit: a file that cannot be removed is a warning, never a failed delete.
    await removeSharedContext(location.dataDir, result.task.id).catch((error) =>
      io.stderr(`tm: warning: could not remove the shared-context mirror: ${error.message}\n`)
    );
    return { data: { ...result }, text: `Task ${result.task.id} deleted` };
  },
};
