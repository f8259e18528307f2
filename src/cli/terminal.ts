/**
 * Output for people at a terminal: colour (off with NO_COLOR, --no-color or a pipe), columns
 * fitted to the width, relative times. In a pipe every command keeps its plain, stable text,
 * so scripts that parse it keep working.
 *
 * @module
 */

import type { Task } from "../core/task.ts";
import type { Io } from "./io.ts";
import { oneLine } from "./output.ts";

/** How to print for this call. */
export interface Style {
  /** Stdout is a terminal: columns and relative times. */
  terminal: boolean;
  color: boolean;
  /** Columns available. */
  width: number;
}

/** The style of this call: a terminal gets colour unless NO_COLOR or `--no-color`. */
export function styleOf(io: Io, noColor: boolean): Style {
  const terminal = io.isTerminal();
  const noColorEnv = io.env("NO_COLOR");
  return {
    terminal,
    color: terminal && !noColor && (noColorEnv === undefined || noColorEnv === ""),
    width: io.width?.() ?? 100,
  };
}

const CODES: Readonly<Record<string, string>> = {
  bold: "1",
  dim: "2",
  red: "31",
  green: "32",
  yellow: "33",
  blue: "34",
  magenta: "35",
  cyan: "36",
};

/** `text` in `color` when the style has colour. */
export function paint(style: Style, color: keyof typeof CODES, text: string): string {
  return style.color ? `\x1b[${CODES[color]}m${text}\x1b[0m` : text;
}

const STATUS_COLORS: Readonly<Record<Task["status"], keyof typeof CODES>> = {
  pending: "cyan",
  in_progress: "yellow",
  blocked: "magenta",
  completed: "green",
  cancelled: "dim",
};

/** A status, coloured. */
export function statusText(style: Style, status: Task["status"]): string {
  return paint(style, STATUS_COLORS[status], status);
}

/** "in 2d", "3h ago", "in 12m": the distance from `now` to `iso`, roughly. */
export function relativeTime(iso: string, now: Date): string {
  const ms = Date.parse(iso) - now.getTime();
  const abs = Math.abs(ms);
  const units: Array<[number, string]> = [[86_400_000, "d"], [3_600_000, "h"], [60_000, "m"]];
  const [size, unit] = units.find(([size]) => abs >= size) ?? [1000, "s"];
  const amount = `${Math.round(abs / size)}${unit}`;
  return ms >= 0 ? `in ${amount}` : `${amount} ago`;
}

/** Cut `text` to `width` characters, ending with "…" when cut. */
function fit(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text.padEnd(width + text.length - chars.length);
  return width <= 1 ? chars.slice(0, width).join("") : `${chars.slice(0, width - 1).join("")}…`;
}

/** What a task's last column says: deadline, holder and lease, assignee. */
function notes(task: Task, now: Date): string {
  const parts: string[] = [];
  if (task.deadline !== null) {
    const overdue = Date.parse(task.deadline) < now.getTime() &&
      task.status !== "completed" && task.status !== "cancelled";
    parts.push(
      overdue
        ? `OVERDUE ${relativeTime(task.deadline, now)}`
        : `due ${relativeTime(task.deadline, now)}`,
    );
  }
  if (task.status === "in_progress" && task.claimed_by !== null && task.lease_expires_at !== null) {
    const left = Date.parse(task.lease_expires_at) - now.getTime();
    parts.push(
      left > 0
        ? `${task.claimed_by}, lease ${relativeTime(task.lease_expires_at, now).slice(3)} left`
        : `lease of ${task.claimed_by} expired`,
    );
  }
  if (task.assignee !== null) parts.push(`@${task.assignee}`);
  return parts.join(", ");
}

/**
 * Tasks as aligned columns for a terminal: id, status, priority, title (cut to the width),
 * then deadline, holder and assignee with relative times.
 */
export function taskTable(tasks: readonly Task[], now: Date, style: Style): string {
  const statusWidth = Math.max(...tasks.map((t) => t.status.length));
  const priorityWidth = Math.max(...tasks.map((t) => t.priority.length));
  const rows = tasks.map((t) => ({ task: t, notes: notes(t, now) }));
  const notesWidth = Math.min(40, Math.max(0, ...rows.map((r) => r.notes.length)));
  const fixed = 8 + 2 + statusWidth + 2 + priorityWidth + 2 + (notesWidth > 0 ? 2 + notesWidth : 0);
  const titleWidth = Math.max(10, style.width - fixed);
  return rows.map(({ task, notes }) => {
    const status = statusText(style, task.status) +
      " ".repeat(statusWidth - task.status.length);
    const priority = task.priority === "critical" || task.priority === "high"
      ? paint(style, "red", task.priority.padEnd(priorityWidth))
      : task.priority.padEnd(priorityWidth);
    const title = fit(oneLine(task.title), titleWidth);
    const line = `${paint(style, "dim", task.id)}  ${status}  ${priority}  ${title}`;
    return notes === "" ? line.trimEnd() : `${line}  ${fit(notes, notesWidth).trimEnd()}`;
  }).join("\n");
}
