/**
 * Which tm the process-level tests start. By default the source tree under the production
 * permission flags; the distribution checks point the same tests at another build of tm:
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
  const main = entry ? ["--no-config", ...PRODUCTION_PERMISSION_FLAGS, entry] : [
    ...PRODUCTION_PERMISSION_FLAGS,
    SOURCE_MAIN,
  ];
  return { program: Deno.execPath(), args: ["run", ...main, ...args] };
}
