/**
 * Which tm the process-level tests start. By default the source tree as scripts/tm runs it
 * (SOURCE_RUN_ARGS); the distribution checks point the same tests at another build of tm:
 *
 * - `TM_E2E_TM=/path/to/tm`: an executable (the npm package's installed `tm`, a compiled
 *   binary), started as it is;
 * - `TM_E2E_ENTRY=/path/to/main.js`: a bundled entry (`deno task build`), started as
 *   `deno run --no-config <production flags> ENTRY`.
 *
 * @module
 */

import { PRODUCTION_PERMISSION_FLAGS } from "../src/cli/permissions.ts";

/** Absolute path of the source entry point. */
export const SOURCE_MAIN = new URL("../main.ts", import.meta.url).pathname;

/**
 * `deno` arguments that run the source tree as scripts/tm does: `--node-modules-dir=manual`
 * (no wait on, and no message about, Deno's `node_modules` lock) and the production flags.
 */
export const SOURCE_RUN_ARGS: readonly string[] = [
  "run",
  "--node-modules-dir=manual",
  ...PRODUCTION_PERMISSION_FLAGS,
  SOURCE_MAIN,
];

/** A program and the arguments that run `tm ARGS…`. */
export interface TmCommandLine {
  program: string;
  args: string[];
}

/** A description of the tm under test, for messages. */
export function targetName(): string {
  const bin = Deno.env.get("TM_E2E_TM");
  const entry = Deno.env.get("TM_E2E_ENTRY");
  return bin ? `executable ${bin}` : entry ? `bundle ${entry}` : `source ${SOURCE_MAIN}`;
}

/** The command line that runs `tm ARGS…` on the tm under test. */
export function tmCommandLine(args: readonly string[]): TmCommandLine {
  const bin = Deno.env.get("TM_E2E_TM");
  if (bin) return { program: bin, args: [...args] };
  const entry = Deno.env.get("TM_E2E_ENTRY");
  const run = entry
    ? ["run", "--no-config", ...PRODUCTION_PERMISSION_FLAGS, entry]
    : SOURCE_RUN_ARGS;
  return { program: Deno.execPath(), args: [...run, ...args] };
}
