/**
 * The ready query at 100k tasks with capability routing: it must stay an index-ordered scan
 * that stops after `limit` matches. Run with `deno task bench`.
 *
 * @module
 */

import { openSqliteStore } from "../src/store/sqlite.ts";
import type { Task } from "../src/core/task.ts";

const TASKS = 100_000;
const store = await openSqliteStore({ path: ":memory:" });
const now = new Date().toISOString();
await store.write(async (tx) => {
  for (let i = 0; i < TASKS; i++) {
    const task: Task = {
      id: i.toString(16).padStart(8, "0"),
      title: `task ${i}`,
      description: null,
      status: "pending",
      priority: (["low", "medium", "high", "critical"] as const)[i % 4]!,
      assignee: null,
      created_by: "bench",
      created_at: now,
      updated_at: now,
      started_at: null,
      completed_at: null,
      deadline: null,
      estimated_hours: null,
      actual_hours: null,
      claimed_by: null,
      lease_expires_at: null,
    };
    await tx.tasks.insert(task);
    // Two thirds of the tasks need a capability; most agents lack "gpu".
    if (i % 3 === 1) await tx.agents.addTaskCapability(task.id, "python");
    if (i % 3 === 2) await tx.agents.addTaskCapability(task.id, "gpu");
  }
});

Deno.bench("ready --limit 10 at 100k tasks, no capabilities", async () => {
  await store.read((tx) => tx.tasks.ready({ now, offeredTo: "a", capabilities: [], limit: 10 }));
});

Deno.bench("ready --limit 10 at 100k tasks, capability python", async () => {
  await store.read((tx) =>
    tx.tasks.ready({ now, offeredTo: "a", capabilities: ["python"], limit: 10 })
  );
});

Deno.bench("ready --limit 1 (claim) at 100k tasks, capabilities python+gpu", async () => {
  await store.read((tx) =>
    tx.tasks.ready({ now, offeredTo: "a", capabilities: ["python", "gpu"], limit: 1 })
  );
});
