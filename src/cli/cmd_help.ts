/**
 * `tm help [COMMAND]`.
 *
 * @module
 */

import { usageError } from "../core/errors.ts";
import { defineCommand } from "./command.ts";
import { findCommand, suggestCommand } from "./commands.ts";
import { commandHelp, EXIT_CODE_HELP, generalHelp } from "./help_text.ts";

/** The `help` command. */
export const helpCommand = defineCommand({
  name: "help",
  usage: `Usage: tm help [COMMAND | exit-codes]

Without an argument: every command, the global options, the environment variables and the
exit codes. With a command name: that command's usage and options.`,
  options: {},
  args: [],
  optionalArgs: ["COMMAND"],
  async run({ args }) {
    const topic = args[0];
    if (topic === undefined) {
      const text = generalHelp();
      return { data: { help: text }, text };
    }
    if (topic === "exit-codes") {
      return { data: { help: EXIT_CODE_HELP }, text: EXIT_CODE_HELP };
    }
    const command = await findCommand(topic)?.load();
    if (command === undefined) {
      const guess = suggestCommand(topic);
      throw usageError(
        `help: unknown command "${topic}"`,
        guess === undefined ? 'run "tm help"' : `did you mean "${guess}"?`,
      );
    }
    const text = commandHelp(command);
    return { data: { command: command.name, help: text }, text };
  },
});
