import assert from "node:assert/strict";
import { sleep } from "./scheduler.ts";
import { fakeScheduler } from "./_test_scheduler.ts";
import { testContext } from "./_test_context.ts";

Deno.test("fakeScheduler() fires due timers in time order, each at its own instant", async () => {
  const ctx = await testContext();
  try {
    const scheduler = fakeScheduler(ctx);
    const start = ctx.now().getTime();
    const fired: Array<[string, number]> = [];
    const record = (name: string) => () => fired.push([name, ctx.now().getTime() - start]);
    scheduler.setTimeout(record("once at 250"), 250);
    const every = scheduler.setInterval(record("every 100"), 100);
    scheduler.setTimeout(record("cancelled"), 50).cancel();
    await scheduler.advance(300);
    every.cancel();
    await scheduler.advance(1000);
    assert.deepEqual(fired, [
      ["every 100", 100],
      ["every 100", 200],
      ["once at 250", 250],
      ["every 100", 300],
    ]);
    assert.equal(ctx.now().getTime() - start, 1300);
  } finally {
    ctx.store.close();
  }
});

Deno.test("sleep() ends early when its signal aborts, and run() jumps to the next timer", async () => {
  const ctx = await testContext();
  try {
    const scheduler = fakeScheduler(ctx);
    const start = ctx.now().getTime();
    const stop = new AbortController();
    scheduler.setTimeout(() => stop.abort(), 5000);
    await scheduler.run(sleep(scheduler, 60_000, stop.signal));
    assert.equal(ctx.now().getTime() - start, 5000);
    await assert.rejects(scheduler.run(new Promise(() => {})), /other than a timer/);
  } finally {
    ctx.store.close();
  }
});
