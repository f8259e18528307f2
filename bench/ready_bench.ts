/**
 * The ready query at 100k tasks with capability routing: it must stay an index-ordered scan
 * that stops after `limit` matches. Run with `deno task bench`.
 *
 * @module
 */

import { openSqliteStore } from "../src/store/sqlite.ts";
import { newTaskRow } from "../src/core/task.ts";

const TASKS = 100_000;
const store = await openSqliteStore({ path: ":memory:" });
const now = new Date().toISOString();
await store.write(async (tx) => {
  for (let i = 0; i < TASKS; i++) {
    const task = newTaskRow({
      id: i.toString(16).padStart(8, "0"),
      title: `task ${i}`,
      priority: (["low", "medium", "high", "critical"] as const)[i % 4]!,
      created_by: "bench",
      created_at: now,
    });
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
