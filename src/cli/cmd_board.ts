/**
 * `tm board`: tasks in columns by status.
 *
 * @module
 */

import { listTasks } from "../app/show_task.ts";
import { type Status, type Task } from "../core/task.ts";
import { defineCommand, parseLimit } from "./command.ts";
import { oneLine } from "./output.ts";
import { paint, statusText, type Style, styleOf } from "./terminal.ts";

const COLUMNS: readonly Status[] = ["pending", "in_progress", "blocked", "completed"];

/** A card: id and title, cut to `width` characters. */
function card(task: Task, width: number): string {
  const text = `${task.id} ${oneLine(task.title)}`;
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join("")}…`;
}

/** The columns side by side, as wide as the terminal allows. */
function sideBySide(columns: Array<[Status, Task[]]>, style: Style): string {
  const width = Math.max(16, Math.floor((style.width - 3 * (columns.length - 1)) / columns.length));
  const heads = columns.map(([status, tasks]) => {
    const head = `${status} (${tasks.length})`;
    return statusText(style, status) + head.slice(status.length) +
      " ".repeat(Math.max(0, width - head.length));
  });
  const lines = [heads.join(" │ "), columns.map(() => "─".repeat(width)).join("─┼─")];
  const rows = Math.max(...columns.map(([, tasks]) => tasks.length));
  for (let i = 0; i < rows; i++) {
    lines.push(
      columns.map(([, tasks]) => {
        const task = tasks[i];
        if (task === undefined) return " ".repeat(width);
        const text = card(task, width);
        return paint(style, "dim", text.slice(0, 8)) + text.slice(8) +
          " ".repeat(Math.max(0, width - [...text].length));
      }).join(" │ ").trimEnd(),
    );
  }
  return lines.join("\n");
}

/** The `board` command. */
export const boardCommand = defineCommand({
  name: "board",
  usage: `Usage: tm board [--limit N]

Tasks in columns by status: pending, in_progress, blocked, and the latest completed. On a
terminal the columns stand side by side, fitted to its width; in a pipe each column is a
section ("== <status> (<count>) ==", then "[<id>] <title>" lines), stable for scripts.`,
  options: {
    limit: { type: "string", value: "N", help: "at most N tasks per column (default 20)" },
    "no-color": { type: "boolean", help: "no colour on a terminal (also NO_COLOR)" },
  },
  args: [],
  async run({ flags, app, io }) {
    const limit = parseLimit(flags.limit) ?? 20;
    const ctx = await app();
    const columns: Array<[Status, Task[]]> = [];
    for (const status of COLUMNS) {
      const tasks = await listTasks(ctx, {
        statuses: [status],
        archived: "exclude",
        limit,
        ...(status === "completed"
          ? { sort: "updated" as const }
          : { sort: "urgency" as const, now: ctx.now().toISOString() }),
      });
      columns.push([status, tasks]);
    }
    const style = styleOf(io, flags.noColor);
    const text = style.terminal
      ? sideBySide(columns, style)
      : columns.map(([status, tasks]) =>
        [`== ${status} (${tasks.length}) ==`, ...tasks.map((t) => `[${t.id}] ${oneLine(t.title)}`)]
          .join("\n")
      ).join("\n\n");
    return { data: { columns: Object.fromEntries(columns) }, text };
  },
});
