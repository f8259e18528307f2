/**
 * A `tm serve` in the test process on a fresh project (a real database file, so separate
 * connections and `tm` processes can share it), plus raw-socket helpers for requests that
 * `fetch` will not send (a foreign Host, a half-sent request).
 *
 * @module
 */

import { createToken } from "../src/app/tokens.ts";
import type { AppContext } from "../src/app/context.ts";
import type { TokenScope } from "../src/core/token.ts";
import { featureConfig, sharedContextMirror } from "../src/files/project_files.ts";
import { openSqliteStore } from "../src/store/sqlite.ts";
import type { Store } from "../src/store/store.ts";
import { run } from "../src/cli/run.ts";
import { type RunningServer, type ServerLimits, startServer } from "../src/server/server.ts";

/** A running test server and what it runs on. */
export interface TestServer {
  server: RunningServer;
  url: string;
  store: Store;
  /** The project directory (run `tm` processes with this as cwd). */
  dir: string;
  dbPath: string;
  /** A use-case context on the server's store, acting as `agent`. */
  ctx(agent: string): AppContext;
  /** A fresh token for `agent`. */
  token(agent: string, scope?: TokenScope): Promise<string>;
  /** fetch `path` (under the server) with JSON in and a bearer token if given. */
  call(
    method: string,
    path: string,
    options?: { body?: unknown; token?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }>;
  /** Log lines the server wrote. */
  logs: string[];
  close(): Promise<void>;
}

/** Options of {@link startTestServer}. */
export interface TestServerOptions {
  requireToken?: boolean;
  limits?: Partial<ServerLimits>;
  lockTimeoutMs?: number;
  allowHosts?: string[];
  /** Serve `POST /api/v1/run` (remote mode) with the CLI's `run()`, as `tm serve` does. */
  commandLine?: boolean;
}

/** Start a server for `agent` "server-agent" on 127.0.0.1, port 0, in a fresh project. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = await Deno.makeTempDir({ prefix: "tm-serve-" });
  const dataDir = `${dir}/.task-orchestrator`;
  await Deno.mkdir(dataDir);
  const dbPath = `${dataDir}/tasks.db`;
  const store = await openSqliteStore({
    path: dbPath,
    lockTimeoutMs: options.lockTimeoutMs ?? 2000,
  });
  const location = { dataDir, dbPath, source: "found" as const };
  const logs: string[] = [];
  const ctx = (agent: string): AppContext => ({
    store,
    agent,
    location,
    now: () => new Date(),
    leaseTtlMs: 30 * 60_000,
    mirror: sharedContextMirror(dataDir),
    features: featureConfig(dataDir),
  });
  const server = await startServer({
    context: ctx("server-agent"),
    hostname: "127.0.0.1",
    port: 0,
    requireToken: options.requireToken ?? false,
    ...(options.allowHosts === undefined ? {} : { allowHosts: options.allowHosts }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    log: (line) => logs.push(line),
    ...(options.commandLine === true
      ? { commandLine: (argv, io, runOptions) => run(argv, io, runOptions) }
      : {}),
  });
  return {
    server,
    url: server.url,
    store,
    dir,
    dbPath,
    logs,
    ctx,
    async token(agent, scope = "write") {
      return (await createToken(ctx("admin"), { agent, scope })).secret;
    },
    async call(method, path, callOptions = {}) {
      const headers: Record<string, string> = { ...callOptions.headers };
      if (callOptions.token !== undefined) headers.authorization = `Bearer ${callOptions.token}`;
      let body: string | undefined;
      if (callOptions.body !== undefined) {
        headers["content-type"] ??= "application/json";
        body = typeof callOptions.body === "string"
          ? callOptions.body
          : JSON.stringify(callOptions.body);
      }
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
      const text = await response.text();
      return { status: response.status, body: JSON.parse(text), headers: response.headers };
    },
    async close() {
      await server.shutdown();
      store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Send raw bytes over a new connection and return everything the server answers. */
export async function rawRequest(port: number, request: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(request));
    const chunks: string[] = [];
    const decoder = new TextDecoder();
    const buffer = new Uint8Array(65536);
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      chunks.push(decoder.decode(buffer.subarray(0, n), { stream: true }));
      if (/\r\n\r\n/.test(chunks.join("")) && chunks.join("").includes('"schema_version"')) break;
    }
    return chunks.join("");
  } finally {
    conn.close();
  }
}

/** A reader of an event stream's frames. */
export interface EventReader {
  /** The next frame's id and data (comments are collected in `comments`). */
  next(): Promise<{ id: number; data: Record<string, unknown> }>;
  /** Read on until a comment with this text arrives. */
  comment(text: string): Promise<void>;
  comments: string[];
  close(): Promise<void>;
}

/** Open `GET /api/v1/events` and read it frame by frame. */
export async function openEvents(
  url: string,
  options: { query?: string; headers?: Record<string, string> } = {},
): Promise<EventReader> {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/v1/events${options.query ?? ""}`, {
    headers: options.headers ?? {},
    signal: controller.signal,
  });
  if (response.status !== 200) {
    throw new Error(`events: ${response.status} ${await response.text()}`);
  }
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const comments: string[] = [];
  let waitingFor: string | undefined;
  let seen = false;
  const reader_ = {
    comments,
    async comment(text: string) {
      waitingFor = text;
      seen = comments.includes(text);
      while (!seen) await reader_.next(true);
      waitingFor = undefined;
    },
    async next(untilComment = false): Promise<{ id: number; data: Record<string, unknown> }> {
      for (;;) {
        const end = buffered.indexOf("\n\n");
        if (end >= 0) {
          const frame = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          let id: number | undefined;
          let data: Record<string, unknown> | undefined;
          for (const line of frame.split("\n")) {
            if (line.startsWith(":")) {
              comments.push(line.slice(1).trim());
              if (line.slice(1).trim() === waitingFor) seen = true;
            } else if (line.startsWith("id: ")) id = Number(line.slice(4));
            else if (line.startsWith("data: ")) data = JSON.parse(line.slice(6));
          }
          if (id !== undefined && data !== undefined) return { id, data };
          if (untilComment && seen) return { id: 0, data: {} };
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error("event stream ended");
        buffered += value;
      }
    },
    async close() {
      controller.abort();
      await reader.cancel().catch(() => {});
    },
  };
  return reader_;
}
