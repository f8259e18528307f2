import assert from "node:assert/strict";
import { createCoalescer, createSseParser, type SseMessage } from "./live.js";

Deno.test("createSseParser() yields events split across chunks, with ids and multi-line data", () => {
  const got: SseMessage[] = [];
  const p = createSseParser((m) => got.push(m));
  p.push("retry: 2000\n: hello\n\nid: 7\nda");
  p.push('ta: {"a":\r\ndata: 1}\r');
  p.push("\n\r\nevent: task\nid: 8\ndata:x\n\n");
  assert.deepEqual(got, [
    { id: "7", event: "message", data: '{"a":\n1}' },
    { id: "8", event: "task", data: "x" },
  ]);
  assert.equal(p.lastEventId(), "8");
});

Deno.test("createSseParser() ignores comments and events without data", () => {
  const got: SseMessage[] = [];
  const p = createSseParser((m) => got.push(m));
  p.push(": keep-alive\n\nid: 3\n\n");
  assert.deepEqual(got, []);
  assert.equal(p.lastEventId(), "3");
});

/** Timers the test fires by hand. */
function manualTimers() {
  const due: Array<() => void> = [];
  return {
    timers: {
      set: (fn: () => void) => due.push(fn),
      clear: () => {},
    },
    fire() {
      const fns = due.splice(0);
      for (const fn of fns) fn();
      return fns.length;
    },
  };
}

Deno.test("createCoalescer() runs once for a burst of requests", async () => {
  const clock = manualTimers();
  let runs = 0;
  const c = createCoalescer(() => {
    runs++;
    return Promise.resolve();
  }, { delayMs: 100, timers: clock.timers });
  c.request();
  c.request();
  c.request();
  assert.equal(clock.fire(), 1);
  await Promise.resolve();
  assert.equal(runs, 1);
  assert.equal(c.pending(), false);
});

Deno.test("createCoalescer() runs exactly once more for requests made during a run", async () => {
  const clock = manualTimers();
  let runs = 0;
  let finish = () => {};
  const c = createCoalescer(() => {
    runs++;
    return new Promise<void>((r) => finish = r);
  }, { delayMs: 100, timers: clock.timers });
  c.request();
  clock.fire();
  c.request();
  c.request();
  assert.equal(clock.fire(), 0, "nothing overlaps a run in flight");
  finish();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(clock.fire(), 1);
  finish();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(runs, 2);
  assert.equal(c.pending(), false);
});
