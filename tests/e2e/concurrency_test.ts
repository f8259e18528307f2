/**
 * Concurrency proofs with real processes: many `tm` processes (production permission
 * flags) against one database. The invariants are checked from the outside: from what each
 * process reported, from `tm export`, and from the event log read directly (read-only).
 */

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { tempProject, tm, type TmResult } from "../_cli.ts";

const CLAIMERS = 32;
const READY_TASKS = 200;
const ADDERS = 16;
const ADDS_EACH = 10;
// Generous: 32 processes start on 2 cores at once; a busy error here would be a real failure.
const LOCK_ENV = { TM_LOCK_TIMEOUT: "300" };

/** A task id for the i-th seeded task: 8 lowercase hex characters. */
function seededId(i: number): string {
  return `c0${i.toString(16).padStart(6, "0")}`;
}

/** Seed `count` independent pending tasks with one `tm import` (one process). */
async function seedReadyTasks(cwd: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => seededId(i));
  const lines = ids.map((id, i) => JSON.stringify({ id, title: `ready task ${i}` }));
  const file = `${cwd}/seed.jsonl`;
  await Deno.writeTextFile(file, `${lines.join("\n")}\n`);
  const result = await tm(["import", file], { cwd });
  assert.equal(result.code, 0, result.stderr);
  return ids;
}

/** Everything one process printed that a user must never see under contention. */
function contentionProblems(results: readonly TmResult[]): string[] {
  return results
    .filter((r) => r.code === 4 || /database is (locked|busy)|SQLITE_BUSY/i.test(r.stderr))
    .map((r) => `exit ${r.code}: ${r.stderr.trim()}`);
}

interface WorkerLog {
  agent: string;
  claimed: string[];
  completed: string[];
  results: TmResult[];
  /** The first failed command, if the loop stopped on one. */
  failure: string | null;
}

/** Claim → complete until `tm claim` reports nothing ready. */
async function claimLoop(cwd: string, agent: string): Promise<WorkerLog> {
  const env = { ...LOCK_ENV, TM_AGENT_ID: agent };
  const log: WorkerLog = { agent, claimed: [], completed: [], results: [], failure: null };
  while (true) {
    const claim = await tm(["claim", "--json"], { cwd, env });
    log.results.push(claim);
    if (claim.code !== 0) {
      log.failure = `claim exited ${claim.code}: ${claim.stderr.trim()}`;
      return log;
    }
    const task = JSON.parse(claim.stdout).task as { id: string; claimed_by: string } | null;
    if (task === null) return log;
    assert.equal(task.claimed_by, agent);
    log.claimed.push(task.id);
    const done = await tm(["complete", task.id, "--json"], { cwd, env });
    log.results.push(done);
    if (done.code !== 0) {
      log.failure = `complete ${task.id} exited ${done.code}: ${done.stderr.trim()}`;
      return log;
    }
    log.completed.push(task.id);
  }
}

/** Rows of the event log of the given types, read without writing anything. */
function eventsOfType(cwd: string, types: readonly string[]) {
  const db = new DatabaseSync(`${cwd}/.task-orchestrator/tasks.db`, { readOnly: true });
  try {
    return db.prepare(
      `SELECT task_id, type, agent FROM events WHERE type IN (${types.map(() => "?").join(", ")})
       ORDER BY id`,
    ).all(...types) as Array<{ task_id: string; type: string; agent: string }>;
  } finally {
    db.close();
  }
}

