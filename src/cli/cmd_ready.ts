/**
 * `tm ready`: what can start now, best first; `--explain ID` says why a task is not ready.
 *
 * @module
 */

import { explainReady, readyTasks } from "../app/ready.ts";
import { usageError } from "../core/errors.ts";
import { validateAgentName } from "../core/task.ts";
import { booleanFlag, type CommandSpec, limitFlag, stringFlag } from "./command.ts";
import { taskLine } from "./output.ts";
import { isOverdue } from "../app/show_task.ts";

/** The `ready` command. */
export const readyCommand: CommandSpec = {
  name: "ready",
  summary: "tasks that can start now, best first (--explain ID: why not)",
  usage: `Usage: tm ready [OPTIONS]
       tm ready --explain ID

Tasks with no open dependency that nobody holds (a task whose lease has expired counts),
best first: priority, then deadline, then how many tasks wait on it, then age. Tasks
assigned to another agent are not offered. "No ready tasks" when there are none.

Options:
  --assignee AGENT   only tasks assigned to AGENT
  --mine             only tasks assigned to me
  --limit N          at most N tasks (default 20)
  --explain ID       say every reason ID is not offered to me`,
  options: {
    assignee: { type: "string" },
    mine: { type: "boolean" },
    limit: { type: "string" },
    explain: { type: "string" },
  },
  args: [],
  async run({ flags, app }) {
    const explain = stringFlag(flags, "explain");
    if (explain !== undefined) {
      const result = await explainReady(await app(), explain);
      return {
        data: { ...result },
        text: result.ready
          ? `${taskLine(result.task)}\nready: yes`
          : [taskLine(result.task), "ready: no", ...result.reasons.map((r) => `- ${r}`)]
            .join("\n"),
      };
    }
    const assignee = stringFlag(flags, "assignee");
    if (assignee !== undefined && booleanFlag(flags, "mine")) {
      throw usageError("ready: --assignee and --mine cannot be combined");
    }
    const ctx = await app();
    const now = ctx.now().toISOString();
    const tasks = await readyTasks(ctx, {
      limit: limitFlag(flags) ?? 20,
      ...(assignee !== undefined
        ? { assignee: validateAgentName(assignee, "assignee") }
        : booleanFlag(flags, "mine")
        ? { assignee: ctx.agent }
        : {}),
    });
    return {
      data: {
        tasks: tasks.map((t) => ({ ...t, overdue: isOverdue(t, now) })),
        count: tasks.length,
      },
      text: tasks.length === 0 ? "No ready tasks" : tasks.map((t) => taskLine(t, now)).join("\n"),
    };
  },
};
