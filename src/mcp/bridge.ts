/**
 * Runs `tm` command lines in this process, as the CLI would in its own: the same parsing,
 * validation, use cases, hooks, telemetry and error mapping, with `--json` on. A tool call's
 * result is therefore the command's `--json` document and a failure its `--json` error object,
 * exactly (docs/mcp.md, "One contract").
 *
 * @module
 */

import { run } from "../cli/run.ts";
import type { Io } from "../cli/io.ts";
import { JSON_SCHEMA_VERSION } from "../version.ts";

/** Who a command line runs as, and where. */
export interface BridgeOptions {
  /** The acting agent (passed as `--agent-id`). */
  agent: string;
  /** A database path given to `tm mcp --db` (or by the server), passed on as `--db`. */
  db?: string;
  /** The working directory the project is found from. */
  cwd: string;
  /** The process environment as the CLI may read it. */
  env(name: string): string | undefined;
  /** The clock the commands see (the real time when absent). */
  now?: () => Date;
  /** Where diagnostics go (never stdout: that is the protocol channel). */
  log(text: string): void;
}

/** The error object of the CLI's `--json` error document. */
export interface ErrorObject {
  code: string;
  /** The CLI's exit code; absent for errors only a server has (a token's scope). */
  exit_code?: number;
  message: string;
  retryable: boolean;
  hint?: string;
  details?: Record<string, unknown>;
}

/** The outcome of one command line: its `--json` document, or its error document. */
export type CommandOutcome =
  | { ok: true; document: Record<string, unknown>; text: string }
  | { ok: false; document: { schema_version: number; error: ErrorObject } };

/** The error document for an error found before any command ran (bad tool arguments). */
export function errorDocument(error: ErrorObject): { schema_version: number; error: ErrorObject } {
  return { schema_version: JSON_SCHEMA_VERSION, error };
}

/** Split the CLI's stderr into its error document (with `--json`) and the other lines. */
function splitStderr(stderr: string): { error?: ErrorObject; rest: string[] } {
  const lines = stderr.split("\n").filter((line) => line !== "");
  const at = lines.findLastIndex((line) => line.startsWith('{"schema_version"'));
  if (at < 0) return { rest: lines };
  let error: ErrorObject | undefined;
  try {
    error = (JSON.parse(lines[at]!) as { error?: ErrorObject }).error;
  } catch {
    return { rest: lines };
  }
  // The line before the document is the same error in one line of text: not news for the log.
  const first = at > 0 && lines[at - 1]!.startsWith("tm: ") ? at - 1 : at;
  return {
    ...(error === undefined ? {} : { error }),
    rest: [...lines.slice(0, first), ...lines.slice(at + 1)],
  };
}

/**
 * Run `tm <global options> ARGV` in process (`json` false: for its human text) and return
 * its outcome. Lines the command writes to stderr other than its error document (warnings,
 * hook failures, a bug's stack) go to `log`.
 */
export async function runCommand(
  argv: readonly string[],
  options: BridgeOptions,
  json = true,
): Promise<CommandOutcome> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    // One request id for every call would make each share after the first a "duplicate".
    env: (name) => name === "TM_REQUEST_ID" ? undefined : options.env(name),
    cwd: () => options.cwd,
    isTerminal: () => false,
    now: options.now ?? (() => new Date()),
    readStdin: () => Promise.resolve(""),
  };
  const globals = [
    ...(json ? ["--json"] : []),
    `--agent-id=${options.agent}`,
    ...(options.db === undefined ? [] : [`--db=${options.db}`]),
  ];
  const code = await run([...globals, ...argv], io);
  const { error, rest } = splitStderr(stderr);
  if (rest.length > 0) options.log(`${rest.join("\n")}\n`);
  if (code === 0) {
    return {
      ok: true,
      document: json ? JSON.parse(stdout) : { schema_version: JSON_SCHEMA_VERSION },
      text: stdout.replace(/\n$/, ""),
    };
  }
  return {
    ok: false,
    document: errorDocument(
      error ?? {
        code: "internal",
        exit_code: code,
        message: "internal error (a bug; please report it); details on the server's stderr",
        retryable: false,
      },
    ),
  };
}
