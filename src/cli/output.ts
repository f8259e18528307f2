/**
 * Human text for tasks: the one-line form used by `list`/`ready` and the `key: value`
 * form of `show`. Line-oriented output must stay one line per item, so user text is
 * escaped where it could break a line.
 *
 * @module
 */

import { formatFileRef, type Task } from "../core/task.ts";
import type { TaskDetail } from "../app/show_task.ts";
import type { TaskRef } from "../core/task.ts";
import { multiLine } from "./safe_text.ts";

/** Make user text safe for a single output line: control characters become escapes. */
export function oneLine(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

/** `[<id>] <title> - <status>` plus the details that matter, as `list` prints a task. */
export function taskLine(task: Task, now?: string): string {
  const extras: string[] = [];
  if (task.priority !== "medium") extras.push(task.priority);
  if (task.assignee !== null) extras.push(`@${task.assignee}`);
  if (task.claimed_by !== null && task.status === "in_progress") {
    const expired = now !== undefined && task.lease_expires_at !== null &&
      task.lease_expires_at < now;
    extras.push(expired ? `lease of ${task.claimed_by} expired` : `held by ${task.claimed_by}`);
  }
  if (task.deadline !== null) {
    const overdue = now !== undefined && task.deadline < now && task.status !== "completed" &&
      task.status !== "cancelled";
    extras.push(
      overdue ? `OVERDUE since ${task.deadline.slice(0, 10)}` : `due ${task.deadline.slice(0, 10)}`,
    );
  }
  const suffix = extras.length > 0 ? ` (${extras.join(", ")})` : "";
  return `[${task.id}] ${oneLine(task.title)} - ${task.status}${suffix}`;
}

function refs(list: readonly TaskRef[]): string {
  return list.length === 0 ? "none" : list.map((r) => `${r.id} (${r.status})`).join(", ");
}

function orNone(value: string | number | null): string {
  return value === null ? "none" : oneLine(String(value));
}

/** The `show` text: one `key: value` line per field, then multi-line sections. */
export function taskDetailText(detail: TaskDetail): string {
  const lines = [
    `id: ${detail.id}`,
    `title: ${oneLine(detail.title)}`,
    `status: ${detail.status}`,
    `priority: ${detail.priority}`,
    `assignee: ${orNone(detail.assignee)}`,
    `created_by: ${detail.created_by}`,
    `created_at: ${detail.created_at}`,
    `updated_at: ${detail.updated_at}`,
    `started_at: ${orNone(detail.started_at)}`,
    `completed_at: ${orNone(detail.completed_at)}`,
    `deadline: ${orNone(detail.deadline)}${detail.overdue ? " (OVERDUE)" : ""}`,
    `estimated_hours: ${orNone(detail.estimated_hours)}`,
    `actual_hours: ${orNone(detail.actual_hours)}`,
    `time_in_progress_hours: ${orNone(detail.time_in_progress_hours)}`,
    `percent: ${detail.percent === null ? "none" : `${detail.percent}%`}`,
    `claimed_by: ${orNone(detail.claimed_by)}`,
    `lease_expires_at: ${orNone(detail.lease_expires_at)}`,
    `dependencies: ${refs(detail.dependencies)}`,
    `dependents: ${refs(detail.dependents)}`,
    `files: ${
      detail.files.length === 0
        ? "none"
        : detail.files.map((f) => oneLine(formatFileRef(f))).join(", ")
    }`,
    `tags: ${detail.tags.length === 0 ? "none" : detail.tags.map(oneLine).join(", ")}`,
    ...Object.entries(detail.meta).map(([key, value]) => `meta.${oneLine(key)}: ${oneLine(value)}`),
    `capabilities: ${detail.capabilities.length === 0 ? "none" : detail.capabilities.join(", ")}`,
    `participants: ${
      detail.participants.length === 0
        ? "none"
        : detail.participants.map((p) => `${p.agent} (${p.role})`).join(", ")
    }`,
  ];
  if (detail.criteria.length > 0) {
    lines.push("criteria:");
    for (const c of detail.criteria) {
      lines.push(
        `  ${c.position}. ${oneLine(c.criterion)}${
          c.measurable === null ? "" : ` [measurable: ${oneLine(c.measurable)}]`
        } (${c.result}: ${oneLine(c.reason)})`,
      );
    }
  } else {
    lines.push("criteria: none");
  }
  const latest = detail.progress[detail.progress.length - 1];
  lines.push(
    `progress: ${
      latest === undefined
        ? "none"
        : `${latest.created_at} ${latest.agent}: ${oneLine(latest.message)}`
    }`,
  );
  if (detail.completion !== null) {
    lines.push(
      `summary: ${
        detail.completion.summary === null ? "none" : oneLine(detail.completion.summary)
      }`,
    );
    if (detail.completion.unverified.length > 0) {
      lines.push(`unverified_criteria: ${detail.completion.unverified.join(", ")}`);
    }
  }
  for (const f of detail.feedback) {
    lines.push(
      `feedback: ${f.agent} quality=${orNone(f.quality)} timeliness=${orNone(f.timeliness)}${
        f.note === null ? "" : ` note=${oneLine(f.note)}`
      }`,
    );
  }
  if (detail.description !== null && detail.description !== "") {
    lines.push("description: |");
    for (const line of multiLine(detail.description).split("\n")) lines.push(`  ${line}`);
  } else {
    lines.push("description: none");
  }
  if (detail.progress.length > 1) {
    lines.push("progress_history:");
    for (const p of detail.progress) {
      lines.push(`  ${p.created_at} ${p.agent}: ${oneLine(p.message)}`);
    }
  }
  if (detail.history.length > 0) {
    lines.push("history:");
    for (const event of detail.history) {
      lines.push(`  ${event.created_at} ${event.type} by ${event.agent}`);
    }
  } else {
    lines.push("history: none");
  }
  return lines.join("\n");
}
