/**
 * `tm show`: one task in full.
 *
 * @module
 */

import { showTask } from "../app/show_task.ts";
import { usageError } from "../core/errors.ts";
import { defineCommand } from "./command.ts";
import { taskDetailText } from "./output.ts";

/** The `show` command. */
export const showCommand = defineCommand({
  name: "show",
  usage: `Usage: tm show ID

Print one task: a "key: value" line per field (status, priority, assignee, deadline
- "(OVERDUE)" when past it -, estimate, actual hours, time in progress, percent, holder
and lease, dependencies, dependents, files, tags, participants), then the success criteria
with their check status, the latest progress update, the completion summary, unverified
criteria and feedback (completed tasks), the description, the progress history and the
recent history. ID may be a unique prefix of at least 4 characters.`,
  options: {
    format: { type: "string", value: "text|json", help: "same as --json when json" },
  },
  args: ["ID"],
  async run({ args, flags, app, json }) {
    const format = flags.format;
    if (format !== undefined && format !== "json" && format !== "text") {
      throw usageError(`invalid --format "${format}": expected text or json`);
    }
    const task = await showTask(await app(), args[0]!);
    const data = { task };
    if (format === "json" && !json) {
      return { data, text: JSON.stringify({ schema_version: 1, ...data }) };
    }
    return { data, text: taskDetailText(task) };
  },
});
