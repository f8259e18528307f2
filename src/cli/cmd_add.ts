/**
 * `tm add`: create a task.
 *
 * @module
 */

import { addTask } from "../app/add_task.ts";
import { parseCapabilities } from "../core/capability.ts";
import {
  parseCriteria,
  parseDeadline,
  parseFileRef,
  parseHours,
  parsePriority,
  validateAgentName,
} from "../core/task.ts";
import { defineCommand } from "./command.ts";
import { requireFeatures } from "./feature_gate.ts";

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
      help: "longer description (any text, any length)",
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
      value: "ID",
      help: "a task this one waits for; repeat or separate with commas\n" +
        "(an unknown id is refused, exit 3)",
    },
    file: {
      type: "string",
      multiple: true,
      value: "PATH[:LINE[:END]]",
      help: "a file reference; repeatable",
    },
    assignee: { type: "string", value: "AGENT", help: "who should do it" },
    tag: { type: "string", multiple: true, value: "TAG", help: "a tag; repeatable" },
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
    deadline: { type: "string", value: "ISO8601", help: "e.g. 2026-12-01 or 2026-12-01T17:00Z" },
    "estimated-hours": { type: "string", value: "N", help: "estimate in hours" },
  },
  notes: `--criteria, --deadline and --estimated-hours need the features success-criteria,
deadlines and time-tracking (on by default; see tm config). A measurable expression that
does not parse is refused (exit 5; see tm help criteria).

Examples:
  tm add "Design the API" -p high
  tm add "Implement the API" --depends-on a1b2c3d4 --file src/api.ts:10:40`,
  args: ["TITLE"],
  authors: true,
  async run({ args, flags, app, location }) {
    const { priority, assignee, criteria, deadline, estimatedHours: hours } = flags;
    await requireFeatures(location, [
      ["success-criteria", "--criteria", criteria !== undefined],
      ["deadlines", "--deadline", deadline !== undefined],
      ["time-tracking", "--estimated-hours", hours !== undefined],
    ]);
    const parsedCriteria = criteria === undefined ? [] : parseCriteria(criteria);
    if (parsedCriteria.some((c) => c.measurable !== null)) {
      const { checkMeasurable } = await import("../app/criteria.ts");
      for (const c of parsedCriteria) if (c.measurable !== null) checkMeasurable(c.measurable);
    }
    const input = {
      title: args[0]!,
      description: flags.description ?? null,
      ...(priority === undefined ? {} : { priority: parsePriority(priority) }),
      dependsOn: idList(flags.dependsOn),
      files: flags.file.map(parseFileRef),
      assignee: assignee === undefined ? null : validateAgentName(assignee, "assignee"),
      tags: flags.tag.map((t) => t.trim()).filter((t) => t !== ""),
      criteria: parsedCriteria,
      deadline: deadline === undefined ? null : parseDeadline(deadline),
      estimatedHours: hours === undefined ? null : parseHours(hours, "--estimated-hours"),
      capabilities: parseCapabilities(flags.capability),
    };
    const task = await addTask(await app(), input);
    return { data: { task }, text: `Task created with ID: ${task.id}` };
  },
});
