import type { EventType } from "../core/event.ts";
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { newTaskRow, type Task } from "../core/task.ts";
import { MIGRATIONS } from "./migrations.ts";
import { openSqliteStore } from "./sqlite.ts";
import { CAPABILITY_FILTER, TASK_COLUMNS } from "./sqlite_tasks.ts";

function task(id: string, overrides: Partial<Task> = {}): Task {
  return newTaskRow({
    id,
    title: id,
    created_by: "t",
    created_at: "2026-11-24T12:00:00.000Z",
    ...overrides,
  });
}

Deno.test("ready() offers only tasks whose required capabilities are all in the set", async () => {
  const store = await openSqliteStore({ path: ":memory:" });
  try {
    await store.write(async (tx) => {
      await tx.tasks.insert(task("0000000a"));
      await tx.tasks.insert(task("0000000b"));
      await tx.tasks.insert(task("0000000c"));
      await tx.agents.addTaskCapability("0000000b", "python");
      await tx.agents.addTaskCapability("0000000c", "python");
      await tx.agents.addTaskCapability("0000000c", "gpu");
    });
    const ids = (capabilities: string[]) =>
      store.read(async (tx) =>
        (await tx.tasks.ready({ now: "2026-11-24T12:00:00.000Z", capabilities, limit: 10 }))
          .map((t) => t.id)
      );
    assert.deepEqual(await ids([]), ["0000000a"]);
    assert.deepEqual(await ids(["python"]), ["0000000a", "0000000b"]);
    assert.deepEqual(await ids(["gpu", "python"]), ["0000000a", "0000000b", "0000000c"]);
  } finally {
    store.close();
  }
});

Deno.test("the capability-filtered ready scan walks the ready index without sorting", () => {
  const db = new DatabaseSync(":memory:");
  for (const migration of MIGRATIONS) db.exec(migration.sql);
  const plan = db.prepare(
    `EXPLAIN QUERY PLAN SELECT ${TASK_COLUMNS} FROM tasks WHERE status = 'pending' ` +
      `AND (assignee IS NULL OR assignee = ?) AND ${CAPABILITY_FILTER} ` +
      "ORDER BY priority_rank DESC, deadline_key, dependents_count DESC, seq LIMIT ?",
  ).all("a", "[]", 10).map((row) => String(row.detail));
  db.close();
  assert.ok(plan.some((d) => d.includes("USING INDEX tasks_ready")), plan.join("\n"));
  assert.ok(plan.some((d) => d.includes("tc USING PRIMARY KEY")), plan.join("\n"));
  assert.ok(!plan.some((d) => d.includes("TEMP B-TREE")), plan.join("\n"));
});

Deno.test("leaseLostTo() names the taker until the former holder claims again", async () => {
  const store = await openSqliteStore({ path: ":memory:" });
  try {
    const at = "2026-11-24T12:00:00.000Z";
    const lost = await store.write(async (tx) => {
      await tx.tasks.insert(task("0000000a"));
      const event = (type: EventType, agent: string, data: Record<string, unknown> | null = null) =>
        tx.events.append({ task_id: "0000000a", type, agent, created_at: at, data });
      await event("claimed", "alice");
      const before = await tx.events.leaseLostTo("0000000a", "alice");
      await event("lease_expired", "bob", { former_holder: "alice" });
      await event("claimed", "bob");
      const after = await tx.events.leaseLostTo("0000000a", "alice");
      const forBob = await tx.events.leaseLostTo("0000000a", "bob");
      await event("claimed", "alice");
      return [before, after, forBob, await tx.events.leaseLostTo("0000000a", "alice")];
    });
    assert.deepEqual(lost, [null, "bob", null, null]);
  } finally {
    store.close();
  }
});

Deno.test("the lease_lost check reads only a task's claim history, by index", () => {
  const db = new DatabaseSync(":memory:");
  for (const migration of MIGRATIONS) db.exec(migration.sql);
  const plan = db.prepare(
    `EXPLAIN QUERY PLAN SELECT type, agent FROM events
     WHERE task_id = ? AND type IN ('claimed', 'lease_expired') AND (
       (type = 'claimed' AND agent = ?)
       OR (type = 'lease_expired' AND json_extract(data, '$.former_holder') = ?)
     )
     ORDER BY id DESC LIMIT 1`,
  ).all("a", "b", "c").map((row) => String(row.detail));
  db.close();
  assert.deepEqual(plan, ["SEARCH events USING INDEX events_lease_history (task_id=?)"]);
});
