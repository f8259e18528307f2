/**
 * Renderings of exported tasks: JSON, JSON Lines, CSV and Markdown. Deterministic: the
 * same database gives the same bytes.
 *
 * @module
 */

import type { TaskRecord } from "../app/transfer.ts";
import { formatFileRef } from "../core/task.ts";
import { JSON_SCHEMA_VERSION as SCHEMA_VERSION } from "../version.ts";

/** The export formats. */
export const EXPORT_FORMATS = ["json", "csv", "markdown", "jsonl"] as const;
/** An export format. */
export type ExportFormat = typeof EXPORT_FORMATS[number];

/** One JSON document with every task. */
export function toJson(records: readonly TaskRecord[]): string {
  return JSON.stringify({ schema_version: SCHEMA_VERSION, tasks: records }, null, 2);
}

/** One task per line (the format `tm import` reads). */
export function toJsonl(records: readonly TaskRecord[]): string {
  return records.map((r) => JSON.stringify(r)).join("\n");
}

const CSV_COLUMNS = [
  "id",
  "title",
  "status",
  "priority",
  "assignee",
  "created_by",
  "created_at",
  "updated_at",
  "completed_at",
  "deadline",
  "estimated_hours",
  "actual_hours",
  "dependencies",
  "tags",
  "files",
  "description",
] as const;

/**
 * One CSV cell. Text starting with `=`, `+`, `-`, `@` (or a tab or carriage return) would
 * be a formula in a spreadsheet: it gets a leading `'`, which spreadsheets show as text.
 * Numbers are left alone (a negative number is not text).
 */
export function csvCell(value: unknown): string {
  const raw = value === null || value === undefined ? "" : String(value);
  const text = typeof value === "string" && /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 CSV with a header row; lists are joined with `;`. */
export function toCsv(records: readonly TaskRecord[]): string {
  const rows = records.map((r) =>
    CSV_COLUMNS.map((column) => {
      if (column === "dependencies") return csvCell(r.dependencies.join(";"));
      if (column === "tags") return csvCell(r.tags.join(";"));
      if (column === "files") return csvCell(r.files.map(formatFileRef).join(";"));
      return csvCell(r[column]);
    }).join(",")
  );
  return [CSV_COLUMNS.join(","), ...rows].join("\r\n");
}

function mdInline(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/([\\`*_[\]|<>#])/g, "\\$1");
}

/** A Markdown document grouped by status. */
export function toMarkdown(records: readonly TaskRecord[]): string {
  const lines = ["# Task Orchestrator Export", "", `Tasks: ${records.length}`, ""];
  const order = ["in_progress", "pending", "blocked", "completed", "cancelled"] as const;
  for (const status of order) {
    const group = records.filter((r) => r.status === status);
    if (group.length === 0) continue;
    lines.push(`## ${status} (${group.length})`, "");
    for (const r of group) {
      const box = status === "completed" ? "x" : " ";
      lines.push(`- [${box}] **${r.id}** ${mdInline(r.title)} (${r.priority})`);
      if (r.assignee !== null) lines.push(`  - assignee: ${mdInline(r.assignee)}`);
      if (r.dependencies.length > 0) lines.push(`  - depends on: ${r.dependencies.join(", ")}`);
      if (r.deadline !== null) lines.push(`  - deadline: ${r.deadline}`);
      if (r.tags.length > 0) lines.push(`  - tags: ${r.tags.map(mdInline).join(", ")}`);
      for (const f of r.files) lines.push(`  - file: \`${formatFileRef(f).replaceAll("`", "'")}\``);
      for (const c of r.criteria) lines.push(`  - criterion: ${mdInline(c.criterion)}`);
      if (r.description !== null && r.description !== "") {
        lines.push("", ...r.description.split("\n").map((l) => `  > ${l}`), "");
      }
    }
    lines.push("");
  }
  return lines.join("\n").trimEnd();
}
