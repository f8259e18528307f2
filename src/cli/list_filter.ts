/**
 * The filters of `tm list` (and `tm search`, and `--where` of the bulk commands): their
 * declarations and the store filter they describe.
 *
 * @module
 */

import type { AppContext } from "../app/context.ts";
import { parseWhen } from "../core/dates.ts";
import { parseDuration } from "../core/duration.ts";
import { usageError, validationError } from "../core/errors.ts";
import {
  parseDeadline,
  parseMeta,
  parsePriority,
  parseStatus,
  type Status,
  TASK_SORTS,
  type TaskSort,
  validateAgentName,
} from "../core/task.ts";
import type { TaskFilter } from "../store/store.ts";
import { parseLimit } from "./command.ts";
import { type OptionValues, optionValues, parseFlags } from "./flags.ts";

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
export const FILTER_OPTIONS = {
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
  "due-before": {
    type: "string",
    value: "WHEN",
    help: "only tasks due before WHEN (tomorrow, friday, +3d, a date; see\n" +
      "tm add --deadline)",
  },
  overdue: { type: "boolean", help: "only open tasks past their deadline" },
  archived: { type: "boolean", help: "include archived tasks (tm archive)" },
  "has-deps": { type: "boolean", help: "only tasks that have dependencies" },
  sort: {
    type: "string",
    value: "ORDER",
    help: "priority (highest first) | created (oldest first) | updated (latest\n" +
      "first) | deadline (soonest first, none last) | urgency (overdue, then\n" +
      "as tm ready orders)",
  },
  limit: { type: "string", value: "N", help: "at most N tasks; 0 = no limit (as the original)" },
  format: { type: "string", value: "text|json", help: "same as --json when json" },
  "no-color": { type: "boolean", help: "no colour on a terminal (also NO_COLOR)" },
} as const;

/** The filter the shared options describe. */
export async function listFilter(
  flags: OptionValues<typeof FILTER_OPTIONS>,
  app: () => Promise<AppContext>,
  search: string | undefined,
): Promise<TaskFilter> {
  const { assignee, priority } = flags;
  // The original's "--limit 0" meant every task; a negative limit stays an error.
  const limit = flags.limit?.trim() === "0" ? undefined : parseLimit(flags.limit);
  const statuses = statusList(flags.status);
  if (flags.open) {
    if (statuses.length > 0) throw usageError("list: --open and --status cannot be combined");
    statuses.push("pending", "in_progress", "blocked");
  }
  // Control characters separate words in the search (src/store ftsQuery), like white space.
  if (search !== undefined && search.replace(/[\s\p{Cc}]+/gu, "") === "") {
    throw validationError("search text is empty", "give one or more words to look for");
  }
  const ctx = await app();
  const now = ctx.now();
  return {
    ...(statuses.length === 0 ? {} : { statuses }),
    ...(assignee === undefined ? {} : { assignee: validateAgentName(assignee, "assignee") }),
    ...(flags.mine ? { mine: ctx.agent } : {}),
    ...(priority === undefined ? {} : { priority: parsePriority(priority) }),
    ...(flags.tag.length === 0 ? {} : { tags: flags.tag.map((t) => t.trim()) }),
    ...(flags.meta === undefined ? {} : { meta: metaFilter(flags.meta) }),
    ...(flags.since === undefined ? {} : { updatedSince: sinceTime(flags.since, now) }),
    ...(search === undefined ? {} : { search }),
    ...(flags.sort === undefined ? {} : { sort: sortOrder(flags.sort), now: now.toISOString() }),
    ...(flags.dueBefore === undefined
      ? {}
      : { dueBefore: parseWhen(flags.dueBefore, now, "--due-before") }),
    ...(flags.overdue ? { overdueAt: now.toISOString() } : {}),
    archived: flags.archived ? "include" : "exclude",
    ...(flags.hasDeps ? { hasDependencies: true } : {}),
    ...(limit === undefined ? {} : { limit }),
  };
}

/**
 * The filter of a `--where` selection: list options as one string (`"--tag x --open"`), or
 * the same as `name=value` words (`"tag=x status=pending,blocked open"`).
 */
export function whereFilter(
  text: string,
  app: () => Promise<AppContext>,
): Promise<TaskFilter> {
  const split = text.split(/\s+/).filter((w) => w !== "");
  // Either form, not a mix: "--tag x" has values after its options, "tag=x" has none.
  const optionForm = split.some((word) => word.startsWith("-"));
  const words = optionForm ? split : split.flatMap((word) => {
    const at = word.indexOf("=");
    return at < 0 ? [`--${word}`] : [`--${word.slice(0, at)}`, word.slice(at + 1)];
  });
  const parsed = parseFlags("--where", words, FILTER_OPTIONS);
  if (parsed.positionals.length > 0) {
    throw usageError(
      `--where: unexpected "${parsed.positionals[0]}"`,
      "use list filters: tag=x open",
    );
  }
  return listFilter(optionValues(FILTER_OPTIONS, parsed.values), app, undefined);
}
