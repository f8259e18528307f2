/**
 * Micro-benchmarks of the store and the hot use cases on a temporary 10k-task database
 * (`deno task bench`). Whole-process timings are in scripts/bench.ts; the numbers of both
 * are in docs/performance.md.
 */

import { addTask } from "../src/app/add_task.ts";
import { claimTask, releaseTask } from "../src/app/claims.ts";
import type { AppContext } from "../src/app/context.ts";
import { readyTasks } from "../src/app/ready.ts";
import { loadTask, resolveTaskId } from "../src/app/resolve.ts";
import { taskDetail } from "../src/app/show_task.ts";
import { openSqliteStore } from "../src/store/sqlite.ts";
import { buildBenchDb } from "./_fixture.ts";

const TASKS = 10_000;
const dir = await Deno.makeTempDir({ prefix: "tm-bench-" });
const path = `${dir}/tasks.db`;
const built = await buildBenchDb({ path, tasks: TASKS });
const store = await openSqliteStore({ path });
const ctx: AppContext = {
  store,
  agent: "bench",
  location: { dataDir: dir, dbPath: path, source: "override" },
  now: () => new Date(),
  leaseTtlMs: 30 * 60_000,
};
const blocked = built.blocked[Math.floor(built.blocked.length / 2)]!;
const now = new Date().toISOString();

globalThis.addEventListener("unload", () => {
  store.close();
  Deno.removeSync(dir, { recursive: true });
});

Deno.bench("open an existing database (connection, pragmas, version check)", async () => {
  (await openSqliteStore({ path })).close();
});

Deno.bench("ready set, best 10 (store query)", { baseline: true }, async () => {
  await store.read((tx) => tx.tasks.ready({ now, offeredTo: "bench", limit: 10 }));
});

Deno.bench("ready set, best 10 (use case, in a read transaction)", async () => {
  await readyTasks(ctx, { limit: 10 });
});

Deno.bench("resolve a 4-character id prefix", async () => {
  await store.read((tx) => resolveTaskId(tx, blocked.slice(0, 4)).catch(() => null));
});

Deno.bench("show: a task with dependencies, dependents and history", async () => {
  await store.read(async (tx) => taskDetail(tx, await loadTask(tx, blocked), new Date()));
});

Deno.bench("list: first 50 pending tasks", async () => {
  await store.read((tx) => tx.tasks.list({ status: "pending", limit: 50 }));
});

Deno.bench("claim the best ready task, then release it (two write transactions)", async () => {
  const { task } = await claimTask(ctx, null);
  if (task !== null) await releaseTask(ctx, task.id);
});

Deno.bench("claim CAS on a task this agent holds (one write transaction)", async (b) => {
  const { task } = await claimTask(ctx, null);
  b.start();
  await claimTask(ctx, task!.id);
  b.end();
  await releaseTask(ctx, task!.id);
});

Deno.bench("add a task with two dependencies (one write transaction)", async () => {
  await addTask(ctx, { title: "bench task", dependsOn: [blocked, built.pending[0]!] });
});
