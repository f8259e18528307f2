/**
 * `tm list`: tasks, one line each, filtered, searched and sorted; `tm search` is its shortcut.
 *
 * @module
 */

import { isOverdue, listTasksWithRelations } from "../app/show_task.ts";
import { usageError } from "../core/errors.ts";
import { type CommandResult, defineCommand, type TypedInput } from "./command.ts";
import { FILTER_OPTIONS, listFilter } from "./list_filter.ts";
import { taskLine } from "./output.ts";
import { styleOf, taskTable } from "./terminal.ts";

/** Run a listing: the filtered tasks as lines, or JSON with their tags and dependency ids. */
async function listing(
  input: TypedInput<typeof FILTER_OPTIONS>,
  search: string | undefined,
): Promise<CommandResult> {
  const format = input.flags.format;
  if (format !== undefined && format !== "json" && format !== "text") {
    throw usageError(`invalid --format "${format}": expected text or json`);
  }
  const filter = await listFilter(input.flags, input.app, search);
  const ctx = await input.app();
  const tasks = await listTasksWithRelations(ctx, filter);
  const now = ctx.now().toISOString();
  const result = {
    data: {
      tasks: tasks.map((t) => ({ ...t, overdue: isOverdue(t, now) })),
      count: tasks.length,
    },
    text: tasks.length === 0 ? "No tasks found" : tasks.map((t) => taskLine(t, now)).join("\n"),
  };
  // A person at a terminal gets aligned columns, colour and relative times; a pipe keeps the
  // stable one-line format above.
  const style = styleOf(input.io, input.flags.noColor);
  if (style.terminal && tasks.length > 0 && format === undefined) {
    result.text = taskTable(tasks, ctx.now(), style);
  }
  return format === "json" && !input.json
    ? { ...result, text: JSON.stringify({ schema_version: 1, ...result.data }) }
    : result;
}

/** The `list` command. */
export const listCommand = defineCommand({
  name: "list",
  usage: `Usage: tm list [OPTIONS]

One line per task, oldest first: "[<id>] <title> - <status>" and, in parentheses, priority
(when not medium), assignee, holder and deadline. "No tasks found" when nothing matches.
That is the output in a pipe, stable for scripts; on a terminal the same tasks print as
aligned columns fitted to its width (id, status, priority, title, then "due in 2d",
"lease 12m left", assignee), in colour unless NO_COLOR or --no-color.
Filters combine (all must hold). With --search, best match first (titles weigh most,
then descriptions, then shared context); each word matches as a word prefix.`,
  options: {
    search: {
      type: "string",
      value: "TEXT",
      help: "only tasks whose title, description or shared context has\n" +
        "every word of TEXT",
    },
    ...FILTER_OPTIONS,
  },
  notes: `--json gives each task with its tags and the ids it depends on (depends_on).

Examples:
  tm list --open --sort urgency
  tm list --status pending,blocked --tag backend api
  tm list --mine --since 1d
  tm list --search "login timeout"`,
  args: [],
  run(input) {
    return listing(input, input.flags.search);
  },
});

/** The `search` command: `tm list --search TEXT` with the words as arguments. */
export const searchCommand = defineCommand({
  name: "search",
  usage: `Usage: tm search TEXT... [OPTIONS]

Find tasks by the words of their title, description and shared context, best match first:
the same as tm list --search TEXT, with the list filters.`,
  options: FILTER_OPTIONS,
  notes: `Example:
  tm search login timeout --open`,
  args: ["TEXT..."],
  run(input) {
    return listing(input, input.args[0]!);
  },
});
