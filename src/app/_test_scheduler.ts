/**
 * A {@link Scheduler} on a test clock, for unit tests of timed use cases (the worker): its
 * timers fire only when the test moves time, in time order, each at its own instant of the
 * clock, so heartbeats, backoff and grace periods run in milliseconds without a real sleep.
 *
 * @module
 */

import type { Scheduler, Timer } from "./scheduler.ts";

/** The clock a fake scheduler moves; a `TestContext` is one. */
export interface MovableClock {
  now(): Date;
  advance(ms: number): void;
}

/** A scheduler whose time moves only when the test says so. */
export interface FakeScheduler extends Scheduler {
  /**
   * Move the clock by `ms`, firing the timers that fall due in time order; the work each
   * timer starts (store writes, promise chains) finishes before the next one fires.
   */
  advance(ms: number): Promise<void>;
  /** Let started work finish without moving the clock. */
  settle(): Promise<void>;
  /**
   * Await `promise`, moving the clock to the next timer whenever nothing else can happen.
   * Fails when the promise waits on something other than a timer, or on more than
   * `limitMs` of test time.
   */
  run<T>(promise: Promise<T>, limitMs?: number): Promise<T>;
}

interface Entry {
  due: number;
  /** The period of an interval; null for a one-off timer. */
  every: number | null;
  fn: () => void;
}

/** A {@link FakeScheduler} reading and moving `clock`. */
export function fakeScheduler(clock: MovableClock): FakeScheduler {
  const entries = new Map<number, Entry>();
  let nextId = 0;
  const time = () => clock.now().getTime();

  function add(fn: () => void, ms: number, every: number | null): Timer {
    const id = nextId++;
    entries.set(id, { due: time() + Math.max(0, ms), every, fn });
    return { cancel: () => void entries.delete(id) };
  }

  /** The timer due first (the earliest scheduled among equals), if any. */
  function next(): [number, Entry] | undefined {
    let first: [number, Entry] | undefined;
    for (const pair of entries) if (first === undefined || pair[1].due < first[1].due) first = pair;
    return first;
  }

  // Store calls are synchronous SQLite under promises, so once one turn of the event loop
  // has passed, all work started so far is done or waits on a (fake) timer or the test.
  const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

  async function advance(ms: number): Promise<void> {
    const end = time() + ms;
    await settle();
    for (let first = next(); first !== undefined && first[1].due <= end; first = next()) {
      const [id, entry] = first;
      clock.advance(Math.max(0, entry.due - time()));
      if (entry.every === null) entries.delete(id);
      else entry.due = time() + entry.every;
      entry.fn();
      await settle();
    }
    clock.advance(Math.max(0, end - time()));
  }

  async function run<T>(promise: Promise<T>, limitMs = 10 * 60_000): Promise<T> {
    let done = false;
    promise.then(() => done = true, () => done = true);
    const end = time() + limitMs;
    for (;;) {
      await settle();
      if (done) return await promise;
      const first = next();
      if (first === undefined) throw new Error("run(): waiting on something other than a timer");
      if (first[1].due > end) throw new Error(`run(): not done within ${limitMs} ms`);
      await advance(Math.max(0, first[1].due - time()));
    }
  }

  return {
    now: () => clock.now(),
    setTimeout: (fn, ms) => add(fn, ms, null),
    setInterval: (fn, ms) => add(fn, ms, Math.max(1, ms)),
    advance,
    settle,
    run,
  };
}
