/**
 * `tm serve`: the HTTP API, live event stream and dashboard. The server's modules load only
 * here, on demand, so no other command pays for them.
 *
 * @module
 */

import { usageError } from "../core/errors.ts";
import { booleanFlag, type CommandSpec, listFlag, stringFlag } from "./command.ts";
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

/** The `serve` command. */
export const serveCommand: CommandSpec = {
  name: "serve",
  usage: `Usage: tm serve [--host ADDR] [--port N] [--open] [--require-token] [--allow-host NAME]...

Serve the project over HTTP until interrupted (Ctrl-C, SIGTERM): a JSON API under /api/v1
whose answers are the same documents as --json, live events (Server-Sent Events) at
/api/v1/events, its OpenAPI description at /openapi.json, and the dashboard at /. Prints
"Serving on <url>" when it is listening (with --json, a document with the url).

Security: it listens on loopback (127.0.0.1) by default and answers only requests whose
Host is that address (or --allow-host NAME). A request with "Authorization: Bearer TOKEN"
acts as the token's agent with its scope (tm token create); one without a token acts as
this process's own agent (TM_AGENT_ID) unless --require-token. Off loopback, tokens are
always required. Browsers of other sites are refused (no CORS). See docs/server.md.

Options:
  --host ADDR        address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --port N           port (default ${DEFAULT_PORT}; 0 picks a free one)
  --open             open the dashboard in the desktop's browser
  --require-token    refuse requests without a token (default on off loopback)
  --allow-host NAME  also answer this Host (a reverse proxy's name); repeatable`,
  options: {
    host: { type: "string" },
    port: { type: "string" },
    open: { type: "boolean" },
    "require-token": { type: "boolean" },
    "allow-host": { type: "string", multiple: true },
  },
  args: [],
  authors: true,
  needs: { net: true, run: true },
  async run({ flags, app, io, json }) {
    const hostname = stringFlag(flags, "host") ?? "127.0.0.1";
    const port = portFlag(stringFlag(flags, "port"));
    const ctx = await app();
    const { isLoopback } = await import("../server/access.ts");
    const { startServer } = await import("../server/server.ts");
    const requireToken = booleanFlag(flags, "require-token") || !isLoopback(hostname);
    const server = await startServer({
      store: ctx.store,
      location: ctx.location,
      agent: ctx.agent,
      leaseTtlMs: ctx.leaseTtlMs,
      hostname,
      port,
      requireToken,
      allowHosts: listFlag(flags, "allow-host"),
      log: (line) => io.stderr(`${oneLine(line)}\n`),
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
      if (booleanFlag(flags, "open") && !await openBrowser(server.url)) {
        io.stderr(`tm serve: could not open a browser; visit ${server.url}\n`);
      }
      await server.finished;
    } finally {
      Deno.removeSignalListener("SIGINT", stop);
      Deno.removeSignalListener("SIGTERM", stop);
    }
    return { data: {}, text: "", streamed: true };
  },
};
