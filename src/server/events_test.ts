import assert from "node:assert/strict";
import { addTask } from "../app/add_task.ts";
import { testContext } from "../app/_test_context.ts";
import { EventHub, eventStream } from "./events.ts";
import { countingEventReads } from "./_event_reads.ts";

/** Read frames from a stream body until `count` event ids have come. */
async function ids(body: ReadableStream<Uint8Array>, count: number): Promise<number[]> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const found: number[] = [];
  while (found.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
    const frames = text.split("\n\n");
    text = frames.pop()!;
    for (const frame of frames) {
      const id = /^id: (\d+)$/m.exec(frame);
      if (id !== null) found.push(Number(id[1]));
    }
  }
  await reader.cancel();
  return found;
}

Deno.test("a stream behind the hub's window reads the database and still misses nothing", async () => {
  const ctx = await testContext();
  const hub = new EventHub(ctx.store, { pollMs: 1000, windowSize: 3 });
  const shutdown = new AbortController();
  try {
    hub.wake(); // loads the window at the current end (no events yet)
    for (let i = 0; i < 10; i++) await addTask(ctx, { title: `task ${i}` });
    hub.wake();
    await hub.changed(shutdown.signal, 1000);
    assert.deepEqual(hub.recent(0), null, "event 1 fell out of the 3-event window");
    assert.deepEqual(hub.recent(7)!.map((e) => e.event.id), [8, 9, 10]);
    let closed = 0;
    const body = eventStream({
      store: ctx.store,
      hub,
      after: 0,
      filter: {},
      keepAliveMs: 60_000,
      stallMs: 60_000,
      signal: shutdown.signal,
      onClose: () => closed++,
    });
    assert.deepEqual(await ids(body, 10), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(closed, 1, "cancelling the body ends the stream once");
  } finally {
    shutdown.abort();
    hub.close();
    ctx.store.close();
  }
});

Deno.test("a stream filtered by type carries only those events, and shutdown ends it", async () => {
  const ctx = await testContext();
  const hub = new EventHub(ctx.store, { pollMs: 1000 });
  const shutdown = new AbortController();
  try {
    const task = await addTask(ctx, { title: "one" });
    const { claimTask } = await import("../app/claims.ts");
    await claimTask(ctx, task.id);
    const body = eventStream({
      store: ctx.store,
      hub,
      after: 0,
      filter: { types: new Set(["claimed"]) },
      keepAliveMs: 60_000,
      stallMs: 60_000,
      signal: shutdown.signal,
      onClose: () => {},
    });
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("data: ")) text += (await reader.read()).value ?? "";
    assert.match(text, /"type":"claimed"/);
    assert.doesNotMatch(text, /"type":"created"/);
    shutdown.abort();
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
  } finally {
    hub.close();
    ctx.store.close();
  }
});

Deno.test("a hub far behind loads only its window's worth of events, not everything it missed", async () => {
  const ctx = await testContext();
  // Count the events the hub reads: a bulk write must not pass through its memory at once.
  const { store, loaded } = countingEventReads(ctx.store);
  const hub = new EventHub(store, { pollMs: 1000, windowSize: 50 });
  const shutdown = new AbortController();
  try {
    hub.wake();
    await hub.changed(shutdown.signal, 1000);
    for (let i = 0; i < 1000; i++) await addTask(ctx, { title: `task ${i}` });
    hub.wake();
    await hub.changed(shutdown.signal, 1000);
    assert.ok(loaded() <= 50, `loaded ${loaded()} events for a 50-event window`);
    assert.deepEqual(hub.recent(995)!.map((e) => e.event.id), [996, 997, 998, 999, 1000]);
    assert.equal(hub.recent(949), null, "older events are read from the database by the stream");
  } finally {
    shutdown.abort();
    hub.close();
    ctx.store.close();
  }
});
