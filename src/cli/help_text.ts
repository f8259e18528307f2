/**
 * `tm help`: the command list, the exit codes, and each command's own usage.
 *
 * @module
 */

import type { CommandSpec } from "./command.ts";
import { COMMAND_GROUPS } from "./commands.ts";
import type { OptionDeclaration, OptionDeclarations } from "./flags.ts";

/** The exit-code table, as documented in docs/cli.md. */
export const EXIT_CODE_HELP = `Exit codes:
  0  success (also for empty results)
  1  internal error (a bug)
  2  usage error: unknown command or flag, missing argument
  3  not found: task, dependency, agent or template
  4  database: busy past TM_LOCK_TIMEOUT (retryable), not initialised, I/O;
     also a wait that timed out (tm sync --wait; retryable)
  5  validation: bad value, dependency cycle, failed criteria, invalid transition
  6  conflict: task held by another agent, lease lost`;

const GLOBAL_HELP = `Global options (anywhere on the line):
  --json             one JSON document on stdout (errors: a JSON object on stderr)
  --agent-id NAME    act as NAME (default: $TM_AGENT_ID, else your login name)
  --db PATH          use this database file (*.db) or data directory ($TM_DB_PATH)
  -h, --help         help for tm or for one command
  -V, --version      print the version`;

const ENV_HELP = `Environment:
  TM_AGENT_ID        the acting agent (letters, digits, - _ .; 1-64 characters)
  TM_DB_PATH         database file (*.db) or data directory; default: .task-orchestrator/
                     found by walking up from the working directory (git worktrees share
                     the main worktree's)
  TM_LOCK_TIMEOUT    seconds to wait for the write lock (default 10)
  TM_LEASE_TTL       default lease of a claim, e.g. 30m (default 30m)
  TM_REQUEST_ID      idempotency key for share/discover/sync (remote mode: every write): a
                     repeat is recorded once
  TM_HOOK_TIMEOUT    seconds a hook may run before it is killed (default 10)
  TM_URL, TM_TOKEN   run every command on this tm server as the token's agent (remote mode;
                     or tm login); TM_REMOTE_TIMEOUT, TM_REMOTE_RETRY, TM_INSECURE: docs/remote.md
  NO_COLOR           no colour`;

/** Names longer than this are not aligned (their summary follows them), so the column stays narrow. */
const NAME_COLUMN = 14;

/** The general help: every command with its one-line summary. */
export function generalHelp(): string {
  const width = Math.max(
    ...COMMAND_GROUPS.flatMap((g) => g.commands.map((c) => c.name.length)).filter((n) =>
      n <= NAME_COLUMN
    ),
  );
  const line = (name: string, summary: string) =>
    name.length <= width ? `  ${name.padEnd(width)}  ${summary}` : `  ${name}  ${summary}`;
  const groups = COMMAND_GROUPS.map((group) =>
    `${group.title}:\n` + group.commands.map((c) => line(c.name, c.summary)).join("\n")
  );
  return [
    "tm - task orchestrator for teams of AI coding agents",
    "",
    "Usage: tm COMMAND [ARGS] [OPTIONS]",
    "",
    ...groups.flatMap((g) => [g, ""]),
    GLOBAL_HELP,
    "",
    ENV_HELP,
    "",
    EXIT_CODE_HELP,
    "",
    'Run "tm help COMMAND" for the options of one command, "tm help enforcement" for the',
    "enforcement levels.",
  ].join("\n");
}

/** Space between an option's left column and its help, after the longest left column. */
const OPTION_GAP = 3;

function optionLabel(name: string, option: OptionDeclaration): string {
  const short = option.short === undefined ? "" : `-${option.short}, `;
  const value = option.value === undefined ? "" : ` ${option.value}`;
  return option.label ?? `${short}--${name}${value}`;
}

/**
 * The lines under "Options:", generated from the declarations in their order: one row per
 * option (options `shownWith` another are named on its row), help aligned after the
 * longest left column, continuation lines under the first. Empty without options.
 */
export function optionsHelp(options: OptionDeclarations): string {
  const rows = Object.entries(options)
    .filter(([, option]) => option.shownWith === undefined)
    .map(([name, option]) => ({ label: optionLabel(name, option), help: option.help ?? "" }));
  if (rows.length === 0) return "";
  const width = Math.max(...rows.map((row) => row.label.length)) + OPTION_GAP;
  return rows.map(({ label, help }) =>
    help.split("\n").map((line, i) => `  ${(i === 0 ? label : "").padEnd(width)}${line}`)
      .join("\n")
  ).join("\n");
}

/** One command's help: its usage text, its options, its notes and the global options. */
export function commandHelp(command: CommandSpec): string {
  const options = optionsHelp(command.options);
  return [
    command.usage.trimEnd(),
    ...(options === "" ? [] : [`Options:\n${options}`]),
    ...(command.notes === undefined ? [] : [command.notes.trimEnd()]),
    GLOBAL_HELP,
  ].join("\n\n");
}
