/**
 * `tm serve`'s HTTP server on `Deno.serve`: checks who is asking (Host, Origin, token,
 * scope), routes `/api/v1` requests to the route table, streams live events, and answers
 * every failure with the contract's JSON error object. It never prints: the caller passes
 * a `log` function.
 *
 * @module
 */

import type { AppContext } from "../app/context.ts";
import { resolveTaskId } from "../app/resolve.ts";
import { TmError, usageError } from "../core/errors.ts";
import { validateAgentName } from "../core/task.ts";
import type { TaskEvent } from "../core/event.ts";
import { parentOf } from "../files/data_dir.ts";
import {
  allowedHosts,
  authenticateRequest,
  type Caller,
  checkOrigin,
  isLoopback,
  requireScope,
} from "./access.ts";
import { EventHub, eventStream } from "./events.ts";
import { errorResponse, HttpError, jsonResponse, readJsonBody, SECURITY_HEADERS } from "./http.ts";
import { Input, queryRecord } from "./input.ts";
import { EVENTS_PATH, EVENTS_QUERY, MCP_PATH, openApiDocument } from "./openapi.ts";
import { requestIdFrom, type Route, ROUTES } from "./routes.ts";
import { staticResponse } from "./static_routes.ts";
import {
  answerCommandLine,
  COMMAND_LINE_PATH,
  type CommandLineRunner,
  REPLY_JOURNAL,
  ReplyCache,
} from "./command_line.ts";

/** Limits that keep one client from hurting the others. */
export interface ServerLimits {
  /** Largest request body, in bytes. @default 2 MiB (a shared document may be 1 MB). */
  maxBodyBytes: number;
  /** How long a request body may take to arrive. @default 10 s */
  bodyTimeoutMs: number;
  /** Event streams open at once; more are refused with 503. @default 256 */
  maxStreams: number;
  /** A keep-alive comment after this much silence on a stream. @default 15 s */
  keepAliveMs: number;
  /** A stream whose client has taken nothing for this long is dropped. @default 60 s */
  stallMs: number;
  /** How often the database is checked for commits of other processes. @default 200 ms */
  pollMs: number;
}

/** Default limits. */
export const DEFAULT_LIMITS: ServerLimits = {
  maxBodyBytes: 2 * 1024 * 1024,
  bodyTimeoutMs: 10_000,
  maxStreams: 256,
  keepAliveMs: 15_000,
  stallMs: 60_000,
  pollMs: 200,
};

/** Options of {@link startServer}. */
export interface ServerOptions {
  /**
   * The server's own use-case context: its store (used for every request, never closed by
   * the server), ports and clock. Its agent is who a request without a token acts as; a
   * request with a token gets the same context acting as the token's agent.
   */
  context: AppContext;
  /** Address to listen on. */
  hostname: string;
  /** Port; 0 picks a free one. */
  port: number;
  /** Refuse requests without a token. Must be true off loopback. */
  requireToken: boolean;
  /** More `Host` names to answer (behind a reverse proxy). */
  allowHosts?: readonly string[];
  limits?: Partial<ServerLimits>;
  /** One line for the server log (errors, warnings). */
  log?: (line: string) => void;
  /**
   * Called after each request with the events its writes committed, in commit order (the
   * command runs the project's hooks with them, as the CLI does after a command).
   */
  onCommitted?: (events: TaskEvent[]) => void;
  /**
   * Runs a remote client's command line (`POST /api/v1/run`, remote mode); without it the
   * route answers 404. `tm serve` passes the CLI's `run()`.
   */
  commandLine?: CommandLineRunner;
  /** PEM certificate chain and key: serve HTTPS instead of HTTP. */
  tls?: { cert: string; key: string };
  /** The environment as the CLI may read it; `/mcp` runs CLI commands with it. */
  env?: (name: string) => string | undefined;
}

/** A running server. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:7878`. */
  url: string;
  hostname: string;
  port: number;
  /** Stop accepting, end the event streams, wait for the answers in flight. */
  shutdown(): Promise<void>;
  /** Resolves when the server has stopped. */
  finished: Promise<void>;
}

interface MatchedRoute {
  route: Route;
  params: Record<string, string>;
}

function splitPath(path: string): string[] {
  return path.split("/").filter((s) => s !== "");
}

const COMPILED = ROUTES.map((route) => ({ route, segments: splitPath(route.path) }));

