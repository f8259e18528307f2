/**
 * Remote mode for the in-process CLI tests: with `TM_TEST_MODE=remote` (`deno task
 * test:remote`), tests/_in_process.ts's `tm()` sends the command line through a real
 * `tm serve` (started by the test, on 127.0.0.1, over HTTP) with the remote client, acting
 * as the agent the test names (`--agent-id`, else `TM_AGENT_ID`, else "tester") through a
 * token of that agent. The same assertions then hold in both modes: one suite, two modes.
 *
 * Each call starts the server on the project's database and stops it afterwards, so no test
 * leaks a listener. The server's commands see the test's clock, as a local run would.
 *
 * @module
 */

import { createToken } from "../src/app/tokens.ts";
import type { Io } from "../src/cli/io.ts";
import { run } from "../src/cli/run.ts";
import { locateDataDir } from "../src/files/data_dir.ts";
import { featureConfig, sharedContextMirror } from "../src/files/project_files.ts";
import { runRemote } from "../src/remote/client.ts";
import { startServer } from "../src/server/server.ts";
import { openSqliteStore } from "../src/store/sqlite.ts";
import type { Clock, TmOptions } from "./_in_process.ts";
import type { TmResult } from "./_cli.ts";

/** Commands that stay local in remote mode (they set up or manage the server's project). */
const LOCAL = new Set(["init", "migrate", "config", "token", "serve", "login", "logout"]);

/** Whether `args` go through the server in remote test mode. */
export function runsRemotely(args: readonly string[]): boolean {
  const word = args.find((a, i) => !a.startsWith("-") && args[i - 1] !== "--agent-id");
  return word === undefined || !LOCAL.has(word);
}

function actingAgent(args: readonly string[], env: Record<string, string> | undefined): string {
  const flag = args.indexOf("--agent-id");
  if (flag !== -1 && args[flag + 1] !== undefined) return args[flag + 1]!;
  const inline = args.find((a) => a.startsWith("--agent-id="));
  if (inline !== undefined) return inline.slice("--agent-id=".length);
  const fromEnv = env?.TM_AGENT_ID;
  return fromEnv === undefined || fromEnv === "" ? "tester" : fromEnv;
}

/** Run `tm ARGS…` through a server on the project's database; `io` captures the output. */
export async function tmRemote(
  args: readonly string[],
  options: TmOptions,
  io: Io & { out: string[]; err: string[] },
): Promise<TmResult> {
  const location = locateDataDir(options.cwd, options.env?.TM_DB_PATH);
  const store = await openSqliteStore({ path: location.dbPath, lockTimeoutMs: 2000 });
  const clock: Clock | undefined = options.clock;
  const now = () => clock?.now() ?? new Date();
  const context = {
    store,
    agent: "server-agent",
    location,
    now,
    leaseTtlMs: 30 * 60_000,
    mirror: sharedContextMirror(location.dataDir),
    features: featureConfig(location.dataDir),
  };
  const server = await startServer({
    context,
    hostname: "127.0.0.1",
    port: 0,
    requireToken: true,
    // The test's clock and settings (TM_LEASE_TTL, ...) reach the commands, as they would
    // reach a local run; identity never does: the token names the agent.
    commandLine: (argv, commandIo, runOptions) =>
      run(argv, {
        ...commandIo,
        now,
        env: (name) =>
          name !== "TM_AGENT_ID" && name !== "TM_DB_PATH" && options.env?.[name] !== undefined
            ? options.env[name]
            : commandIo.env(name),
      }, runOptions),
  });
  try {
    // A name no token can carry ("../x"): the test expects it refused, so any token will do.
    const named = actingAgent(args, options.env);
    const agent = /^[A-Za-z0-9._-]{1,64}$/.test(named) && !/^\.+$/.test(named) ? named : "tester";
    const { secret } = await createToken({ ...context, agent: "server-agent" }, {
      agent,
      scope: "admin",
    });
    const code = await runRemote(args, io, {
      url: server.url,
      token: secret,
      insecure: false,
      source: "env",
    });
    return { code, stdout: io.out.join(""), stderr: io.err.join("") };
  } finally {
    await server.shutdown();
    store.close();
  }
}
