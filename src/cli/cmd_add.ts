/**
 * `tm add`: create a task.
 *
 * @module
 */

import { addTask } from "../app/add_task.ts";
import { parseCapabilities } from "../core/capability.ts";
import { parseWhen } from "../core/dates.ts";
import {
  metaEntries,
  parseCriteria,
  parseFileRef,
  parseHours,
  parsePriority,
  validateAgentName,
} from "../core/task.ts";
import { defineCommand } from "./command.ts";
import { optionalText } from "./text_input.ts";

/** Split `--depends-on a,b` and repeated flags into ids. */
export function idList(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(/[,\s]+/)).filter((v) => v !== "");
}

/** The `add` command. */
export const addCommand = defineCommand({
  name: "add",
  usage: `Usage: tm add TITLE [OPTIONS]

Create a task and print "Task created with ID: <id>". A task with an open dependency starts
as blocked and becomes pending when its last dependency completes.`,
  options: {
    description: {
      type: "string",
      short: "d",
      value: "TEXT",
      help: "longer description (any text, any length); @FILE reads a file,\n" +
        "- reads stdin (@@x is the text @x)",
    },
    priority: {
      type: "string",
      short: "p",
      value: "P",
      help: "low | medium | high | critical (default medium)",
    },
    "depends-on": {
      type: "string",
      multiple: true,
      variadic: true,
      value: "ID...",
      help: "tasks this one waits for: several after one flag, repeated,\n" +
        "or comma-separated (an unknown id is refused, exit 3)",
    },
    file: {
      type: "string",
      multiple: true,
      variadic: true,
      value: "PATH[:LINE[:END]]...",
      help: "file references: several after one flag, or repeated\n" +
        "(a reversed range a.py:100:50 means lines 50-100)",
    },
    assignee: { type: "string", value: "AGENT", help: "who should do it" },
    tag: {
      type: "string",
      multiple: true,
      variadic: true,
      value: "TAG...",
      help: "tags: several after one flag, or repeated",
    },
    capability: {
      type: "string",
      multiple: true,
      value: "C",
      help: "a capability an agent needs to be offered this task (see\n" +
        "tm agent register); repeatable or comma-separated",
    },
    criteria: {
      type: "string",
      value: "JSON",
      help: `success criteria: '[{"criterion": "...", "measurable": "..."}]'`,
    },
    deadline: {
      type: "string",
      value: "WHEN",
      help: "tomorrow, friday, eow, eom, +3d, +12h, 2026-12-24, '2026-12-24 17:00'\n" +
        "(local time) or ISO 8601 (2026-12-01T17:00Z); stored in UTC",
    },
    "estimated-hours": { type: "string", value: "N", help: "estimate in hours" },
    meta: {
      type: "string",
      multiple: true,
      value: "KEY:VALUE",
      help: "task metadata (tm show prints it, tm list --meta filters on it,\n" +
        "tm export carries it); repeatable",
    },
    phase: { type: "string", value: "PHASE", help: "the same as --meta phase:PHASE" },
    context: {
      type: "string",
      value: "TEXT",
      help: "the task's first shared-context entry (see tm context);\n" +
        "@FILE or - as for -d",
    },
  },
  notes: `--criteria, --deadline and --estimated-hours need the features success-criteria,
deadlines and time-tracking (on by default; see tm config). A measurable expression that
does not parse is refused (exit 5; see tm help criteria).

--depends-on and --file take every word that follows them up to the next option, as the
original tm did, once TITLE has been given (before TITLE, one value each).

Examples:
  tm add "Design the API" -p high --meta specialist:backend --phase 2
  tm add "Implement the API" --depends-on a1b2c3d4 e5f6a7b8 --file src/api.ts:10:40 README.md`,
  args: ["TITLE"],
  authors: true,
  async run({ args, flags, app, io }) {
    const { priority, assignee, criteria, deadline, estimatedHours: hours } = flags;
    const description = await optionalText(flags.description, io, "the description");
    const parsedCriteria = criteria === undefined ? [] : parseCriteria(criteria);
    if (parsedCriteria.some((c) => c.measurable !== null)) {
      // Computed specifiers here and below: a plain add does not even read these modules.
      const { checkMeasurable } = await import(
        new URL("../app/criteria.ts", import.meta.url).href
      ) as typeof import("../app/criteria.ts");
      for (const c of parsedCriteria) if (c.measurable !== null) checkMeasurable(c.measurable);
    }
    const input = {
      title: args[0]!,
      description: description ?? null,
      ...(priority === undefined ? {} : { priority: parsePriority(priority) }),
      dependsOn: idList(flags.dependsOn),
      files: flags.file.map(parseFileRef),
      assignee: assignee === undefined ? null : validateAgentName(assignee, "assignee"),
      tags: flags.tag.map((t) => t.trim()).filter((t) => t !== ""),
      criteria: parsedCriteria,
      deadline: deadline === undefined ? null : parseWhen(deadline, io.now()),
      estimatedHours: hours === undefined ? null : parseHours(hours, "--estimated-hours"),
      capabilities: parseCapabilities(flags.capability),
      meta: metaEntries(flags.meta, flags.phase),
    };
    const context = (await optionalText(flags.context, io, "the context"))?.trim();
    const ctx = await app();
    const task = await addTask(ctx, input);
    if (context === undefined || context === "") {
      return { data: { task }, text: `Task created with ID: ${task.id}` };
    }
    // Only this form loads the collaboration module: plain adds stay light.
    const { shareContext } = await import(
      new URL("../app/collaboration.ts", import.meta.url).href
    ) as typeof import("../app/collaboration.ts");
    const shared = await shareContext(ctx, task.id, { type: "share", message: context });
    return {
      data: { task, context_entry: shared.entry },
      text: `Task created with ID: ${task.id}`,
      warnings: shared.warnings,
    };
  },
});
