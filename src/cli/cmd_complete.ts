/**
 * `tm complete`: complete a task and unblock its dependents.
 *
 * @module
 */

import { completeTask } from "../app/complete_task.ts";
import type { ValidationReport } from "../core/criteria.ts";
import { ValidationFailed } from "../core/errors.ts";
import { parseHours } from "../core/task.ts";
import { defineCommand } from "./command.ts";
import { forTasks, WHERE_OPTION } from "./bulk.ts";
import { oneLine } from "./output.ts";

/** The text of a validation report, one line per criterion. */
export function validationText(report: ValidationReport): string {
  const lines = [
    `Validation: ${
      report.passed ? "PASSED" : "FAILED"
    } (${report.passed_count}/${report.total} passed)`,
  ];
  for (const c of report.criteria) {
    lines.push(
      `  [${c.result === "passed" ? "x" : c.result === "failed" ? "!" : " "}] ${c.position}. ${
        oneLine(c.criterion)
      } - ${c.result}: ${oneLine(c.reason)}`,
    );
  }
  return lines.join("\n");
}

/** The `complete` command. */
export const completeCommand = defineCommand({
  name: "complete",
  usage: `Usage: tm complete ID [OPTIONS]

Mark a task completed and print "Task <id> completed". Dependents whose last open
dependency this was become pending, and their participants are notified. Completing a
completed task again is harmless. Refused while the task has open dependencies (exit 5) or
is held by another agent (exit 6). Without --validate, the criteria that had not passed are
recorded with the completion ("Unverified criteria: 1, 3").`,
  options: {
    validate: {
      type: "boolean",
      help: "evaluate every success criterion first; print the report and refuse\n" +
        "completion (exit 5) unless all pass (see tm criteria)",
    },
    summary: {
      type: "string",
      multiple: true,
      variadic: true,
      value: "TEXT...",
      help: "what was done, kept with the task (feature completion-summaries);\n" +
        "the words up to the next option, as in the original tm",
    },
    "actual-hours": {
      type: "string",
      value: "N",
      help: "hours the work took (feature time-tracking)",
    },
    "impact-review": {
      type: "boolean",
      help: "also list the dependents and what completing affects",
    },
    ...WHERE_OPTION,
  },
  args: [],
  optionalArgs: ["ID..."],
  variadicAfter: 1,
  authors: true,
  run({ args, flags, app }) {
    const { actualHours: hours, validate } = flags;
    const summary = flags.summary.length === 0 ? undefined : flags.summary.join(" ");
    const options = {
      ...(hours === undefined ? {} : { actualHours: parseHours(hours, "--actual-hours") }),
      ...(summary === undefined ? {} : { summary }),
      validate,
      impactReview: flags.impactReview,
    };
    return forTasks("complete", { ids: args[0], where: flags.where, app }, async (ctx, id) => {
      const result = await completeTask(ctx, id, options);
      const lines = [`Task ${result.task.id} completed`];
      if (result.already_completed) lines[0] += " (already)";
      if (validate && result.validation !== null) lines.push(validationText(result.validation));
      if (!validate && result.unverified.length > 0) {
        lines.push(`Unverified criteria: ${result.unverified.join(", ")}`);
      }
      for (const id of result.unblocked) lines.push(`Unblocked: ${id}`);
      if (result.impact !== undefined) {
        const impact = result.impact;
        // The original's header line, which its suites grep.
        lines.push(
          "=== Impact Review ===",
          `Impact: ${impact.dependents.length} direct dependent(s), ${impact.downstream_open} open downstream`,
        );
        for (const d of impact.dependents) {
          lines.push(`  ${d.id} ${oneLine(d.title)} - ${d.status}`);
        }
      }
      return { data: { ...result }, text: lines.join("\n") };
    });
  },
  renderError(error) {
    // The report says which criteria refused the completion; the error line only counts them.
    return error instanceof ValidationFailed ? validationText(error.report) : undefined;
  },
});
