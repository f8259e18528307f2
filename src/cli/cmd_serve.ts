/**
 * `tm serve`: the HTTP API, live event stream and dashboard. The server's modules load only
 * here, on demand, so no other command pays for them.
 *
 * @module
 */

import { TmError, usageError, validationError } from "../core/errors.ts";
import { resolveAgainst } from "./output_file.ts";
import type { TaskEvent } from "../core/event.ts";
import { defineCommand } from "./command.ts";
import { oneLine } from "./output.ts";

const DEFAULT_PORT = 7878;

function portFlag(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  if (!/^\d{1,5}$/.test(value.trim()) || Number(value) > 65535) {
    throw usageError(`invalid --port "${value}": expected 0-65535 (0 picks a free port)`);
  }
  return Number(value);
}

/** Open `url` in the desktop's browser; failing to is not an error worth stopping for. */
async function openBrowser(url: string): Promise<boolean> {
  const opener = Deno.build.os === "darwin" ? "open" : "xdg-open";
  try {
    const child = new Deno.Command(opener, {
      args: [url],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    return (await child.status).success;
  } catch {
    return false;
  }
}

/** `TM_HOOK_TIMEOUT` in milliseconds (default 10 s), as the CLI reads it for its hooks. */
function hookTimeout(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return 10_000;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw validationError(`invalid TM_HOOK_TIMEOUT "${value}": expected seconds above 0`);
  }
  return Math.round(seconds * 1000);
}

/**
 * Run the project's hooks for what the server's requests committed, one batch after the
 * other so hooks see events in commit order; failures become log lines, as in the CLI.
 */
function hookRunner(
  dataDir: string,
  options: { timeoutMs: number; log: (line: string) => void },
): (events: TaskEvent[]) => void {
  let chain = Promise.resolve();
  return (events) => {
    chain = chain.then(async () => {
      const { installedHooks, runHooks } = await import("./hooks.ts");
      const installed = installedHooks(dataDir);
      if (installed.size === 0) return;
      const failures = await runHooks({
        dataDir,
        cwd: dataDir.slice(0, dataDir.lastIndexOf("/")) || "/",
        events,
        timeoutMs: options.timeoutMs,
        installed,
      });
      for (const f of failures) {
        options.log(`tm: hook ${f.hook} failed for event ${f.event_id}: ${f.reason}`);
      }
    }).catch((error) => options.log(`tm serve: hooks: ${(error as Error).message}`));
  };
}

/** The certificate and key of --tls-cert/--tls-key (both or neither), read as PEM text. */
async function readTls(
  certFile: string | undefined,
  keyFile: string | undefined,
  cwd: string,
): Promise<{ cert: string; key: string } | undefined> {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) {
    throw usageError("--tls-cert and --tls-key go together");
  }
  const read = async (file: string) => {
    try {
      return await Deno.readTextFile(resolveAgainst(cwd, file));
    } catch (error) {
      throw new TmError("storage", `cannot read "${file}": ${(error as Error).message}`);
    }
  };
  return { cert: await read(certFile), key: await read(keyFile) };
}

/** The `serve` command. */
export const serveCommand = defineCommand({
  name: "serve",
  usage: `Usage: tm serve [--host ADDR] [--port N] [--open] [--require-token] [--allow-host NAME]...
                [--tls-cert FILE --tls-key FILE]

Serve the project over HTTP until interrupted (Ctrl-C, SIGTERM): a JSON API under /api/v1
whose answers are the same documents as --json, live events (Server-Sent Events) at
/api/v1/events, its OpenAPI description at /openapi.json, and the dashboard at /. Prints
"Serving on <url>" when it is listening (with --json, a document with the url).

Security: it listens on loopback (127.0.0.1) by default and answers only requests whose
Host is that address (or --allow-host NAME). A request with "Authorization: Bearer TOKEN"
acts as the token's agent with its scope (tm token create); one without a token acts as
this process's own agent (TM_AGENT_ID) unless --require-token. Off loopback, tokens are
always required. Browsers of other sites are refused (no CORS). With --tls-cert and
--tls-key it serves HTTPS. POST /api/v1/run serves remote mode: tm commands run elsewhere
with TM_URL + TM_TOKEN (or tm login). See docs/server.md and docs/remote.md.`,
  options: {
    host: {
      type: "string",
      value: "ADDR",
      help: "address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)",
    },
    port: {
      type: "string",
      value: "N",
      help: `port (default ${DEFAULT_PORT}; 0 picks a free one)`,
    },
    open: { type: "boolean", help: "open the dashboard in the desktop's browser" },
    "require-token": {
      type: "boolean",
      help: "refuse requests without a token (always on off loopback)",
    },
    "tls-cert": {
      type: "string",
      value: "FILE",
      help: "serve HTTPS with this PEM certificate (chain); needs --tls-key",
    },
    "tls-key": { type: "string", value: "FILE", help: "the PEM private key of --tls-cert" },
    "allow-host": {
      type: "string",
      multiple: true,
      value: "NAME",
      help: "also answer this Host (a reverse proxy's name); repeatable",
    },
  },
  args: [],
  authors: true,
  needs: { net: true, run: true },
  async run({ flags, app, io, json }) {
    const hostname = flags.host ?? "127.0.0.1";
    const port = portFlag(flags.port);
    const hookTimeoutMs = hookTimeout(io.env("TM_HOOK_TIMEOUT"));
    const tls = await readTls(flags.tlsCert, flags.tlsKey, io.cwd());
    const ctx = await app();
    const log = (line: string) => io.stderr(`${oneLine(line)}\n`);
    const { isLoopback } = await import("../server/access.ts");
    const { startServer } = await import("../server/server.ts");
    // Remote mode: a client's command line runs through the very same run().
    const { run } = await import("./run.ts");
    const requireToken = flags.requireToken || !isLoopback(hostname);
    const server = await startServer({
      context: ctx,
      hostname,
      port,
      requireToken,
      allowHosts: flags.allowHost,
      log,
      onCommitted: hookRunner(ctx.location.dataDir, { timeoutMs: hookTimeoutMs, log }),
      commandLine: (argv, commandIo, options) => run(argv, commandIo, options),
      ...(tls === undefined ? {} : { tls }),
      env: (name) => io.env(name),
    });
    const stop = () => void server.shutdown();
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
    try {
      io.stdout(
        json
          ? `${
            JSON.stringify({
              schema_version: 1,
              url: server.url,
              port: server.port,
              require_token: requireToken,
              agent: ctx.agent,
            })
          }\n`
          : `Serving on ${server.url}\n`,
      );
      io.stderr(
        requireToken
          ? "tm serve: every request needs a token (tm token create AGENT)\n"
          : `tm serve: requests without a token act as "${ctx.agent}"\n`,
      );
      if (flags.open && !await openBrowser(server.url)) {
        io.stderr(`tm serve: could not open a browser; visit ${server.url}\n`);
      }
      await server.finished;
    } finally {
      Deno.removeSignalListener("SIGINT", stop);
      Deno.removeSignalListener("SIGTERM", stop);
    }
    return { data: {}, text: "", streamed: true };
  },
});
