/**
 * `tm update` and `tm assign`: change a task's fields.
 *
 * @module
 */

import type { AppContext } from "../app/context.ts";
import { assignTask, parseTaskChanges, updateTask } from "../app/update_task.ts";
import { metaEntries, parseFileRef, validateAgentName } from "../core/task.ts";
import { usageError } from "../core/errors.ts";
import { defineCommand } from "./command.ts";
import { forTasks, WHERE_OPTION } from "./bulk.ts";
import { optionalText } from "./text_input.ts";

/** The `update` command. */
export const updateCommand = defineCommand({
  name: "update",
  usage: `Usage: tm update ID... [OPTIONS]
       tm update --where FILTERS [OPTIONS]

Change fields of a task and print "Task <id> updated". Status changes follow the rules:
completed is final; a task with open dependencies cannot become pending, in_progress or
completed; leaving in_progress ends the claim. Setting completed is the same as tm complete.

Several ids (before the options), or --where, change every task named in one
transaction: all or nothing, with one line per task.`,
  options: {
    status: {
      type: "string",
      value: "S",
      help: "pending | in_progress | blocked | completed | cancelled",
    },
    priority: { type: "string", short: "p", value: "P", help: "low | medium | high | critical" },
    assignee: { type: "string", value: "AGENT", help: 'new assignee ("" or none clears it)' },
    title: { type: "string", value: "TEXT", help: "new title" },
    description: {
      type: "string",
      short: "d",
      value: "T",
      help: "new description; @FILE reads a file, - reads stdin",
    },
    deadline: {
      type: "string",
      value: "WHEN",
      help: 'new deadline, as tm add takes it ("" clears it)',
    },
    "estimated-hours": { type: "string", value: "N", help: "new estimate" },
    tag: { type: "string", multiple: true, variadic: true, value: "TAG...", help: "add tags" },
    untag: {
      type: "string",
      multiple: true,
      variadic: true,
      value: "TAG...",
      help: "remove tags",
    },
    "add-file": {
      type: "string",
      multiple: true,
      variadic: true,
      value: "PATH[:LINE[:END]]...",
      help: "add file references",
    },
    "remove-file": {
      type: "string",
      multiple: true,
      variadic: true,
      value: "PATH[:LINE[:END]]...",
      help: "remove file references (a path alone: every one to that file)",
    },
    meta: {
      type: "string",
      multiple: true,
      value: "KEY:VALUE",
      help: "set task metadata (see tm add --meta); repeatable",
    },
    ...WHERE_OPTION,
  },
  args: [],
  optionalArgs: ["ID..."],
  variadicAfter: 1,
  authors: true,
  async run({ args, flags, app, io }) {
    const { status, priority, assignee, title, deadline } = flags;
    const description = await optionalText(flags.description, io, "the description");
    const tags = (values: readonly string[]) => values.map((t) => t.trim()).filter((t) => t !== "");
    const hours = flags.estimatedHours;
    const changes = {
      ...parseTaskChanges(
        { status, priority, assignee, title, description, deadline, estimatedHours: hours },
        "--estimated-hours",
        io.now(),
      ),
      addTags: tags(flags.tag),
      removeTags: tags(flags.untag),
      addFiles: flags.addFile.map(parseFileRef),
      removeFiles: flags.removeFile.map(parseFileRef),
      meta: metaEntries(flags.meta, undefined),
    };
    return forTasks("update", { ids: args[0], where: flags.where, app }, async (ctx, id) => {
      const result = await updateTask(ctx, id, changes);
      return { data: { ...result }, text: `Task ${result.task.id} updated` };
    });
  },
});

/** The `assign` command. */
export const assignCommand = defineCommand({
  name: "assign",
  usage: `Usage: tm assign ID... AGENT
       tm assign --where FILTERS AGENT

Set the assignee and print "Task <id> assigned to <agent>". The agent is told through a
notification (tm watch) and becomes a participant. A task assigned to someone is offered
by tm ready and tm claim only to them. Several ids, or --where, assign them all in one
transaction (all or nothing).`,
  options: { ...WHERE_OPTION },
  args: [],
  optionalArgs: ["ARGS..."],
  authors: true,
  run({ args, flags, app, io }) {
    const words = (args[0] ?? "").split(/\s+/).filter((w) => w !== "");
    const specialty = io.env("TM_AGENT_SPECIALTY")?.trim() ?? "";
    if (words.length === 0 || (words.length === 1 && flags.where === undefined)) {
      throw usageError(
        `assign: missing argument ${words.length === 0 ? "ID" : "AGENT"}`,
        "usage: tm assign ID... AGENT",
      );
    }
    const agent = validateAgentName(words.pop()!, "agent name");
    return forTasks(
      "assign",
      { ids: words.join(" "), where: flags.where, app },
      async (ctx, id) => {
        const task = await assignTask(ctx, id, agent);
        const warnings = specialty === "" ? [] : await specialistMismatch(ctx, task.id, specialty);
        return { data: { task }, text: `Task ${task.id} assigned to ${agent}`, warnings };
      },
    );
  },
});

/**
 * The original's `TM_AGENT_SPECIALTY` check: a task whose `specialist` metadata differs from
 * the assigning agent's specialty is still assigned, with a warning.
 */
async function specialistMismatch(
  ctx: AppContext,
  id: string,
  specialty: string,
): Promise<string[]> {
  const required = (await ctx.store.read((tx) => tx.tasks.meta(id))).specialist;
  return required === undefined || required === specialty
    ? []
    : [`specialist mismatch (required=${required}, agent=${specialty})`];
}