Deno.test("32 agents claiming and completing 200 tasks take each task exactly once", async () => {
  await using project = await tempProject();
  const cwd = project.dir;
  try {
    const ids = await seedReadyTasks(cwd, READY_TASKS);
    const logs = await Promise.all(
      Array.from({ length: CLAIMERS }, (_, i) => claimLoop(cwd, `agent-${i}`)),
    );

    assert.deepEqual(logs.map((l) => l.failure).filter((f) => f !== null), []);
    assert.deepEqual(contentionProblems(logs.flatMap((l) => l.results)), []);

    // What the processes reported: each task claimed once, by the agent that completed it.
    const claimedBy = new Map<string, string>();
    for (const log of logs) {
      assert.deepEqual(log.completed, log.claimed);
      for (const id of log.claimed) {
        assert.equal(claimedBy.get(id), undefined, `task ${id} claimed twice`);
        claimedBy.set(id, log.agent);
      }
    }
    assert.deepEqual([...claimedBy.keys()].sort(), ids);
    // The work really was shared (not one process draining the queue).
    assert.ok(logs.filter((l) => l.claimed.length > 0).length > 1);

    // What the database says: every task completed, none lost or added.
    const exported = await tm(["export", "--format", "jsonl"], { cwd });
    assert.equal(exported.code, 0, exported.stderr);
    const tasks = exported.stdout.trim().split("\n").map((line) => JSON.parse(line));
    assert.deepEqual(tasks.map((t) => t.id).sort(), ids);
    assert.deepEqual(tasks.filter((t) => t.status !== "completed").map((t) => t.id), []);
    assert.deepEqual(tasks.filter((t) => t.claimed_by !== null).map((t) => t.id), []);

    // The event log: exactly one claimed and one completed event per task, by the same
    // agent that reported the claim.
    const perTask = new Map<string, { claimed: string[]; completed: string[] }>();
    for (const event of eventsOfType(cwd, ["claimed", "completed", "lease_expired"])) {
      const entry = perTask.get(event.task_id) ?? { claimed: [], completed: [] };
      if (event.type === "lease_expired") assert.fail(`lease expired on ${event.task_id}`);
      entry[event.type as "claimed" | "completed"].push(event.agent);
      perTask.set(event.task_id, entry);
    }
    assert.deepEqual([...perTask.keys()].sort(), ids);
    for (const [id, entry] of perTask) {
      const agent = claimedBy.get(id)!;
      assert.deepEqual(entry, { claimed: [agent], completed: [agent] }, `events of ${id}`);
    }
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("16 processes adding tasks at once lose no task", async () => {
  await using project = await tempProject();
  const cwd = project.dir;
  try {
    const adder = async (n: number) => {
      const env = { ...LOCK_ENV, TM_AGENT_ID: `adder-${n}` };
      const reported: string[] = [];
      const results: TmResult[] = [];
      for (let i = 0; i < ADDS_EACH; i++) {
        const result = await tm(["add", `task ${n}.${i}`, "--json"], { cwd, env });
        results.push(result);
        if (result.code === 0) reported.push(JSON.parse(result.stdout).task.id);
      }
      return { reported, results };
    };
    const outcomes = await Promise.all(Array.from({ length: ADDERS }, (_, n) => adder(n)));
    const results = outcomes.flatMap((o) => o.results);
    assert.deepEqual(results.filter((r) => r.code !== 0).map((r) => r.stderr), []);
    assert.deepEqual(contentionProblems(results), []);

    const reported = outcomes.flatMap((o) => o.reported);
    assert.equal(reported.length, ADDERS * ADDS_EACH);
    assert.equal(new Set(reported).size, reported.length, "an id was reported twice");

    const list = await tm(["list", "--json"], { cwd });
    assert.equal(list.code, 0, list.stderr);
    const stored = JSON.parse(list.stdout).tasks as Array<{ id: string; title: string }>;
    assert.deepEqual(stored.map((t) => t.id).sort(), [...reported].sort());
    // Each adder's own tasks are stored in the order it created them.
    for (let n = 0; n < ADDERS; n++) {
      const mine = stored.filter((t) => t.title.startsWith(`task ${n}.`)).map((t) => t.title);
      assert.deepEqual(mine, Array.from({ length: ADDS_EACH }, (_, i) => `task ${n}.${i}`));
    }
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
