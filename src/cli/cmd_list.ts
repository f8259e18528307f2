/**
 * `tm list`: tasks, one line each, filtered, searched and sorted; `tm search` is its shortcut.
 *
 * @module
 */

import { isOverdue, listTasksWithRelations } from "../app/show_task.ts";
import { parseDuration } from "../core/duration.ts";
import { usageError, validationError } from "../core/errors.ts";
import {
  parseDeadline,
  parseMeta,
  parsePriority,
  parseStatus,
  type Status,
  validateAgentName,
} from "../core/task.ts";
import { TASK_SORTS, type TaskFilter, type TaskSort } from "../store/store.ts";
import { type CommandResult, defineCommand, parseLimit, type TypedInput } from "./command.ts";
import { taskLine } from "./output.ts";

/** `--meta KEY` (any value) or `--meta KEY:VALUE` as a filter. */
function metaFilter(text: string): { key: string; value: string | null } {
  const { key, value } = parseMeta(text);
  return { key, value: /[:=]/.test(text) ? value : null };
}

/** `--status pending,blocked`: every status named. */
function statusList(value: string | undefined): Status[] {
  if (value === undefined) return [];
  const names = value.split(",").filter((v) => v.trim() !== "");
  return names.length === 0 ? [parseStatus(value)] : names.map(parseStatus);
}

/**
 * `--since`: an ISO 8601 date (its start, UTC) or date-time, or a duration back from now
 * (`3d`, `12h`).
 */
export function sinceTime(value: string, now: Date): string {
  const text = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return parseDeadline(`${text}T00:00:00Z`);
  if (/^\d{4}-/.test(text)) return parseDeadline(text);
  return new Date(now.getTime() - parseDuration(text, "--since")).toISOString();
}

/** `--sort`, checked. */
function sortOrder(value: string): TaskSort {
  const sort = value.trim().toLowerCase();
  if (!(TASK_SORTS as readonly string[]).includes(sort)) {
    throw usageError(`invalid --sort "${value}": expected ${TASK_SORTS.join(", ")}`);
  }
  return sort as TaskSort;
}

/** The options `list` and `search` share: every filter and the order. */
const FILTER_OPTIONS = {
  status: {
    type: "string",
    value: "S[,S...]",
    help: "pending | in_progress | blocked | completed | cancelled;\n" +
      "several comma-separated: any of them",
  },
  open: { type: "boolean", help: "only open tasks (not completed or cancelled)" },
  assignee: { type: "string", value: "AGENT", help: "only tasks assigned to AGENT" },
  mine: { type: "boolean", help: "only tasks assigned to or held by you" },
  priority: { type: "string", value: "P", help: "low | medium | high | critical" },
  tag: {
    type: "string",
    multiple: true,
    variadic: true,
    value: "TAG...",
    help: "only tasks with this tag; several (after one flag or repeated):\n" +
      "tasks with all of them",
  },
  meta: {
    type: "string",
    value: "KEY[:VALUE]",
    help: "only tasks with this metadata key (and value; see tm add --meta)",
  },
  since: {
    type: "string",
    value: "WHEN",
    help: "only tasks changed since WHEN: a date, a date-time, or a duration\n" +
      "back from now (3d, 12h)",
  },
  "has-deps": { type: "boolean", help: "only tasks that have dependencies" },
  sort: {
    type: "string",
    value: "ORDER",
    help: "priority (highest first) | created (oldest first) | updated (latest\n" +
      "first) | deadline (soonest first, none last) | urgency (overdue, then\n" +
      "as tm ready orders)",
  },
  limit: { type: "string", value: "N", help: "at most N tasks" },
  format: { type: "string", value: "text|json", help: "same as --json when json" },
} as const;

/** The filter the shared options describe. */
async function listFilter(
  input: TypedInput<typeof FILTER_OPTIONS>,
  search: string | undefined,
): Promise<TaskFilter> {
  const { flags } = input;
  const { assignee, priority } = flags;
  const limit = parseLimit(flags.limit);
  const statuses = statusList(flags.status);
  if (flags.open) {
    if (statuses.length > 0) throw usageError("list: --open and --status cannot be combined");
    statuses.push("pending", "in_progress", "blocked");
  }
  if (search !== undefined && search.trim() === "") {
    throw validationError("search text is empty", "give one or more words to look for");
  }
  const ctx = flags.mine || flags.since !== undefined || flags.sort === "urgency"
    ? await input.app()
    : undefined;
  const now = ctx?.now() ?? new Date();
  return {
    ...(statuses.length === 0 ? {} : { statuses }),
    ...(assignee === undefined ? {} : { assignee: validateAgentName(assignee, "assignee") }),
    ...(flags.mine ? { mine: ctx!.agent } : {}),
    ...(priority === undefined ? {} : { priority: parsePriority(priority) }),
    ...(flags.tag.length === 0 ? {} : { tags: flags.tag.map((t) => t.trim()) }),
    ...(flags.meta === undefined ? {} : { meta: metaFilter(flags.meta) }),
    ...(flags.since === undefined ? {} : { updatedSince: sinceTime(flags.since, now) }),
    ...(search === undefined ? {} : { search }),
    ...(flags.sort === undefined ? {} : { sort: sortOrder(flags.sort), now: now.toISOString() }),
    ...(flags.hasDeps ? { hasDependencies: true } : {}),
    ...(limit === undefined ? {} : { limit }),
  };
}

/** Run a listing: the filtered tasks as lines, or JSON with their tags and dependency ids. */
async function listing(
  input: TypedInput<typeof FILTER_OPTIONS>,
  search: string | undefined,
): Promise<CommandResult> {
  const format = input.flags.format;
  if (format !== undefined && format !== "json" && format !== "text") {
    throw usageError(`invalid --format "${format}": expected text or json`);
  }
  const filter = await listFilter(input, search);
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
