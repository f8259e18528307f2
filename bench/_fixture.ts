/**
 * A realistic benchmark database, built fast through the store (one write transaction per
 * batch): N tasks with about two dependencies each and a status mix like a project in
 * flight — most completed, the rest pending, blocked (waiting on open work), a few in
 * progress under a live lease and a few cancelled. Deterministic for a given seed. Used by
 * `deno task bench` (bench/store_bench.ts) and `deno task bench:cli` (scripts/bench.ts).
 *
 * @module
 */

import type { Priority, Status, Task } from "../src/core/task.ts";
import { openSqliteStore } from "../src/store/sqlite.ts";

/** Options for {@link buildBenchDb}. */
export interface BenchDbOptions {
  /** The database file (created and migrated if it does not exist). */
  path: string;
  /** How many tasks to create. */
  tasks: number;
  /** Seed of the pseudo-random generator. @default 1 */
  seed?: number;
  /** The agent holding the in-progress tasks. @default "bench-holder" */
  holder?: string;
}

/** What was built, for choosing the targets of the timed commands. */
export interface BenchDb {
  /** How many tasks have each status. */
  counts: Record<Status, number>;
  /** Ids of pending tasks, in creation order. */
  pending: string[];
  /** Ids of blocked tasks (they have dependencies and usually dependents). */
  blocked: string[];
  /** Ids of pending tasks that other tasks depend on (completing them unblocks work). */
  pendingWithDependents: string[];
  /** How many dependency edges exist. */
  edges: number;
}

const BATCH = 5_000;
const BASE_TIME = Date.parse("2026-01-01T00:00:00.000Z");
const PRIORITIES: readonly Priority[] = ["low", "medium", "medium", "medium", "high", "critical"];

/** mulberry32: a small, fast, seedable generator (benchmarks must be repeatable). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The i-th task id: unique 8-hex, spread over the id space like random ids. */
function benchId(i: number): string {
  return (Math.imul(i + 1, 0x9e3779b1) >>> 0).toString(16).padStart(8, "0");
}

function pickStatus(r: number): Status {
  if (r < 0.60) return "completed";
  if (r < 0.72) return "pending";
  if (r < 0.94) return "blocked";
  if (r < 0.97) return "in_progress";
  return "cancelled";
}

/** Up to `n` distinct elements of `pool`, picked at random. */
function pick(pool: readonly string[], n: number, rand: () => number): string[] {
  const chosen = new Set<string>();
  for (let tries = 0; chosen.size < Math.min(n, pool.length) && tries < 8; tries++) {
    chosen.add(pool[Math.floor(rand() * pool.length)]!);
  }
  return [...chosen];
}

/**
 * Create `options.tasks` tasks in the database at `options.path`. Dependencies always point
 * to earlier tasks, and statuses agree with them: completed, pending and in-progress tasks
 * depend only on completed ones; a blocked task waits on at least one open task.
 */
export async function buildBenchDb(options: BenchDbOptions): Promise<BenchDb> {
  const rand = random(options.seed ?? 1);
  const holder = options.holder ?? "bench-holder";
  const store = await openSqliteStore({ path: options.path });
  const counts: Record<Status, number> = {
    pending: 0,
    in_progress: 0,
    blocked: 0,
    completed: 0,
    cancelled: 0,
  };
  const completed: string[] = [];
  const open: string[] = [];
  const pending: string[] = [];
  const blocked: string[] = [];
  const hasDependents = new Set<string>();
  let edges = 0;
  const leaseEnd = new Date(Date.now() + 7 * 24 * 3600_000).toISOString();
  try {
    for (let start = 0; start < options.tasks; start += BATCH) {
      await store.write(async (tx) => {
        for (let i = start; i < Math.min(start + BATCH, options.tasks); i++) {
          const id = benchId(i);
          const at = new Date(BASE_TIME + i * 60_000).toISOString();
          let status = pickStatus(rand());
          if (status === "blocked" && open.length === 0) status = "pending";
          const deps = status === "blocked"
            ? [...pick(open, 1, rand), ...pick(completed, 1, rand)]
            : status === "cancelled"
            ? []
            : pick(completed, rand() < 0.5 ? 2 : rand() < 0.5 ? 1 : 3, rand);
          const task: Task = {
            id,
            title: `Benchmark task ${i}: implement part ${i % 97} of feature ${i % 13}`,
            description: i % 3 === 0 ? `Details for task ${i}.\nAcceptance: tests pass.` : null,
            status,
            priority: PRIORITIES[Math.floor(rand() * PRIORITIES.length)]!,
            assignee: i % 10 === 0 ? `agent-${i % 7}` : null,
            created_by: `agent-${i % 5}`,
            created_at: at,
            updated_at: at,
            started_at: status === "completed" || status === "in_progress" ? at : null,
            completed_at: status === "completed" ? at : null,
            deadline: i % 20 === 0
              ? new Date(BASE_TIME + (i + 500) * 3600_000).toISOString()
              : null,
            estimated_hours: i % 4 === 0 ? 2 : null,
            actual_hours: null,
            claimed_by: status === "in_progress" ? holder : null,
            lease_expires_at: status === "in_progress" ? leaseEnd : null,
          };
          await tx.tasks.insert(task);
          for (const dep of deps) {
            await tx.dependencies.add(id, dep, at);
            hasDependents.add(dep);
            edges++;
          }
          await tx.participants.add(id, task.created_by, "creator", at);
          await tx.events.append({
            task_id: id,
            type: "created",
            agent: task.created_by,
            created_at: at,
            data: { title: task.title, status, dependencies: deps },
          });
          if (status === "completed") {
            await tx.events.append({
              task_id: id,
              type: "completed",
              agent: task.created_by,
              created_at: at,
              data: {},
            });
          }
          counts[status]++;
          if (status === "completed") completed.push(id);
          else if (status !== "cancelled") open.push(id);
          if (status === "pending") pending.push(id);
          if (status === "blocked") blocked.push(id);
        }
      });
    }
  } finally {
    store.close();
  }
  return {
    counts,
    pending,
    blocked,
    pendingWithDependents: pending.filter((id) => hasDependents.has(id)),
    edges,
  };
}
