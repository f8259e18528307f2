/**
 * `tm export` and `tm import`.
 *
 * @module
 */

import { exportTasks, importTasks } from "../app/transfer.ts";
import { TmError, usageError } from "../core/errors.ts";
import { resolveAgainst, writeOutputFile } from "./output_file.ts";
import { defineCommand } from "./command.ts";
import {
  EXPORT_FORMATS,
  type ExportFormat,
  toCsv,
  toJson,
  toJsonl,
  toMarkdown,
  toTsv,
} from "./export_formats.ts";

/** The `export` command. */
export const exportCommand = defineCommand({
  name: "export",
  usage: `Usage: tm export [--format json|csv|tsv|markdown|jsonl] [--output FILE] [--include-notes]

Every task with its dependencies, files, tags, capabilities, criteria and their checks,
measured values, progress, completion summary, feedback, shared context, participants and
history (its events), in creation order (the same database always gives the same output).
json and jsonl carry all of it, and tm import reads both; csv, tsv and markdown are
summaries for people (tsv: the csv columns separated by tabs; a tab, newline or backslash
in a cell is written \\t, \\n, \\\\). Markdown starts with "# Task Orchestrator Export".
With --output the file is written atomically. Private notes stay out unless
--include-notes, which adds your own (never another agent's) to the tasks you keep notes
on.`,
  options: {
    format: { type: "string", value: "F", help: "json (default), csv, tsv, markdown or jsonl" },
    output: { type: "string", value: "FILE", help: "write to FILE instead of stdout" },
    "include-notes": {
      type: "boolean",
      help: "add your own private notes (json and jsonl; never other agents')",
    },
  },
  args: [],
  async run({ flags, app, json, io, location }) {
    const format = (flags.format ?? "json") as ExportFormat;
    if (!EXPORT_FORMATS.includes(format)) {
      throw usageError(`invalid --format "${format}": expected ${EXPORT_FORMATS.join(", ")}`);
    }
    const records = await exportTasks(await app(), { includeNotes: flags.includeNotes });
    const render = {
      json: toJson,
      jsonl: toJsonl,
      csv: toCsv,
      tsv: toTsv,
      markdown: toMarkdown,
    }[format];
    const body = render(records);
    const output = flags.output;
    if (output !== undefined) {
      const path = await writeOutputFile(
        io,
        output,
        body === "" ? "" : `${body}\n`,
        location,
      );
      return {
        data: { path, format, count: records.length },
        text: `Exported ${records.length} tasks to ${output}`,
      };
    }
    if (json && format !== "json") {
      return { data: { format, count: records.length, content: body }, text: "" };
    }
    return format === "json"
      ? { data: { tasks: records }, text: body }
      : { data: {}, text: body, streamed: false };
  },
});

/** The `import` command. */
export const importCommand = defineCommand({
  name: "import",
  usage: `Usage: tm import FILE

Read JSON Lines as written by "tm export --format jsonl", or the document of "tm export
--format json" (FILE "-" reads stdin), and add every task in one transaction, keeping ids,
dependencies and everything exported with them. Any bad line (or task, in a document)
refuses the whole file with its number, and nothing is written: invalid JSON or field
(exit 5), an id that already exists (exit 5), an unknown dependency (exit 3), a dependency
cycle (exit 5). With --merge, an id that exists is updated from a newer copy (its fields,
tags, files, metadata and dependencies; context and history it lacks are added) or skipped.

Each task's history is written back as it was (order, times, agents) without running
hooks or notifying anyone: it happened already. Event ids are this project's own. Private
notes in the file (export --include-notes) are restored only when they are yours; others'
are skipped, and so are notes on a task where you keep other notes already.`,
  options: {
    merge: {
      type: "boolean",
      help: "update existing tasks whose copy in FILE is newer (updated_at), keep\n" +
        "the others and report them as skipped",
    },
  },
  args: ["FILE"],
  authors: true,
  async run({ args, flags, app, io }) {
    const file = args[0]!;
    let text: string;
    try {
      const { MAX_IMPORT_BYTES, readFileCapped } = await import("./input.ts");
      text = file === "-"
        ? await io.readStdin()
        : await readFileCapped(resolveAgainst(io.cwd(), file), MAX_IMPORT_BYTES, file);
    } catch (error) {
      if (error instanceof TmError) throw error;
      if (error instanceof Deno.errors.NotFound) {
        throw new TmError("not_found", `cannot read "${file}": no such file`);
      }
      if (error instanceof Deno.errors.IsADirectory) {
        throw new TmError("storage", `cannot read "${file}": it is a directory`);
      }
      throw new TmError("storage", `cannot read "${file}": ${(error as Error).message}`);
    }
    const result = await importTasks(await app(), text, { merge: flags.merge });
    const lines = [`Imported ${result.imported} tasks`];
    if (flags.merge) {
      lines[0] += `, updated ${result.updated!.length}, skipped ${result.skipped!.length}`;
      for (const s of result.skipped!) lines.push(`Skipped ${s.id}: ${s.reason}`);
    }
    if (result.notes.length > 0) {
      lines.push(`Restored private notes on ${result.notes.length} tasks`);
    }
    for (const s of result.notes_skipped) lines.push(`Skipped notes on ${s.id}: ${s.reason}`);
    return { data: { ...result }, text: lines.join("\n") };
  },
});
