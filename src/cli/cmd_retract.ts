/**
 * `tm retract`: take back a shared-context entry you wrote.
 *
 * @module
 */

import { retractContext } from "../app/collaboration.ts";
import { validationError } from "../core/errors.ts";
import { defineCommand } from "./command.ts";

/** The `retract` command. */
export const retractCommand = defineCommand({
  name: "retract",
  usage: `Usage: tm retract ID SEQ

Retract entry #SEQ of the task's shared context (the number tm context shows). Only its
author can (exit 5 otherwise). The entry is kept: the task's history records it with its
text (a context_retracted event), but tm context, the YAML mirror, sync points and search
no longer show it. Retracting twice is harmless. Prints "Retracted entry #<seq> of task
<id>".`,
  options: {},
  args: ["ID", "SEQ"],
  authors: true,
  async run({ args, app }) {
    const seq = Number(args[1]!.replace(/^#/, ""));
    if (!Number.isInteger(seq) || seq < 1) {
      throw validationError(`invalid entry number "${args[1]}"`, "use the #N of tm context");
    }
    const { mirror_error, ...result } = await retractContext(await app(), args[0]!, seq);
    return {
      data: { ...result, mirror_error },
      text: result.retracted
        ? `Retracted entry #${seq} of task ${result.task_id}`
        : `Entry #${seq} of task ${result.task_id} was already retracted`,
      warnings: mirror_error === null
        ? []
        : [`entry retracted, but the YAML mirror was not updated: ${mirror_error}`],
    };
  },
});
