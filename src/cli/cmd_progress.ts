/**
 * `tm progress`: append a progress update to a task.
 *
 * @module
 */

import { defineCommand } from "./command.ts";

/** The `progress` command. */
export const progressCommand = defineCommand({
  name: "progress",
  usage: `Usage: tm progress ID MESSAGE

Append a timestamped progress update by you to a task and print "Progress update added".
A message starting with a percentage ("40% parser done") records the task's percent
complete (0-100). tm show prints the latest update and the history. Refused while another
agent holds the task (exit 6); an update by the holder renews its lease.`,
  options: {},
  args: ["ID", "MESSAGE..."],
  authors: true,
  async run({ args, app }) {
    const { addProgress } = await import("../app/progress.ts");
    const entry = await addProgress(await app(), args[0]!, args[1]!);
    return { data: { progress: entry }, text: "Progress update added" };
  },
});
