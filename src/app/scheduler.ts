/**
 * Time and timers for long-running use cases (the worker), injected like `AppContext.now` so
 * that unit tests can drive heartbeats, backoff and timeouts with a test clock instead of
 * waiting for them.
 *
 * @module
 */

/** A scheduled callback; `cancel()` is harmless once it has run. */
export interface Timer {
  cancel(): void;
}

/** A clock and the timers that run against it. */
export interface Scheduler {
  /** The current time (the same clock as the context's `now`). */
  now(): Date;
  /** Run `fn` once, `ms` from now. */
  setTimeout(fn: () => void, ms: number): Timer;
  /** Run `fn` every `ms` until cancelled. */
  setInterval(fn: () => void, ms: number): Timer;
}

/** The real timers of the runtime, reading the time from `now`. */
export function systemScheduler(now: () => Date = () => new Date()): Scheduler {
  return {
    now,
    setTimeout(fn, ms) {
      const id = setTimeout(fn, ms);
      return { cancel: () => clearTimeout(id) };
    },
    setInterval(fn, ms) {
      const id = setInterval(fn, ms);
      return { cancel: () => clearInterval(id) };
    },
  };
}

/** Resolves after `ms` on `scheduler`, or early when `signal` aborts. */
export function sleep(scheduler: Scheduler, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = scheduler.setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      timer.cancel();
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
