/**
 * `tm archive` and `tm restore-task`: finished work out of the way, deleted work back.
 *
 * @module
 */

import { archiveTasks, restoreTask, TOMBSTONE_DAYS } from "../app/archive.ts";
import { parseDuration } from "../core/duration.ts";
import { defineCommand } from "./command.ts";

/** The `archive` command. */
export const archiveCommand = defineCommand({
  name: "archive",
  usage: `Usage: tm archive [--older-than DURATION]

Move completed and cancelled tasks out of the default views: tm list, search, board, tree
and --where selections leave archived tasks out; tm list --archived (and search
--archived) includes them, tm show and tm export still show them. Prints "Archived <n>
tasks".`,
  options: {
    "older-than": {
      type: "string",
      value: "DURATION",
      help: "only tasks finished longer ago than this (30d, 12h; default: all)",
    },
  },
  args: [],
  authors: true,
  async run({ flags, app }) {
    const olderThan = flags.olderThan === undefined
      ? 0
      : parseDuration(flags.olderThan, "--older-than");
    const ids = await archiveTasks(await app(), olderThan);
    return {
      data: { archived: ids, count: ids.length },
      text: `Archived ${ids.length} ${ids.length === 1 ? "task" : "tasks"}`,
    };
  },
});

/** The `restore-task` command. */
export const restoreTaskCommand = defineCommand({
  name: "restore-task",
  usage: `Usage: tm restore-task ID

Bring back a task deleted less than ${TOMBSTONE_DAYS} days ago (tm delete keeps a tombstone
with its full record): its fields, files, tags, metadata, criteria, progress and
dependencies on tasks that still exist. Tasks that depended on it are not re-linked (tm dep
add does that). Prints "Task <id> restored".`,
  options: {},
  args: ["ID"],
  authors: true,
  async run({ args, app }) {
    const result = await restoreTask(await app(), args[0]!);
    const skipped = result.skipped_dependencies;
    return {
      data: { ...result },
      text: `Task ${result.task.id} restored` +
        (skipped.length === 0 ? "" : `\nSkipped dependencies (deleted): ${skipped.join(", ")}`),
    };
  },
});
