/**
 * A user error as the agent contract prints it: one `tm: message (hint)` line on stderr and,
 * with `--json`, the error document after it. Shared by `run()`, remote mode's client and the
 * entry point, so every mode says a failure the same way.
 *
 * @module
 */

import { errorObject, type TmError } from "../core/errors.ts";
import { JSON_SCHEMA_VERSION } from "../version.ts";
import type { Io } from "./io.ts";
import { oneLine } from "./output.ts";

/** Print `error` and return its exit code. */
export function printError(io: Io, error: TmError, json: boolean): number {
  const hint = error.hint === undefined ? "" : ` (${oneLine(error.hint)})`;
  io.stderr(`tm: ${oneLine(error.message)}${hint}\n`);
  if (json) {
    io.stderr(
      `${JSON.stringify({ schema_version: JSON_SCHEMA_VERSION, error: errorObject(error) })}\n`,
    );
  }
  return error.exitCode;
}

/** Whether `--json` appears before any `--`: known even when parsing the line fails. */
export function jsonRequested(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).includes("--json");
}
