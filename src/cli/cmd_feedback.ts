/**
 * `tm feedback`: scores and a note on a completed task.
 *
 * @module
 */

import { defineCommand } from "./command.ts";

/** The `feedback` command. */
export const feedbackCommand = defineCommand({
  name: "feedback",
  usage: `Usage: tm feedback ID [--quality 1-5] [--timeliness 1-5] [--note TEXT]

Record your feedback on a completed task; giving it again replaces yours. Scores are whole
numbers from 1 to 5 (anything else: exit 5). Feedback on a task that is not completed is
refused (exit 5). tm metrics --feedback aggregates it. Prints "Feedback recorded for task
<id>".`,
  options: {
    quality: { type: "string", value: "N", help: "quality of the work, 1-5" },
    timeliness: { type: "string", value: "N", help: "timeliness, 1-5" },
    note: {
      type: "string",
      multiple: true,
      variadic: true,
      value: "TEXT...",
      help: "free text: the words up to the next option",
    },
  },
  notes: `Needs the feedback feature (tm config --enable feedback).`,
  args: ["ID"],
  authors: true,
  async run({ args, flags, app }) {
    const { giveFeedback, parseScore } = await import("../app/feedback.ts");
    const { quality, timeliness } = flags;
    const feedback = await giveFeedback(await app(), args[0]!, {
      quality: quality === undefined ? null : parseScore(quality, "--quality"),
      timeliness: timeliness === undefined ? null : parseScore(timeliness, "--timeliness"),
      note: flags.note.length === 0 ? null : flags.note.join(" "),
    });
    return { data: { feedback }, text: `Feedback recorded for task ${feedback.task_id}` };
  },
});
