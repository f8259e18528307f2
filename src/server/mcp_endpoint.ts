/**
 * `/mcp` on `tm serve`: the MCP tool set of `tm mcp` over the Streamable HTTP transport, for
 * agents on other machines. Stateless: every POST carries one JSON-RPC message and gets its
 * answer as one JSON body (202 with no body for a notification); no session ids and no
 * server-initiated stream (GET and DELETE answer 405, as the transport allows). The caller is
 * the bearer token's agent, with its scope: a read token may call only the reading tools.
 * Loaded on the first `/mcp` request, so a server nobody reaches by MCP does not pay for it.
 *
 * @module
 */

import { type DataLocation, parentOf } from "../files/data_dir.ts";
import { McpSession, PROTOCOL_VERSIONS, RPC_ERRORS, rpcError } from "../mcp/server.ts";
import type { Caller } from "./access.ts";
import { type BodyLimits, HttpError, readJsonBody, SECURITY_HEADERS } from "./http.ts";

/** What the endpoint needs from the server. */
export interface McpEndpointOptions {
  location: DataLocation;
  /** The server's environment as the CLI may read it (lock and lease settings, hooks). */
  env(name: string): string | undefined;
  /** The server's clock. */
  now: () => Date;
  log(line: string): void;
  limits: BodyLimits;
}

function json(body: unknown, status = 200): Response {
  return new Response(`${JSON.stringify(body)}\n`, {
    status,
    headers: { ...SECURITY_HEADERS, "content-type": "application/json; charset=utf-8" },
  });
}

/** Answer one request to `/mcp` for an authenticated `caller`. */
export async function handleMcp(
  request: Request,
  caller: Caller,
  options: McpEndpointOptions,
): Promise<Response> {
  if (request.method !== "POST") {
    // No server-initiated messages (GET) and no sessions to end (DELETE).
    throw new HttpError(405, "method_not_allowed", "method not allowed (allowed: POST)", {
      headers: { allow: "POST" },
    });
  }
  const version = request.headers.get("mcp-protocol-version");
  if (version !== null && !PROTOCOL_VERSIONS.includes(version)) {
    throw new HttpError(
      400,
      "usage",
      `unsupported MCP-Protocol-Version "${version.slice(0, 40)}"`,
      {
        hint: `supported: ${PROTOCOL_VERSIONS.join(", ")}`,
      },
    );
  }
  let message: Record<string, unknown>;
  try {
    message = await readJsonBody(request, options.limits);
  } catch (error) {
    // Malformed JSON and non-objects (batches) are JSON-RPC errors; size, time and type stay HTTP.
    if (!(error instanceof HttpError) || error.status !== 400) throw error;
    const parse = error.message.startsWith("malformed JSON");
    return json(
      rpcError(null, parse ? RPC_ERRORS.parse : RPC_ERRORS.invalidRequest, error.message),
      400,
    );
  }
  const session = new McpSession({
    agent: caller.agent,
    db: options.location.dbPath,
    cwd: parentOf(options.location.dataDir),
    env: options.env,
    now: options.now,
    log: (text) => options.log(text.trimEnd()),
    readOnly: caller.scope === "read",
  });
  const response = await session.handle(message);
  if (response === undefined) {
    return new Response(null, { status: 202, headers: { ...SECURITY_HEADERS } });
  }
  return json(response, response.error !== undefined && response.id === null ? 400 : 200);
}
