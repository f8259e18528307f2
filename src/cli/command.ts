/**
 * The shape of a command: its usage text, its own options (declared once, parsed strictly,
 * typed for `run`, listed in the help), what it needs, and a `run` that returns data for
 * `--json`, text for people and warnings. Commands never print directly (except streaming
 * commands, through `io`): `run.ts` prints results, warnings and errors.
 *
 * @module
 */

import type { AppContext } from "../app/context.ts";
import type { DataLocation } from "../files/data_dir.ts";
import type { DatabaseFiles } from "../store/store.ts";
import { type TmError, usageError } from "../core/errors.ts";
import { type OptionDeclarations, type OptionValues, optionValues } from "./flags.ts";
import type { Io } from "./io.ts";
import type { PermissionNeeds } from "./permissions.ts";

/** Parsed flag values of one command, before {@link defineCommand} types them. */
export type Flags = Record<string, string | boolean | Array<string | boolean> | undefined>;

/** What `run` receives. */
export interface CommandInput {
  /** Positional arguments after the command name (and subcommand, for families). */
  args: string[];
  flags: Flags;
  /** Opens the project's store on first call; commands that do not need it never call it. */
  app: () => Promise<AppContext>;
  /** Where the project's data lives (found, or where `tm init` would create it). */
  location: DataLocation;
  /** Lock timeout from `TM_LOCK_TIMEOUT`, in milliseconds. */
  lockTimeoutMs: number;
  /** The database file itself (init, migrate), loaded on first call. */
  database: () => Promise<DatabaseFiles>;
  /** Whether `--json` was given. */
  json: boolean;
  /** The global `--agent-id`, if given (for commands that act as one agent throughout). */
  agentId?: string | undefined;
  io: Io;
}

/** What a declared command's `run` receives: the same, with its options typed. */
export type TypedInput<O> = Omit<CommandInput, "flags"> & { flags: OptionValues<O> };

/** What `run` returns: one JSON document's fields and the human text. */
export interface CommandResult {
  /** Fields of the `--json` document (`schema_version` is added). */
  data: Record<string, unknown>;
  /** Human output; printed with a trailing newline unless empty. */
  text: string;
  /** Exit code when the command succeeded but wants a non-zero code. */
  exitCode?: number;
  /** Set by streaming commands that already wrote their output through `io`. */
  streamed?: boolean;
  /** Things that went wrong after the work was done; each printed as `tm: warning: ...`. */
  warnings?: readonly string[];
}

/** What every command states about itself, declared or not. */
interface CommandBase {
  /** The word after `tm`. */
  name: string;
  /**
   * The usage line(s) and the prose above "Options:" (`tm help NAME`). The options section
   * is generated from `options`.
   */
  usage: string;
  /** Text after the options section: notes and examples. */
  notes?: string;
  /** Required positional arguments, by name; a last name ending in `...` takes the rest. */
  args: readonly string[];
  /** Optional positional arguments after the required ones. */
  optionalArgs?: readonly string[];
  /**
   * How many positional arguments a variadic option waits for before it takes more than one
   * value (default: the required ones): `tm complete ID --summary words…` takes ID first.
   */
  variadicAfter?: number;
  /** Whether the command records who did something (then an unset TM_AGENT_ID is noted). */
  authors?: boolean;
  /** Permissions kept after dispatch. */
  needs?: PermissionNeeds;
  /**
   * Human text (stdout) explaining a failure, printed before the error line when `--json` is
   * not given; `undefined` when the error line says it all.
   */
  renderError?(error: TmError): string | undefined;
}

/** A command of the `tm` CLI, as the dispatcher sees it. */
export interface CommandSpec extends CommandBase {
  /** Flags of this command only, with their help; unknown flags are usage errors. */
  options: OptionDeclarations;
  run(input: CommandInput): Promise<CommandResult>;
}

/** A command as its module declares it: options once, and a `run` that gets them typed. */
export interface CommandDefinition<O extends OptionDeclarations> extends CommandBase {
  /** Flags of this command only, in help order; unknown flags are usage errors. */
  options: O;
  run(input: TypedInput<O>): Promise<CommandResult>;
}

/**
 * Declare a command: its options are declared once and its `run` gets them typed, so
 * `flags.ttl` is `string | undefined` and a misspelt option name does not compile.
 *
 * @example
 * ```ts
 * import { defineCommand } from "./command.ts";
 * export const echoCommand = defineCommand({
 *   name: "echo",
 *   usage: "Usage: tm echo TEXT [--loud]",
 *   options: { loud: { type: "boolean", help: "in capitals" } },
 *   args: ["TEXT"],
 *   run({ args, flags }) {
 *     const text = flags.loud ? args[0]!.toUpperCase() : args[0]!;
 *     return Promise.resolve({ data: { text }, text });
 *   },
 * });
 * ```
 */
export function defineCommand<const O extends OptionDeclarations>(
  definition: CommandDefinition<O>,
): CommandSpec {
  return {
    ...definition,
    run: (input) =>
      definition.run({ ...input, flags: optionValues(definition.options, input.flags) }),
  };
}

/** Parse a `--limit`-style value: a positive whole number, at most `max`. */
export function parseLimit(
  value: string | undefined,
  name = "limit",
  max = 1_000_000_000,
): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
    throw usageError(`invalid --${name} "${value}": expected a positive whole number`);
  }
  if (Number(value) > max) throw usageError(`invalid --${name} "${value}": at most ${max}`);
  return Number(value);
}
