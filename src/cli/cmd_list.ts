/**
 * `tm list`: tasks, one line each.
 *
 * @module
 */

import { isOverdue, listTasks } from "../app/show_task.ts";
import { usageError } from "../core/errors.ts";
import { parsePriority, parseStatus, validateAgentName } from "../core/task.ts";
import type { TaskFilter } from "../store/store.ts";
import { booleanFlag, type CommandSpec, limitFlag, stringFlag } from "./command.ts";
import { taskLine } from "./output.ts";

/** The `list` command. */
export const listCommand: CommandSpec = {
  name: "list",
  usage: `Usage: tm list [OPTIONS]

One line per task, oldest first: "[<id>] <title> - <status>" and, in parentheses, priority
(when not medium), assignee, holder and deadline. "No tasks found" when nothing matches.

Options:
  --status S          pending | in_progress | blocked | completed | cancelled
  --assignee AGENT    only tasks assigned to AGENT
  --priority P        low | medium | high | critical
  --tag TAG           only tasks with this tag
  --has-deps          only tasks that have dependencies
  --limit N           at most N tasks
  --format text|json  same as --json when json`,
  options: {
    status: { type: "string" },
    assignee: { type: "string" },
    priority: { type: "string" },
    tag: { type: "string" },
    "has-deps": { type: "boolean" },
    limit: { type: "string" },
    format: { type: "string" },
  },
  args: [],
  async run({ flags, app, json }) {
    const status = stringFlag(flags, "status");
    const assignee = stringFlag(flags, "assignee");
    const priority = stringFlag(flags, "priority");
    const tag = stringFlag(flags, "tag");
    const limit = limitFlag(flags);
    const format = stringFlag(flags, "format");
    if (format !== undefined && format !== "json" && format !== "text") {
      throw usageError(`invalid --format "${format}": expected text or json`);
    }
    const filter: TaskFilter = {
      ...(status === undefined ? {} : { status: parseStatus(status) }),
      ...(assignee === undefined ? {} : { assignee: validateAgentName(assignee, "assignee") }),
      ...(priority === undefined ? {} : { priority: parsePriority(priority) }),
      ...(tag === undefined ? {} : { tag }),
      ...(booleanFlag(flags, "has-deps") ? { hasDependencies: true } : {}),
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
};
