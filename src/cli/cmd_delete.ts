/**
 * `tm delete`: delete a task.
 *
 * @module
 */

import { deleteTask } from "../app/delete_task.ts";
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
  async run({ args, flags, app }) {
    // The use case removes the mirror after its commit; a failure comes back as a warning.
    const { warnings, ...result } = await deleteTask(await app(), args[0]!, {
      force: flags.force,
    });
    return { data: { ...result }, text: `Task ${result.task.id} deleted`, warnings };
  },
});
