/**
 * `tm dep add|remove`: change the dependencies of an existing task.
 *
 * @module
 */

import { addDependency, removeDependency } from "../app/dependencies.ts";
import { usageError } from "../core/errors.ts";
import { defineCommand } from "./command.ts";

/** The `dep` command family. */
export const depCommand = defineCommand({
  name: "dep",
  usage: `Usage: tm dep add ID DEP_ID
       tm dep remove ID DEP_ID

add: task ID waits for DEP_ID. A pending ID becomes blocked while DEP_ID is open. An
     edge that would close a cycle is refused (exit 5) and the cycle is named.
remove: ID no longer waits for DEP_ID; if that was its last open dependency it becomes
     pending and its participants are notified.`,
  options: {},
  args: ["add|remove", "ID", "DEP_ID"],
  authors: true,
  async run({ args, app }) {
    const [action, id, depId] = args as [string, string, string];
    if (action === "add") {
      const result = await addDependency(await app(), id, depId);
      return {
        data: { ...result },
        text: result.changed
          ? `Task ${result.task.id} now depends on ${result.depends_on}` +
            (result.task.status === "blocked" ? " (blocked)" : "")
          : `Task ${result.task.id} already depends on ${result.depends_on}`,
      };
    }
    if (action === "remove" || action === "rm") {
      const result = await removeDependency(await app(), id, depId);
      return {
        data: { ...result },
        text: `Task ${result.task.id} no longer depends on ${result.depends_on}`,
      };
    }
    throw usageError(`dep: unknown action "${action}"`, 'use "tm dep add" or "tm dep remove"');
  },
});
