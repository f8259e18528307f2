/**
 * `tm delete`: delete a task.
 *
 * @module
 */

import { deleteTask } from "../app/delete_task.ts";
import { defineCommand } from "./command.ts";
import { forTasks, WHERE_OPTION } from "./bulk.ts";

/** The `delete` command. */
export const deleteCommand = defineCommand({
  name: "delete",
  usage: `Usage: tm delete ID... [--force]
       tm delete --where FILTERS [--force]

Delete a task and print "Task <id> deleted". Refused (exit 5) while other tasks depend on
it, unless --force: then those dependencies are removed too, and dependents that were only
waiting on it become pending. Its shared-context mirror
(shared_context/task_<id>.yaml) goes with it; agents' private notes stay theirs.

Several ids, or --where, delete every task named in one transaction: all or nothing, with
one line per task.`,
  options: {
    force: { type: "boolean", help: "delete even if other tasks depend on it" },
    ...WHERE_OPTION,
  },
  args: [],
  optionalArgs: ["ID..."],
  authors: true,
  run({ args, flags, app }) {
    return forTasks("delete", { ids: args[0], where: flags.where, app }, async (ctx, id) => {
      // The use case removes the mirror after its commit; a failure comes back as a warning.
      const { warnings, ...result } = await deleteTask(ctx, id, { force: flags.force });
      return { data: { ...result }, text: `Task ${result.task.id} deleted`, warnings };
    });
  },
});
