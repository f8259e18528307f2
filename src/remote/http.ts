/**
 * The client's one HTTP exchange, and everything that can go wrong with it: an unreachable or
 * restarting server (exit 4, retryable, the URL named and never the token), a request that
 * takes too long, and a reply that is not what a tm server sends (never a crash).
 *
 * @module
 */

import { type ErrorCode, EXIT_CODES, TmError, usageError } from "../core/errors.ts";
import type { Io } from "../cli/io.ts";
import type { RemoteRequest } from "./files.ts";
import { isLoopbackHost, type RemoteTarget } from "./target.ts";

/** What the server answered for one command line. */
export interface RunReply {
  exit_code: number;
  stdout: string;
  stderr: string;
  /** Contents of the `--output` files, by argv index. */
  outputs: Map<number, string>;
}

/** The route that runs a command line. */
export const RUN_PATH = "/api/v1/run";

/** The largest reply read (a big export); more is a broken reply. */
const MAX_REPLY_BYTES = 64 * 1024 * 1024;

/** Seconds from `TM_REMOTE_TIMEOUT` (default 30): connecting plus the whole request. */
export function requestTimeoutMs(io: Io): number {
  const value = io.env("TM_REMOTE_TIMEOUT");
  if (value === undefined || value.trim() === "") return 30_000;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new TmError("validation", `invalid TM_REMOTE_TIMEOUT "${value}": expected seconds`);
  }
  return Math.round(seconds * 1000);
}

/** What `--timeout S` lets a command wait on the server (0 when absent or malformed). */
function waitedMs(argv: readonly string[]): number {
  const at = argv.findIndex((a) => a === "--timeout" || a.startsWith("--timeout="));
  if (at === -1) return 0;
  const value = argv[at]!.includes("=") ? argv[at]!.slice(10) : argv[at + 1];
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 86400) * 1000 : 0;
}

/** Seconds from `TM_REMOTE_CONNECT_TIMEOUT` (default 5) for the TCP connection alone. */
function connectTimeoutMs(io: Io): number {
  const value = io.env("TM_REMOTE_CONNECT_TIMEOUT");
  const seconds = value === undefined || value.trim() === "" ? 5 : Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new TmError(
      "validation",
      `invalid TM_REMOTE_CONNECT_TIMEOUT "${value}": expected seconds`,
    );
  }
  return Math.round(seconds * 1000);
}

/**
 * Open (and close) a TCP connection to the server within `ms`: fetch has no connect timeout of
 * its own, so an unanswered host would otherwise cost the whole request timeout. It costs one
 * round trip, so it is skipped on loopback (measured: docs/performance.md).
 */
async function checkConnect(target: RemoteTarget, ms: number): Promise<string | undefined> {
  const url = new URL(target.url);
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const connecting = Deno.connect({ hostname, port });
  const timedOut = new Promise<"timeout">((resolve) => timer = setTimeout(resolve, ms, "timeout"));
  try {
    const result = await Promise.race([connecting, timedOut]);
    if (result === "timeout") {
      // Close it should it still connect later.
      connecting.then((c) => c.close(), () => {});
      return `no connection within ${ms / 1000} s`;
    }
    result.close();
    return undefined;
  } catch (error) {
    return networkReason(error);
  } finally {
    clearTimeout(timer);
  }
}

/** Seconds a refused connection is retried for (default 2): a restarting server comes back. */
function retryWindowMs(io: Io): number {
  const value = io.env("TM_REMOTE_RETRY");
  const seconds = value === undefined || value.trim() === "" ? 2 : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : 2000;
}

/** One line naming the server, for every way of not getting an answer (exit 4, retryable). */
export function unavailable(target: RemoteTarget, why: string): TmError {
  return new TmError("timeout", `tm server at ${target.url} unavailable: ${why}`, {
    hint: "retry later; the command may be repeated safely",
  });
}

