// @ts-check
/**
 * Live updates for the dashboard: a Server-Sent Events parser (for the fetch-based stream that
 * can carry an `Authorization` header, which the browser's EventSource cannot), and a coalescer
 * that turns a burst of events into one refetch.
 *
 * @module
 */

/**
 * @typedef {{ id: string; event: string; data: string }} SseMessage
 */

/**
 * An incremental SSE parser: feed it text as it arrives, it calls `onMessage` for each complete
 * event (blank-line terminated) that has data. Comments (`: ...`) and `retry:` are skipped.
 * @param {(message: SseMessage) => void} onMessage
 * @returns {{ push(text: string): void; lastEventId(): string }}
 */
export function createSseParser(onMessage) {
  let buffer = "";
  let lastId = "";
  let event = "";
  /** @type {string[]} */
  let data = [];
  /** @param {string} line */
  const line = (line) => {
    if (line === "") {
      if (data.length > 0) {
        onMessage({ id: lastId, event: event || "message", data: data.join("\n") });
      }
      data = [];
      event = "";
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") data.push(value);
    else if (field === "event") event = value;
    else if (field === "id" && !value.includes("\0")) lastId = value;
  };
  return {
    push(text) {
      buffer += text;
      for (;;) {
        const m = /\r\n|\r|\n/.exec(buffer);
        // A lone "\r" at the end may be the first half of "\r\n": wait for more.
        if (!m || (m[0] === "\r" && m.index === buffer.length - 1)) break;
        line(buffer.slice(0, m.index));
        buffer = buffer.slice(m.index + m[0].length);
      }
    },
    lastEventId: () => lastId,
  };
}

/**
 * @typedef {{ set(fn: () => void, ms: number): unknown; clear(handle: unknown): void }} Timers
 */

/**
 * Coalesce refresh requests: `request()` schedules `run` after `delayMs`; more requests in that
 * window or while `run` is in flight cause exactly one more run afterwards, never overlapping.
 * @param {() => Promise<void>} run
 * @param {{ delayMs: number; timers?: Timers }} options
 * @returns {{ request(): void; pending(): boolean }}
 */
export function createCoalescer(run, { delayMs, timers }) {
  const t = timers ?? {
    set: (fn, ms) => setTimeout(fn, ms),
    clear: (h) => clearTimeout(/** @type {number} */ (h)),
  };
  /** @type {unknown} */
  let timer = null;
  let running = false;
  let again = false;
  const fire = async () => {
    timer = null;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await run();
    } finally {
      running = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  };
  const schedule = () => {
    if (timer === null) timer = t.set(() => void fire(), delayMs);
  };
  return {
    request() {
      if (running) again = true;
      else schedule();
    },
    pending: () => timer !== null || running || again,
  };
}
