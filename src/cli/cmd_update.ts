/**
 * `tm update` and `tm assign`: change a task's fields.
 *
 * @module
 */

import { assignTask, type TaskChanges, updateTask } from "../app/update_task.ts";
import {
  parseDeadline,
  parseHours,
  parsePriority,
  parseStatus,
  validateAgentName,
  validateTitle,
} from "../core/task.ts";
import { requireFeatures } from "./feature_gate.ts";
import { type CommandSpec, stringFlag } from "./command.ts";

/** The `update` command. */
export const updateCommand: CommandSpec = {
  name: "update",
  usage: `Usage: tm update ID [OPTIONS]

Change fields of a task and print "Task <id> updated". Status changes follow the rules:
completed is final; a task with open dependencies cannot become pending, in_progress or
completed; leaving in_progress ends the claim. Setting completed is the same as tm complete.

Options:
  --status S            pending | in_progress | blocked | completed | cancelled
  -p, --priority P      low | medium | high | critical
  --assignee AGENT      new assignee ("" or none clears it)
  --title TEXT          new title
  -d, --description T   new description
  --deadline ISO8601    new deadline ("" clears it)
  --estimated-hours N   new estimate`,
  options: {
    status: { type: "string" },
    priority: { type: "string", short: "p" },
    assignee: { type: "string" },
    title: { type: "string" },
    description: { type: "string", short: "d" },
    deadline: { type: "string" },
    "estimated-hours": { type: "string" },
  },
  args: ["ID"],
  authors: true,
  async run({ args, flags, app, location }) {
    const status = stringFlag(flags, "status");
    const priority = stringFlag(flags, "priority");
    const assignee = stringFlag(flags, "assignee");
    const title = stringFlag(flags, "title");
    const description = stringFlag(flags, "description");
    const deadline = stringFlag(flags, "deadline");
    const hours = stringFlag(flags, "estimated-hours");
    await requireFeatures(location, [
      ["deadlines", "--deadline", deadline !== undefined],
      ["time-tracking", "--estimated-hours", hours !== undefined],
    ]);
    const changes: TaskChanges = {
      ...(status === undefined ? {} : { status: parseStatus(status) }),
      ...(priority === undefined ? {} : { priority: parsePriority(priority) }),
      ...(assignee === undefined ? {} : {
        // "none" is what show prints for no assignee; accept it back as "clear".
        assignee: assignee === "" || assignee.toLowerCase() === "none"
          ? null
          : validateAgentName(assignee, "assignee"),
      }),
      ...(title === undefined ? {} : { title: validateTitle(title) }),
      ...(description === undefined ? {} : { description }),
      ...(deadline === undefined
        ? {}
        : { deadline: deadline === "" ? null : parseDeadline(deadline) }),
      ...(hours === undefined ? {} : { estimatedHours: parseHours(hours, "--estimated-hours") }),
    };
    const result = await updateTask(await app(), args[0]!, changes);
    return { data: { ...result }, text: `Task ${result.task.id} updated` };
  },
};

/** The `assign` command. */
export const assignCommand: CommandSpec = {
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
};
