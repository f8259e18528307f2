/**
 * The live event stream of `tm serve` (`GET /api/v1/events`, Server-Sent Events). Every
 * frame's `id:` is the event's id, so a client that reconnects with `Last-Event-ID` (which
 * browsers send by themselves) resumes right after the last event it saw: nothing lost,
 * nothing twice.
 *
 * Other `tm` processes write the same database, so one poller per server checks SQLite's
 * `data_version` (a counter that moves when another connection commits) a few times a
 * second; the server's own writes wake it directly. Each stream then reads the events after
 * its own cursor. Streams pull: a slow client's stream reads nothing until it has taken the
 * previous frames, so its memory stays bounded and it catches up from the database later.
 *
 * @module
 */

import type { Store, TaskEvent } from "../store/store.ts";
import { JSON_SCHEMA_VERSION } from "../version.ts";

/** Wakes waiting streams when the database may have new events. */
export class EventHub {
  readonly #store: Store;
  readonly #timer: ReturnType<typeof setInterval>;
  #version: number;
  #waiters = new Set<() => void>();

  /** Start polling `store` every `pollMs`. */
  constructor(store: Store, pollMs: number) {
    this.#store = store;
    this.#version = store.dataVersion();
    this.#timer = setInterval(() => this.#tick(), pollMs);
  }

  #tick(): void {
    if (this.#waiters.size === 0) return;
    let version: number;
    try {
      version = this.#store.dataVersion();
    } catch {
      return; // Closed or briefly unavailable: the next tick tries again.
    }
    if (version !== this.#version) {
      this.#version = version;
      this.wake();
    }
  }

  /** Wake every waiting stream (the server calls this after its own commits). */
  wake(): void {
    const waiters = this.#waiters;
    this.#waiters = new Set();
    for (const wake of waiters) wake();
  }

  /** Resolve true on the next change, false after `timeoutMs` or when `signal` aborts. */
  changed(signal: AbortSignal, timeoutMs: number): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (changed: boolean) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        this.#waiters.delete(onWake);
        resolve(changed);
      };
      const onWake = () => done(true);
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiters.add(onWake);
    });
  }

  /** Stop polling. */
  close(): void {
    clearInterval(this.#timer);
    this.wake();
  }
}

/** Which events a stream carries. */
export interface EventFilter {
  taskId?: string;
  agent?: string;
  types?: ReadonlySet<string>;
}

/** Options of one stream. */
export interface StreamOptions {
  store: Store;
  hub: EventHub;
  /** Send the events after this id. */
  after: number;
  filter: EventFilter;
  /** A comment is sent when nothing happened for this long. */
  keepAliveMs: number;
  /** Aborted when the server shuts down: the stream ends. */
  signal: AbortSignal;
  /** Called once when the stream ends, however it ends. */
  onClose(): void;
}

/** Events read per database query. */
const BATCH = 200;

function matches(event: TaskEvent, filter: EventFilter): boolean {
  return (filter.taskId === undefined || event.task_id === filter.taskId) &&
    (filter.agent === undefined || event.agent === filter.agent) &&
    (filter.types === undefined || filter.types.has(event.type));
}

/** One SSE frame: `id:` the event id, `data:` the event as a JSON document. */
export function eventFrame(event: TaskEvent): string {
  return `id: ${event.id}\ndata: ${
    JSON.stringify({ schema_version: JSON_SCHEMA_VERSION, ...event })
  }\n\n`;
}

/** The body of an event-stream answer. */
export function eventStream(options: StreamOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const stop = new AbortController();
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;
  let pulling = false;
  const onShutdown = () => {
    stop.abort();
    // A stream whose client is not reading has no pull running to notice: end it here.
    if (!pulling && !closed && controllerRef !== undefined) {
      finish();
      controllerRef.close();
    }
  };
  options.signal.addEventListener("abort", onShutdown, { once: true });
  let cursor = options.after;
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    options.signal.removeEventListener("abort", onShutdown);
    stop.abort();
    options.onClose();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controllerRef = controller;
      // The retry hint and a first comment let clients see at once that the stream is live.
      controller.enqueue(encoder.encode(`retry: 2000\n: tm events after ${cursor}\n\n`));
    },
    async pull(controller) {
      pulling = true;
      try {
        while (!stop.signal.aborted) {
          const events = await options.store.read((tx) => tx.events.after(cursor, BATCH));
          if (events.length > 0) {
            cursor = events[events.length - 1]!.id;
            const frames = events.filter((e) => matches(e, options.filter)).map(eventFrame);
            if (frames.length > 0) {
              controller.enqueue(encoder.encode(frames.join("")));
              return;
            }
            continue;
          }
          if (!await options.hub.changed(stop.signal, options.keepAliveMs)) {
            if (stop.signal.aborted) break;
            controller.enqueue(encoder.encode(": keep-alive\n\n"));
            return;
          }
        }
        if (!closed) {
          finish();
          controller.close();
        }
      } catch (error) {
        if (!closed) {
          finish();
          controller.error(error);
        }
      } finally {
        pulling = false;
      }
    },
    cancel() {
      // The client went away.
      finish();
    },
  });
}
