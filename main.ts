#!/usr/bin/env -S deno run --no-prompt --allow-read --allow-write --allow-run --allow-net --allow-env=TM_*,NO_COLOR,USER,LOGNAME,USERNAME --ignore-env=LOG_TOKENS,LOG_STREAM
/**
 * tm: a task orchestrator for teams of AI coding agents. Entry point: run the command line,
 * exit with its code. Everything else lives in src/.
 *
 * @module
 */

import { processIo } from "./src/cli/io.ts";
import { dropPermissions } from "./src/cli/permissions.ts";
import { run } from "./src/cli/run.ts";

if (import.meta.main) {
  // Right after dispatch the process gives up every permission the command does not need.
  Deno.exit(await run(Deno.args, processIo(), { sandbox: dropPermissions }));
}
