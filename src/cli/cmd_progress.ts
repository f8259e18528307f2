/**
 * `tm progress`: append a progress update to a task.
 *
 * @module
 */

import { usageError } from "../core/errors.ts";
import { defineCommand } from "./command.ts";
import { oneLine } from "./output.ts";

/** The `progress` command. */
export const progressCommand = defineCommand({
  name: "progress",
  usage: `Usage: tm progress ID MESSAGE
       tm progress ID --worker-lines < LINES
       tm progress ID --run-failed ATTEMPT:EXIT_CODE < LAST_LINES
       tm progress ID --gave-up REASON

Append a timestamped progress update by you to a task and print "Progress update added".
A message starting with a percentage ("40% parser done") records the task's percent
complete (0-100). tm show prints the latest update and the history. Refused while another
agent holds the task (exit 6); an update by the holder renews its lease.

With --worker-lines (and no MESSAGE), each line of standard input becomes an update of
its own, recorded as tm worker records its command's output (a remote worker sends them
so); prints "N progress lines added".

The other records tm worker leaves, for a worker that runs elsewhere (remote mode):
--run-failed records one failed run of its command (event run_failed; stdin: the last
output lines, at most 5 kept), --gave-up stops retrying: the task is blocked and no longer
held, and its participants get a high-priority notification with REASON.`,
  options: {
    "worker-lines": {
      type: "boolean",
      help: "record each stdin line as tm worker records output lines",
    },
    "run-failed": {
      type: "string",
      value: "ATTEMPT:EXIT_CODE",
      help: "record a failed run of the worker's command (stdin: its last output lines)",
    },
    "gave-up": {
      type: "string",
      value: "REASON",
      help: "give the task up as tm worker does after its last retry: blocked, not held",
    },
  },
  args: ["ID"],
  optionalArgs: ["MESSAGE..."],
  authors: true,
  async run({ args, flags, app, io }) {
    const [id, message] = args as [string, string | undefined];
    const modes = [flags.workerLines, flags.runFailed !== undefined, flags.gaveUp !== undefined];
    if (modes.filter(Boolean).length > 1) {
      throw usageError("progress: give one of --worker-lines, --run-failed, --gave-up");
    }
    if ((flags.runFailed !== undefined || flags.gaveUp !== undefined) && message !== undefined) {
      throw usageError("progress: --run-failed and --gave-up take no MESSAGE");
    }
    if (flags.runFailed !== undefined) {
      const failure = parseRunFailed(flags.runFailed);
      const text = await io.readStdin();
      const tail = text === "" ? [] : text.replace(/\n$/, "").split("\n").slice(-5);
      const { recordRunFailure } = await import("../app/worker_records.ts");
      await recordRunFailure(await app(), id, { ...failure, tail });
      return { data: { run_failed: { ...failure, tail } }, text: "Failed run recorded" };
    }
    if (flags.gaveUp !== undefined) {
      const reason = flags.gaveUp.trim();
      if (reason === "") throw usageError("progress: --gave-up needs a REASON");
      const { giveUpTask } = await import("../app/worker_records.ts");
      await giveUpTask(await app(), id, reason);
      return { data: { gave_up: { reason } }, text: `Task ${id} given up: ${oneLine(reason)}` };
    }
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

/** `ATTEMPT:EXIT_CODE` of `--run-failed`: attempt 1 or more, any exit code. */
function parseRunFailed(value: string): { attempt: number; exit_code: number } {
  const match = /^(\d+):(-?\d+)$/.exec(value.trim());
  if (match === null || Number(match[1]) < 1) {
    throw usageError(
      `invalid --run-failed "${value.slice(0, 80)}": expected ATTEMPT:EXIT_CODE, e.g. 2:1`,
    );
  }
  return { attempt: Number(match[1]), exit_code: Number(match[2]) };
}
