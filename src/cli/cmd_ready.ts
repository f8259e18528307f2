/**
 * `tm ready`: what can start now, best first; `--explain ID` says why a task is not ready.
 *
 * @module
 */

import { explainReady, readyTasks } from "../app/ready.ts";
import { parseCapabilities } from "../core/capability.ts";
import { usageError } from "../core/errors.ts";
import { validateAgentName } from "../core/task.ts";
import { defineCommand, parseLimit } from "./command.ts";
import { taskLine } from "./output.ts";
import { isOverdue } from "../app/show_task.ts";

/** The `ready` command. */
export const readyCommand = defineCommand({
  name: "ready",
  usage: `Usage: tm ready [OPTIONS]
       tm ready --explain ID

Tasks with no open dependency that nobody holds (a task whose lease has expired counts),
best first: priority, then deadline, then how many tasks wait on it, then age. Tasks
assigned to another agent are not offered, nor tasks that need a capability you have not
registered (tm agent register; an unregistered agent is offered only tasks that need no
capability). "No ready tasks" when there are none.`,
  options: {
    assignee: { type: "string", value: "AGENT", help: "only tasks assigned to AGENT" },
    mine: { type: "boolean", help: "only tasks assigned to me" },
    capability: {
      type: "string",
      multiple: true,
      value: "C",
      help: "only tasks that need nothing beyond C (of your registered\n" +
        "capabilities); repeatable or comma-separated",
    },
    limit: { type: "string", value: "N", help: "at most N tasks (default 20)" },
    explain: { type: "string", value: "ID", help: "say every reason ID is not offered to me" },
  },
  args: [],
  async run({ flags, app }) {
    const explain = flags.explain;
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
    const assignee = flags.assignee;
    if (assignee !== undefined && flags.mine) {
      throw usageError("ready: --assignee and --mine cannot be combined");
    }
    const ctx = await app();
    const now = ctx.now().toISOString();
    const tasks = await readyTasks(ctx, {
      limit: parseLimit(flags.limit) ?? 20,
      capabilities: parseCapabilities(flags.capability),
      ...(assignee !== undefined
        ? { assignee: validateAgentName(assignee, "assignee") }
        : flags.mine
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
});