/** Why fetch failed, in a few words that carry no secret. */
function networkReason(error: unknown): string {
  if (error instanceof DOMException && error.name === "TimeoutError") return "no answer in time";
  // fetch says "fetch failed"; the reason is down its chain of causes.
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 4; depth++) {
    parts.push(String((e as Error)?.message ?? e));
    e = (e as { cause?: unknown })?.cause;
  }
  const message = parts.join(": ");
  const tls = /(invalid peer certificate|certificate|tls|ssl)[^)]*/i.exec(message);
  if (tls !== null) return `TLS failure (${tls[0].slice(0, 120)})`;
  if (/refused/i.test(message)) return "connection refused";
  if (/reset|closed|broken pipe|eof/i.test(message)) return "connection dropped";
  if (/dns|lookup|resolve|name or service/i.test(message)) return "host not found";
  return "cannot connect";
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Read at most MAX_REPLY_BYTES of a body as text. */
async function boundedText(response: Response): Promise<string> {
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_REPLY_BYTES) {
      await reader.cancel();
      throw new Error("reply too large");
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A 200 reply, checked field by field. */
function parseReply(value: unknown): RunReply | undefined {
  if (!isRecord(value)) return undefined;
  const { exit_code, stdout, stderr, outputs } = value;
  if (
    typeof exit_code !== "number" || !Number.isInteger(exit_code) || exit_code < 0 ||
    exit_code > 125 || typeof stdout !== "string" || typeof stderr !== "string"
  ) return undefined;
  const files = new Map<number, string>();
  if (outputs !== undefined) {
    if (!Array.isArray(outputs)) return undefined;
    for (const output of outputs) {
      if (
        !isRecord(output) || typeof output.index !== "number" || typeof output.content !== "string"
      ) {
        return undefined;
      }
      files.set(output.index, output.content);
    }
  }
  return { exit_code, stdout, stderr, outputs: files };
}

/** A refusal by the server itself (bad token, scope, a command not run remotely). */
function refusal(status: number, value: unknown, target: RemoteTarget): TmError {
  const error = isRecord(value) && isRecord(value.error) ? value.error : undefined;
  const message = typeof error?.message === "string" ? error.message.slice(0, 500) : undefined;
  const hint = typeof error?.hint === "string" ? error.hint.slice(0, 300) : undefined;
  const code = typeof error?.code === "string" ? error.code : "";
  if (status === 401 || status === 403) {
    return usageError(
      `tm server at ${target.url} refused the token: ${message ?? `HTTP ${status}`}`,
      hint ?? "check TM_TOKEN (or tm login) and the token's scope",
    );
  }
  if (status === 404) {
    return usageError(
      `tm server at ${target.url} does not offer remote mode (no ${RUN_PATH})`,
      "the server's tm is older than this client: upgrade it",
    );
  }
  if (status >= 500 || message === undefined) {
    return unavailable(target, message ?? `HTTP ${status}`);
  }
  const known = Object.hasOwn(EXIT_CODES, code) ? code as ErrorCode : "usage";
  return new TmError(known, message, hint === undefined ? {} : { hint });
}

/**
 * Send the command line and return the server's answer. A refused connection or a 502/503
 * is retried with the same idempotency key for a few seconds (a restarting server), so a
 * write is applied once even when an earlier attempt's reply was lost.
 */
export async function requestRun(
  target: RemoteTarget,
  request: RemoteRequest,
  io: Io,
): Promise<RunReply> {
  // A command that waits on the server (sync --wait --timeout S) gets S more seconds.
  const timeoutMs = requestTimeoutMs(io) + waitedMs(request.argv);
  const key = request.requestId || crypto.randomUUID();
  const body = JSON.stringify({
    argv: request.argv,
    ...(request.stdin === undefined ? {} : { stdin: request.stdin }),
    ...(request.agent === undefined ? {} : { agent: request.agent }),
    files: request.files,
    outputs: request.outputs.map(({ index, name, typed }) => ({ index, name, typed })),
  });
  const deadline = Date.now() + retryWindowMs(io);
  // Loopback answers or refuses at once; elsewhere an unanswered host must not cost the whole
  // request timeout.
  const connectMs = isLoopbackHost(new URL(target.url).hostname) ? 0 : connectTimeoutMs(io);
  for (let attempt = 0;; attempt++) {
    const unreachable = connectMs === 0 ? undefined : await checkConnect(target, connectMs);
    if (unreachable !== undefined) {
      if (unreachable.startsWith("no connection") || Date.now() >= deadline) {
        throw unavailable(target, unreachable);
      }
      await sleep(Math.min(100 * 2 ** attempt, 1000));
      continue;
    }
    let response: Response;
    try {
      response = await fetch(`${target.url}${RUN_PATH}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${target.token}`,
          "content-type": "application/json",
          accept: "application/json",
          "idempotency-key": key,
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "manual",
      });
    } catch (error) {
      const reason = networkReason(error);
      if (reason !== "no answer in time" && !reason.startsWith("TLS") && Date.now() < deadline) {
        await sleep(Math.min(100 * 2 ** attempt, 1000));
        continue;
      }
      throw unavailable(target, reason);
    }
    let value: unknown;
    try {
      const text = await boundedText(response);
      value = JSON.parse(text);
    } catch (error) {
      if (response.status >= 500 && Date.now() < deadline) {
        await sleep(Math.min(100 * 2 ** attempt, 1000));
        continue;
      }
      const reason = error instanceof SyntaxError
        ? `not a tm server reply (HTTP ${response.status})`
        : networkReason(error);
      throw unavailable(target, reason);
    }
    if (response.status === 200) {
      const reply = parseReply(value);
      if (reply === undefined) throw unavailable(target, "not a tm server reply");
      return reply;
    }
    if ((response.status === 502 || response.status === 503) && Date.now() < deadline) {
      await sleep(Math.min(100 * 2 ** attempt, 1000));
      continue;
    }
    throw refusal(response.status, value, target);
  }
}

/** A command's own non-zero exit code, already explained on stderr by the server. */
export class ExitWith extends Error {
  /** Carry `code` up to the command's caller. */
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
