/**
 * `tm watch --follow` in remote mode. The notifications themselves come from the same
 * `watch` command run on the server (`watch --json`, then `watch --since NEXT --json`), so
 * they are exactly what a local follow prints; the server's event stream (`/api/v1/events`)
 * only says when to ask again. A dropped stream reconnects with `Last-Event-ID`, and since
 * every question carries the last event id seen, nothing is missed or printed twice.
 *
 * @module
 */

import { TmError, usageError } from "../core/errors.ts";
import type { Io } from "../cli/io.ts";
import { oneLine } from "../cli/output.ts";
import { inertEscapes } from "../cli/safe_text.ts";
import { JSON_SCHEMA_VERSION } from "../version.ts";
import { ExitWith, requestRun, requestTimeoutMs, unavailable } from "./http.ts";
import type { RemoteTarget } from "./target.ts";

/** The stream the server sends events on. */
const EVENTS_PATH = "/api/v1/events";

interface FollowOptions {
  json: boolean;
  timeoutMs: number | null;
  since: string | undefined;
  /** What else the line carried (`--agent-id`), passed on to each question. */
  rest: string[];
}

function parseFollow(argv: readonly string[]): FollowOptions {
  const options: FollowOptions = { json: false, timeoutMs: null, since: undefined, rest: [] };
  let seenWord = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith("--") && arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    if (name === "--json") options.json = true;
    else if (name === "--follow") continue;
    else if (name === "--timeout" || name === "--since") {
      const value = inline ?? argv[++i];
      if (value === undefined) throw usageError(`option ${name} needs a value`);
      if (name === "--since") options.since = value;
      else {
        const seconds = Number(value);
        if (value.trim() === "" || !Number.isFinite(seconds) || seconds < 0 || seconds > 86400) {
          throw usageError(`invalid --timeout "${value}": expected seconds between 0 and 86400`);
        }
        options.timeoutMs = Math.round(seconds * 1000);
      }
    } else if (!seenWord && arg === "watch") seenWord = true;
    else options.rest.push(arg);
  }
  return options;
}

interface Batch {
  notifications: Array<{ type: string; message: string } & Record<string, unknown>>;
  next: number;
}

/** Ask the server for the notifications after `since` (or the unread ones). */
async function batch(
  target: RemoteTarget,
  io: Io,
  options: FollowOptions,
  since: string | undefined,
): Promise<Batch> {
  const argv = [
    "watch",
    "--json",
    ...options.rest,
    ...(since === undefined ? [] : ["--since", since]),
  ];
  const reply = await requestRun(target, { argv, files: [], outputs: [] }, io);
  if (reply.exit_code !== 0) {
    if (reply.stdout !== "") io.stdout(io.isTerminal() ? inertEscapes(reply.stdout) : reply.stdout);
    io.stderr(inertEscapes(reply.stderr));
    throw new ExitWith(reply.exit_code);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(reply.stdout);
  } catch {
    doc = undefined;
  }
  const value = doc as Partial<Batch> & { next_since?: unknown } | undefined;
  if (!Array.isArray(value?.notifications) || typeof value?.next_since !== "number") {
    throw unavailable(target, "not a tm server reply");
  }
  return { notifications: value.notifications as Batch["notifications"], next: value.next_since };
}

/**
 * Wake `onEvent` for every event the server streams after `lastId`, reconnecting (with
 * `Last-Event-ID`) whenever the stream drops, until `signal` aborts.
 */
async function streamEvents(
  target: RemoteTarget,
  io: Io,
  signal: AbortSignal,
  onEvent: () => void,
): Promise<void> {
  let lastId: string | undefined;
  let delay = 250;
  while (!signal.aborted) {
    try {
      const response = await fetch(`${target.url}${EVENTS_PATH}`, {
        headers: {
          authorization: `Bearer ${target.token}`,
          accept: "text/event-stream",
          ...(lastId === undefined ? {} : { "last-event-id": lastId }),
        },
        signal: AbortSignal.any([signal, AbortSignal.timeout(requestTimeoutMs(io))]),
      });
      if (response.status !== 200 || response.body === null) {
        await response.body?.cancel();
        throw new Error(`HTTP ${response.status}`);
      }
      // Connected: anything missed while away is asked for now.
      onEvent();
      delay = 250;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const cancel = () => void reader.cancel().catch(() => {});
      signal.addEventListener("abort", cancel, { once: true });
      let text = "";
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          text = (text + value).slice(-65536);
          const end = text.lastIndexOf("\n\n");
          if (end < 0) continue;
          const ids = [...text.slice(0, end).matchAll(/^id: ?(\d{1,15})$/gm)];
          text = text.slice(end + 2);
          if (ids.length > 0) {
            lastId = ids[ids.length - 1]![1];
            onEvent();
          }
        }
      } finally {
        signal.removeEventListener("abort", cancel);
      }
    } catch {
      // Dropped, refused or timed out: try again shortly.
    }
    if (signal.aborted) return;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 5000);
  }
}

/** Run `watch --follow` against the server; returns the exit code. */
export async function followRemote(
  argv: readonly string[],
  io: Io,
  target: RemoteTarget,
): Promise<number> {
  const options = parseFollow(argv);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  io.stdoutClosed?.addEventListener("abort", onSignal, { once: true });
  const timer = options.timeoutMs === null ? undefined : setTimeout(onSignal, options.timeoutMs);
  let wake: (() => void) | undefined;
  let dirty = true;
  const onEvent = () => {
    dirty = true;
    wake?.();
  };
  const stream = streamEvents(target, io, stop.signal, onEvent);
  try {
    let since = options.since;
    while (!stop.signal.aborted) {
      if (!dirty) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          stop.signal.addEventListener("abort", () => resolve(), { once: true });
        });
        wake = undefined;
        continue;
      }
      dirty = false;
      let result: Batch;
      try {
        result = await batch(target, io, options, since);
      } catch (error) {
        // The server is restarting: the stream's reconnection will wake us again.
        if (error instanceof TmError && error.exitCode === 4 && error.retryable) continue;
        throw error;
      }
      for (const n of result.notifications) {
        io.stdout(
          options.json
            ? `${JSON.stringify({ schema_version: JSON_SCHEMA_VERSION, ...n })}\n`
            : `[${oneLine(String(n.type).toUpperCase())}] ${oneLine(String(n.message))}\n`,
        );
      }
      since = String(result.next);
      // A full batch may have more behind it: ask again before waiting.
      if (result.notifications.length > 0) dirty = true;
    }
    return 0;
  } catch (error) {
    if (error instanceof ExitWith) return error.code;
    throw error;
  } finally {
    stop.abort();
    clearTimeout(timer);
    await stream;
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
    io.stdoutClosed?.removeEventListener("abort", onSignal);
  }
}
