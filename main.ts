#!/usr/bin/env -S deno run --no-prompt --allow-read --allow-write --allow-run --allow-net --allow-env=TM_*,NO_COLOR,USER,LOGNAME,USERNAME,PG*,HOME,PATH,CI,GITHUB_ACTIONS --ignore-env=LOG_TOKENS,LOG_STREAM,NODE_PG_FORCE_NATIVE
/**
 * tm: a task orchestrator for teams of AI coding agents. Entry point: choose the mode (the
 * local database, or a tm server when TM_URL + TM_TOKEN or `tm login` say so), run the
 * command line, exit with its code. Everything else lives in src/.
 *
 * @module
 */

import { jsonRequested, printError } from "./src/cli/error_text.ts";
import { processIo } from "./src/cli/io.ts";
import { dropPermissions } from "./src/cli/permissions.ts";
import { TmError } from "./src/core/errors.ts";
import { type RemoteTarget, remoteTarget } from "./src/remote/target.ts";

/**
 * Each mode's module, loaded only when that mode runs. The specifiers are computed so Deno
 * does not even read the other mode's graph (remote mode loads no SQLite code); `deno
 * compile` gets `--include src/cli/ --include src/remote/` for them.
 */
const LOCAL = new URL("./src/cli/run.ts", import.meta.url).href;
const REMOTE = new URL("./src/remote/client.ts", import.meta.url).href;

if (import.meta.main) {
  const io = processIo();
  let target: RemoteTarget | undefined;
  try {
    target = remoteTarget(Deno.args, io.env, io.cwd());
  } catch (error) {
    if (!(error instanceof TmError)) throw error;
    Deno.exit(printError(io, error, jsonRequested(Deno.args)));
  }
  if (target === undefined) {
    const { run } = await import(LOCAL);
    // Right after dispatch the process gives up every permission the command does not need.
    Deno.exit(await run(Deno.args, io, { sandbox: dropPermissions }));
  } else {
    const { runRemote } = await import(REMOTE);
    Deno.exit(await runRemote(Deno.args, io, target));
  }
}
