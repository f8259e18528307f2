/**
 * `tm metrics`, `tm report` and `tm critical-path`: read-only views over the project.
 *
 * @module
 */

import { csvCell } from "./export_formats.ts";
import type { Report } from "../app/metrics.ts";
import { usageError } from "../core/errors.ts";
import type { Metrics } from "../core/metrics.ts";
import { defineCommand, parseLimit } from "./command.ts";
import { requireFeatures } from "./feature_gate.ts";
import { oneLine } from "./output.ts";

function show(value: number | null, unit = ""): string {
  return value === null ? "n/a" : `${value}${unit}`;
}

function percent(value: number | null): string {
  return value === null ? "n/a" : `${Math.round(value * 100)}%`;
}

function feedbackLines(m: Metrics, indent: string): string[] {
  return [
    `${indent}feedback coverage: ${
      percent(m.feedback.coverage)
    } (${m.feedback.tasks_with_feedback} of ${m.completed})`,
    `${indent}average quality: ${show(m.feedback.average_quality)}`,
    `${indent}average timeliness: ${show(m.feedback.average_timeliness)}`,
  ];
}

function outOfFive(value: number | null): string {
  return value === null ? "n/a" : `${value.toFixed(1)}/5`;
}

/** `tm metrics --feedback` in the original's wording (`  Average quality: X.X/5`, …). */
function originalFeedbackLines(m: Metrics, indent: string): string[] {
  return [
    `${indent}Average quality: ${outOfFive(m.feedback.average_quality)}`,
    `${indent}Average timeliness: ${outOfFive(m.feedback.average_timeliness)}`,
    `${indent}Tasks with feedback: ${m.feedback.tasks_with_feedback}`,
    `${indent}Completed tasks: ${m.completed}`,
    `${indent}Feedback coverage: ${percent(m.feedback.coverage)}`,
  ];
}

function metricsLines(m: Metrics, indent: string): string[] {
  return [
    `${indent}completed: ${m.completed}`,
    ...(m.throughput_per_day === null ? [] : [`${indent}throughput: ${m.throughput_per_day}/day`]),
    `${indent}cycle time: average ${show(m.cycle_time_hours.average, "h")}, median ${
      show(m.cycle_time_hours.median, "h")
    }`,
    `${indent}estimate accuracy: ${
      m.estimate_accuracy.tasks === 0
        ? "n/a (no task with both estimate and actual hours)"
        : `actual/estimate ${show(m.estimate_accuracy.average_ratio)}, ${
          percent(m.estimate_accuracy.within_20_percent)
        } within 20% (${m.estimate_accuracy.tasks} tasks)`
    }`,
    ...feedbackLines(m, indent),
  ];
}

/** The `metrics` command. */
export const metricsCommand = defineCommand({
  name: "metrics",
  usage: `Usage: tm metrics [--feedback] [--days N]

Aggregates over completed tasks: how many, throughput per day (with --days), cycle time
(start, or creation when never started, to completion), estimate accuracy (actual hours /
estimated hours), feedback averages and coverage; overall and per agent (who completed).`,
  options: {
    feedback: { type: "boolean", help: "only the feedback metrics (feature feedback)" },
    days: {
      type: "string",
      value: "N",
      help: "only tasks completed in the last N days (default: all time)",
    },
  },
  args: [],
  async run({ flags, app, location }) {
    const onlyFeedback = flags.feedback;
    await requireFeatures(location, [["feedback", "tm metrics --feedback", onlyFeedback]]);
    const days = parseLimit(flags.days, "days", 36_500) ?? null;
    // Loaded on use: keeps the start-up of every other command lean.
    const { feedbackMetrics, taskMetrics } = await import("../app/metrics.ts");
    const result = await taskMetrics(await app(), days);
    const lines = (m: Metrics, indent: string) =>
      onlyFeedback ? originalFeedbackLines(m, indent) : metricsLines(m, indent);
    const title = onlyFeedback ? "Feedback metrics" : "Metrics";
    const text = [
      // The original's --feedback heading is `Feedback metrics:`; a window is only said when set.
      days === null
        ? (onlyFeedback ? `${title}:` : `${title} (all time):`)
        : `${title} (last ${days} days):`,
      ...lines(result.overall, "  "),
      ...result.by_agent.flatMap((a) => [`Agent ${a.agent}:`, ...lines(a, "  ")]),
    ];
    const data = onlyFeedback ? feedbackMetrics(result) : { ...result };
    return { data, text: text.join("\n") };
  },
});

function reportText(r: Report): string {
  const a = r.feature_adoption;
  const share = (n: number) => (a.tasks === 0 ? "n/a" : `${Math.round((n / a.tasks) * 100)}%`);
  return [
    `Task Orchestrator Report (last ${r.days} days, since ${r.since})`,
    `created: ${r.created}`,
    `completed: ${r.completed}`,
    `completion rate: ${percent(r.completion_rate)}`,
    ...metricsLines(r.metrics, "").slice(1),
    `feature adoption (of ${a.tasks} new tasks):`,
    `  success criteria: ${share(a.with_criteria)}`,
    `  deadlines: ${share(a.with_deadline)}`,
    `  estimates: ${share(a.with_estimate)}`,
    `  progress updates: ${share(a.with_progress)}`,
    `  completion summaries: ${share(a.with_summary)}`,
    `  feedback: ${share(a.with_feedback)}`,
  ].join("\n");
}

function csvField(value: unknown): string {
  return csvCell(value);
}

