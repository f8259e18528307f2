/**
 * `tm help [COMMAND | exit-codes | enforcement]`.
 *
 * @module
 */

import { defineCommand } from "./command.ts";
import { findCommand, ORCHESTRATED_COMMANDS, suggestCommand } from "./commands.ts";
import { commandHelp, EXIT_CODE_HELP, generalHelp } from "./help_text.ts";

/** `tm help enforcement`: the levels, the checks and the guarded commands. */
export const ENFORCEMENT_HELP = `Orchestration enforcement (as in the original Task Orchestrator)

An orchestrated agent needs three things, checked by tm validate-orchestration:
  TM_AGENT_ID        set and non-empty in the environment (--agent-id names one command's
                     agent; it does not count)
  tm reachable       ./tm or ../tm executable, or tm on PATH: agents started here run tm
                     by name (deno task tm or a path of its own does not count)
  database           the project is initialised (tm init); a PostgreSQL project counts

The level (tm config --enforcement-level LEVEL, stored in config/config.json) decides what
the guarded commands do when one is missing. Guarded: ${[...ORCHESTRATED_COMMANDS].join(" ")}.
  advisory   the default: they run; a missing TM_AGENT_ID is one stderr line
             ("tm: TM_AGENT_ID not set: acting as ...")
  standard   they print the problems on stderr and, on a terminal, ask "Continue anyway?";
             without one (stdin not a terminal, or CI / GITHUB_ACTIONS set) they stop:
             "Non-interactive environment detected; command blocked in STANDARD mode."
  strict     they print the problems and stop: "Command blocked due to orchestration
             violations"
A stopped command exits 5 (validation) with one "tm: <command> blocked by orchestration
enforcement ..." line; --json puts the violations in the error's details. In remote mode
(TM_URL) nothing is enforced: the token names the agent.

Commands:
  tm validate-orchestration            "✅ Orchestration context is valid" (exit 0), or each
                                       "❌ Problem: ..." with its fix (exit 5)
  tm fix-orchestration --interactive   walk through the fixes on a terminal
  tm config --show-enforcement         level, whether it blocks, violations found here
  tm config --enforcement-level L      strict | standard | advisory
  tm config --enforce-usage true|false true: standard, false: advisory (also
                                       --enforce-orchestration)`;

/** The `help` command. */
export const helpCommand = defineCommand({
  name: "help",
  usage: `Usage: tm help [COMMAND | exit-codes | enforcement]

Without an argument: every command, the global options, the environment variables and the
exit codes. With a command name: that command's usage and options. Any other word prints
the overview with a note on stderr, and exits 0, as the original did (it ignored the words
after help).`,
  options: {},
  args: [],
  optionalArgs: ["TOPIC..."],
  async run({ args }) {
    // The original ignored everything after "help": only the first word names a topic.
    const topic = args[0]?.split(" ")[0];
    if (topic === undefined || topic === "") {
      const text = generalHelp();
      return { data: { help: text }, text };
    }
    if (topic === "exit-codes") {
      return { data: { help: EXIT_CODE_HELP }, text: EXIT_CODE_HELP };
    }
    if (topic === "enforcement") {
      return { data: { help: ENFORCEMENT_HELP }, text: ENFORCEMENT_HELP };
    }
    const command = await findCommand(topic)?.load();
    if (command === undefined) {
      const guess = suggestCommand(topic);
      const warning = `no help topic "${topic}": not a command, exit-codes or enforcement` +
        `${guess === undefined ? "" : ` (did you mean "${guess}"?)`}; the overview follows`;
      const text = generalHelp();
      return { data: { help: text, unknown_topic: topic }, text, warnings: [warning] };
    }
    const text = commandHelp(command);
    return { data: { command: command.name, help: text }, text };
  },
});
