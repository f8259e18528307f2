/**
 * `tm list`: tasks, one line each.
 *
 * @module
 */

import { isOverdue, listTasks } from "../app/show_task.ts";
import { usageError } from "../core/errors.ts";
import { parsePriority, parseStatus, validateAgentName } from "../core/task.ts";
import type { TaskFilter } from "../store/store.ts";
import { defineCommand, parseLimit } from "./command.ts";
import { taskLine } from "./output.ts";

/** The `list` command. */
export const listCommand = defineCommand({
  name: "list",
  usage: `Usage: tm list [OPTIONS]

One line per task, oldest first: "[<id>] <title> - <status>" and, in parentheses, priority
(when not medium), assignee, holder and deadline. "No tasks found" when nothing matches.`,
  options: {
    status: {
      type: "string",
      value: "S",
      help: "pending | in_progress | blocked | completed | cancelled",
    },
    assignee: { type: "string", value: "AGENT", help: "only tasks assigned to AGENT" },
    priority: { type: "string", value: "P", help: "low | medium | high | critical" },
    tag: { type: "string", value: "TAG", help: "only tasks with this tag" },
    "has-deps": { type: "boolean", help: "only tasks that have dependencies" },
    limit: { type: "string", value: "N", help: "at most N tasks" },
    format: { type: "string", value: "text|json", help: "same as --json when json" },
  },
  args: [],
  async run({ flags, app, json }) {
    const { status, assignee, priority, tag } = flags;
    const limit = parseLimit(flags.limit);
    const format = flags.format;
    if (format !== undefined && format !== "json" && format !== "text") {
      throw usageError(`invalid --format "${format}": expected text or json`);
    }
    const filter: TaskFilter = {
      ...(status === undefined ? {} : { status: parseStatus(status) }),
      ...(assignee === undefined ? {} : { assignee: validateAgentName(assignee, "assignee") }),
      ...(priority === undefined ? {} : { priority: parsePriority(priority) }),
      ...(tag === undefined ? {} : { tag }),
      ...(flags.hasDeps ? { hasDependencies: true } : {}),
      ...(limit === undefined ? {} : { limit }),
    };
    const tasks = await listTasks(await app(), filter);
    const now = (await app()).now().toISOString();
    const result = {
      data: {
        tasks: tasks.map((t) => ({ ...t, overdue: isOverdue(t, now) })),
        count: tasks.length,
      },
      text: tasks.length === 0 ? "No tasks found" : tasks.map((t) => taskLine(t, now)).join("\n"),
    };
    return format === "json" && !json
      ? { ...result, text: JSON.stringify({ schema_version: 1, ...result.data }) }
      : result;
  },
});
