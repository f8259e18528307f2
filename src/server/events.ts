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

import type { TaskEvent } from "../core/event.ts";
import type { Store } from "../store/store.ts";
import { JSON_SCHEMA_VERSION } from "../version.ts";

/** An event with its frame, encoded once for every stream that sends it. */
export interface CachedEvent {
  event: TaskEvent;
  frame: Uint8Array;
}

/** Events read per database query. */
const BATCH = 200;

const encoder = new TextEncoder();

function cachedEvent(event: TaskEvent): CachedEvent {
  return { event, frame: encoder.encode(eventFrame(event)) };
}

/**
 * The server's view of the event log's tail, shared by every stream. One poller checks
 * `data_version`; when it moves (or the server commits), the hub reads the new events once
 * and wakes the streams, which take them from its window of recent events instead of each
 * querying the database (a stream that fell behind the window reads the database itself).
 */
export class EventHub {
  readonly #store: Store;
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #windowSize: number;
  #version: number;
  #waiters = new Set<() => void>();
  /** Every event with an id in (#start, #end], oldest first; #end < 0: not loaded yet. */
  #window: CachedEvent[] = [];
  #start = -1;
  #end = -1;
  #refreshing: Promise<void> | null = null;
  #again = false;
  #closed = false;

  /** Start polling `store` every `pollMs`; keep the newest `windowSize` events at hand. */
  constructor(store: Store, options: { pollMs: number; windowSize?: number }) {
    this.#store = store;
    this.#windowSize = options.windowSize ?? 2000;
    this.#version = store.dataVersion();
    this.#timer = setInterval(() => this.#tick(), options.pollMs);
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

  /** Read what is new and wake every waiting stream (also after the server's own commits). */
  wake(): void {
    this.#refresh().catch(() => this.#wakeAll());
  }

  #wakeAll(): void {
    const waiters = this.#waiters;
    this.#waiters = new Set();
    for (const wake of waiters) wake();
  }

  async #refresh(): Promise<void> {
    if (this.#refreshing !== null) {
      this.#again = true;
      return await this.#refreshing;
    }
    this.#refreshing = (async () => {
      do {
        this.#again = false;
        if (this.#closed) return;
        const last = await this.#store.read((tx) => tx.events.lastId());
        if (this.#end < 0) this.#end = this.#start = last;
        // Far behind (a bulk import, say): only the newest events can be in the window, so
        // skip the rest rather than hold them all at once; streams behind it read the database.
        if (last - this.#end > this.#windowSize) {
          this.#window = [];
          this.#end = this.#start = last - this.#windowSize;
        }
        for (;;) {
          const events = await this.#store.read((tx) => tx.events.after(this.#end, BATCH));
          for (const event of events) this.#window.push(cachedEvent(event));
          if (events.length > 0) this.#end = events[events.length - 1]!.id;
          const excess = this.#window.length - this.#windowSize;
          if (excess > 0) this.#start = this.#window.splice(0, excess).at(-1)!.event.id;
          if (events.length < BATCH) break;
        }
      } while (this.#again);
    })().finally(() => this.#refreshing = null);
    await this.#refreshing;
    this.#wakeAll();
  }

  /**
   * The events after `cursor` from the window, or null when the window does not reach back
   * that far (the stream then reads the database).
   */
  recent(cursor: number): CachedEvent[] | null {
    if (this.#end < 0 || cursor < this.#start) return null;
    let i = this.#window.length;
    while (i > 0 && this.#window[i - 1]!.event.id > cursor) i--;
    return this.#window.slice(i, i + BATCH);
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
    this.#closed = true;
    clearInterval(this.#timer);
    this.#wakeAll();
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
  /**
   * A client that has taken nothing for this long while a frame waits (its socket buffers are
   * full: it stopped reading) is dropped, freeing its slot.
   */
  stallMs: number;
  /** Aborted when the server shuts down: the stream ends. */
  signal: AbortSignal;
  /** Called once when the stream ends, however it ends. */
  onClose(): void;
}

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
  let stallTimer: ReturnType<typeof setTimeout> | undefined;
  const finish = () => {
    if (closed) return;
    closed = true;
    clearTimeout(stallTimer);
    options.signal.removeEventListener("abort", onShutdown);
    stop.abort();
    options.onClose();
  };
  // Between two pulls a frame waits for the client; pulls stop while it is not reading.
  const watchStall = () => {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => {
      if (closed || pulling) return;
      finish();
      controllerRef?.error(new Error("the client stopped reading"));
    }, options.stallMs);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controllerRef = controller;
      // The retry hint and a first comment let clients see at once that the stream is live.
      controller.enqueue(encoder.encode(`retry: 2000\n: tm events after ${cursor}\n\n`));
      watchStall();
    },
    async pull(controller) {
      pulling = true;
      clearTimeout(stallTimer);
      try {
        while (!stop.signal.aborted) {
          const events = options.hub.recent(cursor) ??
            (await options.store.read((tx) => tx.events.after(cursor, BATCH))).map(cachedEvent);
          if (events.length > 0) {
            cursor = events[events.length - 1]!.event.id;
            const frames = events.filter((e) => matches(e.event, options.filter));
            for (const { frame } of frames) controller.enqueue(frame);
            if (frames.length > 0) return;
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
        if (!closed) watchStall();
      }
    },
    cancel() {
      // The client went away.
      finish();
    },
  });
}
