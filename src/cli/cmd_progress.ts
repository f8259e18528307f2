/**
 * `tm progress`: append a progress update to a task.
 *
 * @module
 */

import { usageError } from "../core/errors.ts";
import { defineCommand } from "./command.ts";

/** The `progress` command. */
export const progressCommand = defineCommand({
  name: "progress",
  usage: `Usage: tm progress ID MESSAGE
       tm progress ID --worker-lines < LINES

Append a timestamped progress update by you to a task and print "Progress update added".
A message starting with a percentage ("40% parser done") records the task's percent
complete (0-100). tm show prints the latest update and the history. Refused while another
agent holds the task (exit 6); an update by the holder renews its lease.

With --worker-lines (and no MESSAGE), each line of standard input becomes an update of
its own, recorded as tm worker records its command's output (a remote worker sends them
so); prints "N progress lines added".`,
  options: {
    "worker-lines": {
      type: "boolean",
      help: "record each stdin line as tm worker records output lines",
    },
  },
  args: ["ID"],
  optionalArgs: ["MESSAGE..."],
  authors: true,
  async run({ args, flags, app, io }) {
    const [id, message] = args as [string, string | undefined];
    if (flags.workerLines) {
      if (message !== undefined) {
        throw usageError("progress: --worker-lines reads stdin, not MESSAGE");
      }
      const text = await io.readStdin();
      const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
      if (lines.length > 0) {
        const { recordProgress } = await import("../app/progress_log.ts");
        await recordProgress(await app(), id, lines);
      }
      return { data: { added: lines.length }, text: `${lines.length} progress lines added` };
    }
    // As for any missing argument (MESSAGE is required without --worker-lines).
    if (message === undefined) {
      throw usageError("progress: missing argument MESSAGE", "usage: tm progress ID MESSAGE");
    }
    const { addProgress } = await import("../app/progress.ts");
    const entry = await addProgress(await app(), id, message);
    return { data: { progress: entry }, text: "Progress update added" };
  },
});