/** Flatten a report into `metric,value` CSV rows (nested keys joined with dots). */
function reportCsv(report: Report): string {
  const rows: string[] = ["metric,value"];
  const walk = (prefix: string, value: unknown): void => {
    if (value !== null && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) {
        walk(prefix === "" ? key : `${prefix}.${key}`, inner);
      }
    } else rows.push(`${csvField(prefix)},${csvField(value)}`);
  };
  walk("", report);
  return rows.join("\n");
}

/** The `report` command. */
export const reportCommand = defineCommand({
  name: "report",
  usage: `Usage: tm report [--days N] [--assessment] [--format text|json|csv] [--output FILE]

An activity report over the last N days (default 7): tasks created and completed, the
completion rate, the metrics of tm metrics, and how many of the new tasks used each
feature (criteria, deadlines, estimates, progress, summaries, feedback).
--assessment (the original's 30-day assessment) is the report over 30 days.`,
  options: {
    days: { type: "string", value: "N", help: "window length in days (default 7)" },
    assessment: { type: "boolean", help: "the 30-day report, titled as the original's" },
    format: {
      type: "string",
      value: "F",
      help: "text (default), json, or csv (metric,value rows)",
    },
    output: {
      type: "string",
      value: "FILE",
      help: "write the report to FILE (atomically) instead of stdout",
    },
  },
  args: [],
  async run({ flags, app, io, json, location }) {
    const format = flags.format ?? (json ? "json" : "text");
    if (!["text", "json", "csv"].includes(format)) {
      throw usageError(`invalid --format "${format}": expected text, json or csv`);
    }
    const { activityReport } = await import("../app/metrics.ts");
    const days = parseLimit(flags.days, "days", 36_500) ?? (flags.assessment ? 30 : 7);
    const report = await activityReport(await app(), days);
    const rendered = format === "json"
      ? JSON.stringify({ schema_version: 1, report }, null, 2)
      : format === "csv"
      ? reportCsv(report)
      : `${flags.assessment ? "30-DAY ASSESSMENT REPORT\n" : ""}${reportText(report)}`;
    const output = flags.output;
    if (output !== undefined) {
      const { writeOutputFile } = await import("./output_file.ts");
      const path = await writeOutputFile(io, output, `${rendered}\n`, location);
      return {
        data: { report, output: path },
        text: `Report written to ${oneLine(output)}`,
      };
    }
    return { data: { report }, text: rendered };
  },
});

function dotId(id: string): string {
  return `"${id}"`;
}

/** The `critical-path` command. */
export const criticalPathCommand = defineCommand({
  name: "critical-path",
  usage: `Usage: tm critical-path [--format text|json|graphviz] [--dot]

The chain of open (not completed or cancelled) tasks, each depending on the one before,
with the most estimated hours in total: the work that decides when everything is done.
Tasks without an estimate count 0 hours; between equal chains the one with more tasks
wins. "No open tasks" when there are none. --dot (the original's flag) is --format graphviz.`,
  options: {
    format: {
      type: "string",
      value: "F",
      help: "text (default), json, or graphviz (a DOT digraph of the open tasks with the\n" +
        "critical path in bold red; render with: dot -Tsvg)",
    },
    dot: { type: "boolean", help: "the same as --format graphviz" },
  },
  args: [],
  async run({ flags, app, json }) {
    if (flags.dot && flags.format !== undefined && flags.format !== "graphviz") {
      throw usageError(`critical-path: --dot is --format graphviz, not "${flags.format}"`);
    }
    const format = flags.format ?? (flags.dot ? "graphviz" : json ? "json" : "text");
    if (!["text", "json", "graphviz"].includes(format)) {
      throw usageError(`invalid --format "${format}": expected text, json or graphviz`);
    }
    const { findCriticalPath } = await import("../app/metrics.ts");
    const result = await findCriticalPath(await app());
    const data = {
      total_hours: result.total_hours,
      length: result.ids.length,
      path: result.tasks,
    };
    if (format === "json") {
      return { data, text: JSON.stringify({ schema_version: 1, ...data }) };
    }
    if (format === "graphviz") {
      const onPath = new Set(result.ids);
      const edgesOnPath = new Set(
        result.ids.slice(1).map((id, i) => `${result.ids[i]}>${id}`),
      );
      const lines = ["digraph critical_path {", "  rankdir=LR;"];
      for (const t of result.tasks) {
        const label = `${t.id}\\n${t.title.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}`;
        lines.push(`  ${dotId(t.id)} [label="${oneLine(label)}", color=red, penwidth=2];`);
      }
      for (const e of result.edges) {
        const bold = edgesOnPath.has(`${e.depends_on_id}>${e.task_id}`);
        if (!onPath.has(e.task_id) && !onPath.has(e.depends_on_id)) continue;
        lines.push(
          `  ${dotId(e.depends_on_id)} -> ${dotId(e.task_id)}${
            bold ? " [color=red, penwidth=2]" : ""
          };`,
        );
      }
      lines.push("}");
      return { data, text: lines.join("\n") };
    }
    if (result.ids.length === 0) return { data, text: "No open tasks" };
    const text = [
      `Critical path: ${result.ids.length} tasks, ${result.total_hours}h estimated`,
      ...result.tasks.map((t, i) =>
        `${i + 1}. [${t.id}] ${oneLine(t.title)} - ${t.status} (${
          t.estimated_hours === null ? "no estimate" : `${t.estimated_hours}h`
        })`
      ),
    ];
    return { data, text: text.join("\n") };
  },
});
