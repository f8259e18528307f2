/**
 * `tm delete`: delete a task.
 *
 * @module
 */

import { deleteTask } from "../app/delete_task.ts";
import { removeSharedContext } from "../files/shared_context.ts";
import { defineCommand } from "./command.ts";

/** The `delete` command. */
export const deleteCommand = defineCommand({
  name: "delete",
  usage: `Usage: tm delete ID [--force]

Delete a task and print "Task <id> deleted". Refused (exit 5) while other tasks depend on
it, unless --force: then those dependencies are removed too, and dependents that were only
waiting on it become pending. Its shared-context mirror
(shared_context/task_<id>.yaml) goes with it; agents' private notes stay theirs.`,
  options: {
    force: { type: "boolean", help: "delete even if other tasks depend on it" },
  },
  args: ["ID"],
  authors: true,
  async run({ args, flags, app, location }) {
    const result = await deleteTask(await app(), args[0]!, { force: flags.force });
    // After the commit: a file that cannot be removed is a warning, never a failed delete.
    const warnings = await removeSharedContext(location.dataDir, result.task.id).then(
      () => [],
      (error) => [`could not remove the shared-context mirror: ${error.message}`],
    );
    return { data: { ...result }, text: `Task ${result.task.id} deleted`, warnings };
  },
});
