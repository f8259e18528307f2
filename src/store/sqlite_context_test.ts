import type { EventType } from "../core/event.ts";
import assert from "node:assert/strict";
import { openSqliteStore } from "./sqlite.ts";
import { newTaskRow, type Task } from "../core/task.ts";

function task(id: string): Task {
  return newTaskRow({ id, title: id, created_by: "a", created_at: "2026-01-01T00:00:00.000Z" });
}

function entry(taskId: string, text: string, requestId: string | null = null) {
  return {
    task_id: taskId,
    agent: "a",
    created_at: "2026-01-01T00:00:00.000Z",
    type: "share" as const,
    text,
    name: null,
    request_id: requestId,
  };
}

Deno.test("context.append() numbers each task's entries 1, 2, 3 independently", async () => {
  const store = await openSqliteStore({ path: ":memory:" });
  await store.write(async (tx) => {
    await tx.tasks.insert(task("0000aaaa"));
    await tx.tasks.insert(task("0000bbbb"));
    assert.equal((await tx.context.append(entry("0000aaaa", "a1"))).seq, 1);
    assert.equal((await tx.context.append(entry("0000bbbb", "b1"))).seq, 1);
    assert.equal((await tx.context.append(entry("0000aaaa", "a2"))).seq, 2);
  });
  const list = await store.read((tx) => tx.context.list("0000aaaa"));
  assert.deepEqual(list.map((e) => [e.seq, e.text]), [[1, "a1"], [2, "a2"]]);
  assert.equal(await store.read((tx) => tx.context.lastSeq("0000bbbb")), 1);
  store.close();
});

Deno.test("context request ids are unique and can be looked up", async () => {
  const store = await openSqliteStore({ path: ":memory:" });
  await store.write(async (tx) => {
    await tx.tasks.insert(task("0000aaaa"));
    await tx.context.append(entry("0000aaaa", "once", "r1"));
  });
  const found = await store.read((tx) => tx.context.byRequestId("r1"));
  assert.equal(found?.text, "once");
  await assert.rejects(
    store.write((tx) => tx.context.append(entry("0000aaaa", "twice", "r1"))),
    /UNIQUE/,
  );
  store.close();
});

Deno.test("committedEvents() returns events of committed writes only, once", async () => {
  const store = await openSqliteStore({ path: ":memory:" });
  const event = (type: EventType) => ({
    task_id: null,
    type,
    agent: "a",
    created_at: "2026-01-01T00:00:00.000Z",
    data: null,
  });
  await store.write((tx) => tx.events.append(event("created")));
  await assert.rejects(
    store.write(async (tx) => {
      await tx.events.append(event("deleted"));
      throw new Error("boom");
    }),
    /boom/,
  );
  assert.deepEqual(store.committedEvents().map((e) => e.type), ["created"]);
  assert.deepEqual(store.committedEvents(), []);
  store.close();
});
