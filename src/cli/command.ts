/**
 * The shape of a command: its usage text, its own flags (parsed strictly), what it needs,
 * and a `run` that returns data for `--json` and text for people. Commands never print
 * directly (except streaming commands, through `io`).
 *
 * @module
 */

import type { AppContext } from "../app/context.ts";
import type { DataLocation } from "../files/data_dir.ts";
import { usageError } from "../core/errors.ts";
import type { OptionsConfig } from "./flags.ts";
import type { Io } from "./io.ts";
import type { PermissionNeeds } from "./permissions.ts";

/** Parsed flag values of one command. */
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
  /** Whether `--json` was given. */
  json: boolean;
  /** The global `--agent-id`, if given (for commands that act as one agent throughout). */
  agentId?: string | undefined;
  io: Io;
}

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
}

/** A command of the `tm` CLI. */
export interface CommandSpec {
  /** The word after `tm`. */
  name: string;
  /** The full help text (`tm help NAME`, `tm NAME --help`). */
  usage: string;
  /** Flags of this command only; unknown flags are usage errors. */
  options: OptionsConfig;
  /** Required positional arguments, by name; a last name ending in `...` takes the rest. */
  args: readonly string[];
  /** Optional positional arguments after the required ones. */
  optionalArgs?: readonly string[];
  /** Whether the command records who did something (then an unset TM_AGENT_ID is noted). */
  authors?: boolean;
  /** Permissions kept after dispatch. */
  needs?: PermissionNeeds;
  run(input: CommandInput): Promise<CommandResult>;
}

/** A string flag's value, if given (the last one wins when repeated). */
export function stringFlag(flags: Flags, name: string): string | undefined {
  const value = flags[name];
  if (Array.isArray(value)) {
    const last = value[value.length - 1];
    return typeof last === "string" ? last : undefined;
  }
  return typeof value === "string" ? value : undefined;
}

/** Every value of a repeatable string flag. */
export function listFlag(flags: Flags, name: string): string[] {
  const value = flags[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
}

/** Whether a boolean flag was given. */
export function booleanFlag(flags: Flags, name: string): boolean {
  return flags[name] === true;
}

/** Parse a `--limit`-style flag: a positive whole number, at most `max`. */
export function limitFlag(
  flags: Flags,
  name = "limit",
  max = 1_000_000_000,
): number | undefined {
  const value = stringFlag(flags, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
    throw usageError(`invalid --${name} "${value}": expected a positive whole number`);
  }
  if (Number(value) > max) throw usageError(`invalid --${name} "${value}": at most ${max}`);
  return Number(value);
}
