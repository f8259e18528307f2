/**
 * `tm update` and `tm assign`: change a task's fields.
 *
 * @module
 */

import { assignTask, parseTaskChanges, updateTask } from "../app/update_task.ts";
import { validateAgentName } from "../core/task.ts";
import { requireFeatures } from "./feature_gate.ts";
import { defineCommand } from "./command.ts";

/** The `update` command. */
export const updateCommand = defineCommand({
  name: "update",
  usage: `Usage: tm update ID [OPTIONS]

Change fields of a task and print "Task <id> updated". Status changes follow the rules:
completed is final; a task with open dependencies cannot become pending, in_progress or
completed; leaving in_progress ends the claim. Setting completed is the same as tm complete.`,
  options: {
    status: {
      type: "string",
      value: "S",
      help: "pending | in_progress | blocked | completed | cancelled",
    },
    priority: { type: "string", short: "p", value: "P", help: "low | medium | high | critical" },
    assignee: { type: "string", value: "AGENT", help: 'new assignee ("" or none clears it)' },
    title: { type: "string", value: "TEXT", help: "new title" },
    description: { type: "string", short: "d", value: "T", help: "new description" },
    deadline: { type: "string", value: "ISO8601", help: 'new deadline ("" clears it)' },
    "estimated-hours": { type: "string", value: "N", help: "new estimate" },
  },
  args: ["ID"],
  authors: true,
  async run({ args, flags, app, location }) {
    const { status, priority, assignee, title, description, deadline } = flags;
    const hours = flags.estimatedHours;
    await requireFeatures(location, [
      ["deadlines", "--deadline", deadline !== undefined],
      ["time-tracking", "--estimated-hours", hours !== undefined],
    ]);
    const changes = parseTaskChanges(
      { status, priority, assignee, title, description, deadline, estimatedHours: hours },
      "--estimated-hours",
    );
    const result = await updateTask(await app(), args[0]!, changes);
    return { data: { ...result }, text: `Task ${result.task.id} updated` };
  },
});

/** The `assign` command. */
export const assignCommand = defineCommand({
  name: "assign",
  usage: `Usage: tm assign ID AGENT

Set the assignee and print "Task <id> assigned to <agent>". The agent is told through a
notification (tm watch) and becomes a participant. A task assigned to someone is offered
by tm ready and tm claim only to them.`,
  options: {},
  args: ["ID", "AGENT"],
  authors: true,
  async run({ args, app }) {
    const agent = validateAgentName(args[1]!, "agent name");
    const task = await assignTask(await app(), args[0]!, agent);
    return { data: { task }, text: `Task ${task.id} assigned to ${agent}` };
  },
});