/** The route for `method` and `pathname`, or the methods the path answers (for 405). */
function matchRoute(
  method: string,
  pathname: string,
): MatchedRoute | { allowed: string[] } {
  const parts = splitPath(pathname);
  const allowed: string[] = [];
  for (const { route, segments } of COMPILED) {
    if (segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < segments.length && ok; i++) {
      const segment = segments[i]!;
      if (segment.startsWith("{")) {
        try {
          params[segment.slice(1, -1)] = decodeURIComponent(parts[i]!);
        } catch {
          ok = false;
        }
      } else ok = segment === parts[i];
    }
    if (!ok) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  return { allowed };
}

/** Start the server. Refuses a non-loopback address unless tokens are required. */
export function startServer(options: ServerOptions): Promise<RunningServer> {
  if (!isLoopback(options.hostname) && !options.requireToken) {
    throw usageError(
      `refusing to listen on "${options.hostname}" without tokens`,
      "off loopback, tokens are required: drop --no-require-token (see tm help serve)",
    );
  }
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.log ?? (() => {});
  const { store } = options.context;
  const hub = new EventHub(store, { pollMs: limits.pollMs });
  const shutdownStreams = new AbortController();
  let openStreams = 0;
  let hosts: Set<string> | null = null;
  const replies = new ReplyCache({
    journal: `${options.context.location.dataDir}/${REPLY_JOURNAL}`,
  });
  const bodyLimits = { maxBytes: limits.maxBodyBytes, timeoutMs: limits.bodyTimeoutMs };

  function contextFor(caller: Caller): AppContext {
    return { ...options.context, agent: caller.agent };
  }

  async function openEvents(request: Request, url: URL): Promise<Response> {
    const query = new Input(queryRecord(url.searchParams), EVENTS_QUERY, "query");
    const resume = request.headers.get("last-event-id") ?? query.string("since");
    if (resume !== undefined && !/^\d{1,15}$/.test(resume.trim())) {
      throw usageError(`invalid event id "${resume.slice(0, 40)}": expected a whole number`);
    }
    const task = query.string("task");
    const agent = query.string("agent");
    const types = query.strings("type").flatMap((t) => t.split(",")).filter((t) => t !== "");
    const { taskId, last } = await store.read(async (tx) => ({
      taskId: task === undefined ? undefined : await resolveTaskId(tx, task),
      last: await tx.events.lastId(),
    }));
    if (openStreams >= limits.maxStreams) {
      throw new HttpError(503, "too_many_streams", "too many event streams open", {
        headers: { "retry-after": "5" },
      });
    }
    openStreams++;
    const body = eventStream({
      store,
      hub,
      after: resume === undefined ? last : Number(resume),
      filter: {
        ...(taskId === undefined ? {} : { taskId }),
        ...(agent === undefined ? {} : { agent: validateAgentName(agent, "agent") }),
        ...(types.length === 0 ? {} : { types: new Set(types) }),
      },
      keepAliveMs: limits.keepAliveMs,
      stallMs: limits.stallMs,
      signal: shutdownStreams.signal,
      onClose: () => openStreams--,
    });
    return new Response(body, {
      headers: {
        ...SECURITY_HEADERS,
        "content-type": "text/event-stream; charset=utf-8",
        "x-accel-buffering": "no",
      },
    });
  }

  async function handleApi(request: Request, url: URL): Promise<Response> {
    const caller = await authenticateRequest(request, store, {
      requireToken: options.requireToken,
      serverAgent: options.context.agent,
    });
    if (url.pathname === EVENTS_PATH) {
      if (request.method !== "GET") throw methodNotAllowed(["GET"]);
      requireScope(caller, "read");
      return await openEvents(request, url);
    }
    if (url.pathname === COMMAND_LINE_PATH && options.commandLine !== undefined) {
      if (request.method !== "POST") throw methodNotAllowed(["POST"]);
      return jsonResponse({
        ...await answerCommandLine(await readJsonBody(request, bodyLimits), {
          caller,
          store,
          runner: options.commandLine,
          cwd: parentOf(options.context.location.dataDir),
          dbPath: options.context.location.dbPath,
          env: (name) => Deno.env.get(name),
          replies,
          idempotencyKey: requestIdFrom(request.headers.get("idempotency-key")),
        }),
      });
    }
    const matched = matchRoute(request.method, url.pathname);
    if ("allowed" in matched) {
      if (matched.allowed.length > 0) throw methodNotAllowed(matched.allowed);
      throw new HttpError(404, "not_found", `no such route: ${request.method} ${url.pathname}`, {
        hint: "see /openapi.json",
      });
    }
    const { route, params } = matched;
    requireScope(caller, route.scope);
    const query = new Input(queryRecord(url.searchParams), route.query ?? {}, "query");
    const rawBody = request.method === "GET" || request.method === "DELETE"
      ? {}
      : await readJsonBody(request, bodyLimits);
    const body = new Input(rawBody, route.body ?? {}, "body");
    const data = await route.handle({
      ctx: contextFor(caller),
      params,
      query,
      body,
      scope: caller.scope,
      token: caller.token,
      requestId: requestIdFrom(request.headers.get("idempotency-key")),
      warn: (message) => log(`tm serve: warning: ${message}`),
    });
    return jsonResponse(data, route.status ?? 200);
  }

  async function handleMcpRequest(request: Request): Promise<Response> {
    // Every MCP client needs an identity of its own, and only a token gives one: always required.
    const caller = await authenticateRequest(request, store, {
      requireToken: true,
      serverAgent: options.context.agent,
    });
    const { handleMcp } = await import("./mcp_endpoint.ts");
    return await handleMcp(request, caller, {
      location: options.context.location,
      env: options.env ?? (() => undefined),
      now: options.context.now,
      log,
      limits: { maxBytes: limits.maxBodyBytes, timeoutMs: limits.bodyTimeoutMs },
    });
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    try {
      checkOrigin(request, hosts);
      if (url.pathname === MCP_PATH) return await handleMcpRequest(request);
      if (url.pathname === "/api" || url.pathname.startsWith("/api/")) {
        return await handleApi(request, url);
      }
      if (request.method !== "GET") throw methodNotAllowed(["GET"]);
      if (url.pathname === "/openapi.json") return jsonBody(openApiDocument());
      const page = staticResponse(url.pathname);
      if (page !== null) return page;
      throw new HttpError(404, "not_found", `no such page: ${url.pathname}`);
    } catch (error) {
      if (!(error instanceof TmError) && !(error instanceof HttpError)) {
        log(
          `tm serve: internal error on ${request.method} ${url.pathname}: ${
            (error as Error)?.stack ?? error
          }`,
        );
      }
      return errorResponse(error);
    } finally {
      // Commits of this server: wake the streams now, and keep the drained list from growing.
      const committed = store.committedEvents();
      if (committed.length > 0) {
        hub.wake();
        options.onCommitted?.(committed);
      }
    }
  }

  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: options.hostname,
      port: options.port,
      ...(options.tls === undefined ? {} : { cert: options.tls.cert, key: options.tls.key }),
      handler: handle,
      onError: (error) => {
        log(`tm serve: internal error: ${(error as Error)?.stack ?? error}`);
        return errorResponse(error);
      },
      // Deno prints "Listening on ..." unless told otherwise; the command says it itself.
      onListen: () => {},
    });
  } catch (error) {
    hub.close();
    if (error instanceof Deno.errors.AddrInUse) {
      throw new TmError(
        "conflict",
        `cannot listen on ${options.hostname}:${options.port}: address in use`,
        { hint: "choose another --port (0 picks a free one)" },
      );
    }
    throw error;
  }
  const address = server.addr;
  hosts = allowedHosts(options.hostname, address.port, options.allowHosts ?? []);
  const shown = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname;
  const finished = server.finished.finally(() => hub.close());
  return Promise.resolve({
    url: `${options.tls === undefined ? "http" : "https"}://${shown}:${address.port}`,
    hostname: address.hostname,
    port: address.port,
    finished,
    async shutdown() {
      shutdownStreams.abort();
      hub.close();
      await server.shutdown();
      await finished;
    },
  });
}

function methodNotAllowed(allowed: readonly string[]): HttpError {
  return new HttpError(
    405,
    "method_not_allowed",
    `method not allowed (allowed: ${allowed.join(", ")})`,
    {
      headers: { allow: allowed.join(", ") },
    },
  );
}

function jsonBody(document: Record<string, unknown>): Response {
  return new Response(`${JSON.stringify(document)}\n`, {
    headers: { ...SECURITY_HEADERS, "content-type": "application/json; charset=utf-8" },
  });
}
