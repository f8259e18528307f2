/**
 * Renderings of exported tasks: JSON, JSON Lines, CSV, TSV and Markdown. Deterministic: the
 * same database gives the same bytes.
 *
 * @module
 */

import type { TaskRecord } from "../app/transfer.ts";
import { formatFileRef } from "../core/task.ts";
import { JSON_SCHEMA_VERSION as SCHEMA_VERSION } from "../version.ts";

/** The export formats. */
export const EXPORT_FORMATS = ["json", "csv", "tsv", "markdown", "jsonl"] as const;
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
 * A cell's text, inert in a spreadsheet: text starting with `=`, `+`, `-`, `@` (or a tab or
 * carriage return) would be a formula, so it gets a leading `'`, which spreadsheets show as
 * text. Numbers are left alone (a negative number is not text).
 */
function inertText(value: unknown): string {
  const raw = value === null || value === undefined ? "" : String(value);
  return typeof value === "string" && /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
}

/** One CSV cell: inert (see {@link inertText}), quoted when it holds `"`, `,` or a line break. */
export function csvCell(value: unknown): string {
  const text = inertText(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One TSV cell: inert like a CSV cell; a backslash, tab, newline or carriage return inside
 * is written `\\`, `\t`, `\n`, `\r`, so every row stays one line of tab-separated cells.
 */
export function tsvCell(value: unknown): string {
  return inertText(value).replace(/[\\\t\n\r]/g, (c) => TSV_ESCAPES[c]!);
}

const TSV_ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** The summary columns of one task, lists joined with `;`, each cell made by `cell`. */
function summaryRow(r: TaskRecord, cell: (value: unknown) => string): string[] {
  return CSV_COLUMNS.map((column) => {
    if (column === "dependencies") return cell(r.dependencies.join(";"));
    if (column === "tags") return cell(r.tags.join(";"));
    if (column === "files") return cell(r.files.map(formatFileRef).join(";"));
    return cell(r[column]);
  });
}

/** RFC 4180 CSV with a header row; lists are joined with `;`. */
export function toCsv(records: readonly TaskRecord[]): string {
  const rows = records.map((r) => summaryRow(r, csvCell).join(","));
  return [CSV_COLUMNS.join(","), ...rows].join("\r\n");
}

/** Tab-separated values: the CSV columns, a header row, one line per task (the original's tsv). */
export function toTsv(records: readonly TaskRecord[]): string {
  const rows = records.map((r) => summaryRow(r, tsvCell).join("\t"));
  return [CSV_COLUMNS.join("\t"), ...rows].join("\n");
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
