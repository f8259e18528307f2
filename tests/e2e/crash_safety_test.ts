/**
 * Crash safety with real processes: writing `tm` processes are killed with SIGKILL at
 * random moments, several at a time. Afterwards the database must open and be intact, and
 * every write whose command reported success must be there (synchronous=FULL, one
 * transaction per command: all of a command's rows or none).
 */

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { startTm, tempProject, tm, type TmResult } from "../_cli.ts";

const PROCESSES = 400;
const PARALLEL = 8;
const MAX_KILL_DELAY_MS = 80;
/** Share of processes left to finish (the rest get a SIGKILL at a random moment). */
const SPARED = 0.15;
/**
 * Share of the kills aimed near the end of a typical run, where the write transaction and
 * its fsync happen; uniform delays alone mostly hit the start-up.
 */
const AIMED = 0.5;
const SEEDED = 80;
const ENV = { TM_AGENT_ID: "crasher", TM_LOCK_TIMEOUT: "300" };

type Op =
  | { kind: "add"; title: string; dependsOn: string | null }
  | { kind: "update"; id: string; description: string }
  | { kind: "claim" }
  | { kind: "complete"; id: string };

interface Outcome {
  op: Op;
  result: TmResult & { signal: Deno.Signal | null };
  /** Exit 0, not killed, and a whole JSON document on stdout. */
  succeeded: boolean;
  json: Record<string, unknown> | null;
}

function seededId(i: number): string {
  return `5eed${i.toString(16).padStart(4, "0")}`;
}

/** 60 pending tasks and 20 blocked ones, each waiting on one of the first 20. */
async function seed(cwd: string): Promise<void> {
  const lines = Array.from({ length: SEEDED }, (_, i) =>
    JSON.stringify({
      id: seededId(i),
      title: `seeded ${i}`,
      dependencies: i >= 60 ? [seededId(i - 60)] : [],
    }));
  await Deno.writeTextFile(`${cwd}/seed.jsonl`, lines.join("\n"));
  const result = await tm(["import", `${cwd}/seed.jsonl`], { cwd });
  assert.equal(result.code, 0, result.stderr);
}

function randomOp(k: number): Op {
  const r = Math.random();
  const target = seededId(Math.floor(Math.random() * SEEDED));
  if (r < 0.6) {
    return { kind: "add", title: `crash add ${k}`, dependsOn: k % 3 === 0 ? target : null };
  }
  if (r < 0.75) return { kind: "update", id: target, description: `crash update ${k}` };
  if (r < 0.85) return { kind: "claim" };
  return { kind: "complete", id: target };
}

function argsOf(op: Op): string[] {
  switch (op.kind) {
    case "add":
      return ["add", op.title, ...(op.dependsOn === null ? [] : ["--depends-on", op.dependsOn])];
    case "update":
      return ["update", op.id, "-d", op.description];
    case "claim":
      return ["claim"];
    case "complete":
      return ["complete", op.id];
  }
}

/** Rows as plain objects (node:sqlite returns null-prototype objects). */
function plain(rows: readonly unknown[]): Array<Record<string, unknown>> {
  return rows.map((row) => ({ ...(row as Record<string, unknown>) }));
}

/** Wall times of the processes that ran to the end, to aim kills at the write. */
const finishedMs: number[] = [];

function killDelay(): number {
  const sorted = [...finishedMs].sort((a, b) => a - b);
  const typical = sorted[Math.floor(sorted.length / 2)];
  if (typical === undefined || Math.random() >= AIMED) return Math.random() * MAX_KILL_DELAY_MS;
  return typical * (0.75 + Math.random() * 0.35);
}

async function runOne(cwd: string, op: Op): Promise<Outcome> {
  const started = performance.now();
  const child = startTm([...argsOf(op), "--json"], { cwd, env: ENV });
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (Math.random() >= SPARED) timer = setTimeout(() => child.kill("SIGKILL"), killDelay());
  const result = await child.done;
  clearTimeout(timer);
  if (result.signal === null) finishedMs.push(performance.now() - started);
  let json: Record<string, unknown> | null = null;
  if (result.code === 0 && result.signal === null) {
    try {
      json = JSON.parse(result.stdout);
    } catch {
      json = null;
    }
  }
  return { op, result, succeeded: json !== null, json };
}

/** Run every op, `PARALLEL` processes at a time. */
async function runAll(cwd: string, ops: readonly Op[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const lane = async () => {
    while (next < ops.length) {
      const op = ops[next++]!;
      outcomes.push(await runOne(cwd, op));
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, lane));
  return outcomes;
}

Deno.test("tm processes killed mid-write leave an intact database with every reported write", async () => {
  await using project = await tempProject();
  const cwd = project.dir;
  try {
    await seed(cwd);
    const ops = Array.from({ length: PROCESSES }, (_, k) => randomOp(k));
    const outcomes = await runAll(cwd, ops);

    const killed = outcomes.filter((o) => o.result.signal === "SIGKILL").length;
    const succeeded = outcomes.filter((o) => o.succeeded);
    // deno-lint-ignore no-console -- a note for whoever reads the test log
    console.log(
      `${outcomes.length} processes: ${killed} killed, ${succeeded.length} succeeded ` +
        `(${succeeded.filter((o) => o.op.kind === "add").length} adds)`,
    );
    // Both things happened: crashes, and writes that got through.
    assert.ok(killed >= PROCESSES / 4, `only ${killed} processes were killed`);
    assert.ok(succeeded.length >= 20, `only ${succeeded.length} processes succeeded`);
    // A process that was not killed either succeeded or failed cleanly (never "locked").
    for (const o of outcomes.filter((o) => o.result.signal === null && !o.succeeded)) {
      assert.match(o.result.stderr, /^tm: /, `${argsOf(o.op).join(" ")}: ${o.result.stderr}`);
      assert.doesNotMatch(o.result.stderr, /locked|busy|internal error/i);
    }

    // The database opens (recovering its WAL) and tm works on it.
    const list = await tm(["list", "--json"], { cwd, env: ENV });
    assert.equal(list.code, 0, list.stderr);
    const after = await tm(["add", "after the crashes", "--json"], { cwd, env: ENV });
    assert.equal(after.code, 0, after.stderr);

    const db = new DatabaseSync(`${cwd}/.task-orchestrator/tasks.db`, { readOnly: true });
    try {
      assert.deepEqual(plain(db.prepare("PRAGMA integrity_check").all()), [{
        integrity_check: "ok",
      }]);
      assert.deepEqual(db.prepare("PRAGMA foreign_key_check").all(), []);
      // Derived counts agree with the rows: no transaction was half applied.
      assert.deepEqual(
        plain(
          db.prepare(
            `SELECT id FROM tasks t WHERE dependents_count <>
             (SELECT count(*) FROM dependencies d WHERE d.depends_on_id = t.id)`,
          ).all(),
        ),
        [],
      );
      const task = db.prepare(
        "SELECT id, title, description, status, claimed_by FROM tasks WHERE id = ?",
      );
      const byTitle = db.prepare("SELECT id FROM tasks WHERE title = ?");
      const deps = db.prepare("SELECT depends_on_id FROM dependencies WHERE task_id = ?");
      const created = db.prepare(
        "SELECT count(*) AS n FROM events WHERE task_id = ? AND type = 'created'",
      );

      // Every add is all or nothing; every add that reported success is there.
      let killedAfterCommit = 0;
      for (const { op, succeeded, json, result } of outcomes) {
        if (op.kind !== "add") continue;
        const rows = plain(byTitle.all(op.title)) as Array<{ id: string }>;
        assert.ok(rows.length <= 1, `"${op.title}" stored ${rows.length} times`);
        if (succeeded) {
          assert.deepEqual(rows, [{ id: (json!.task as { id: string }).id }], op.title);
        }
        if (result.signal !== null && rows.length > 0) killedAfterCommit++;
        for (const { id } of rows) {
          assert.deepEqual(plain([created.get(id)]), [{ n: 1 }], `created event of ${op.title}`);
          assert.deepEqual(
            plain(deps.all(id)),
            op.dependsOn === null ? [] : [{ depends_on_id: op.dependsOn }],
            `dependencies of ${op.title}`,
          );
        }
      }
      // deno-lint-ignore no-console -- a note for whoever reads the test log
      console.log(`${killedAfterCommit} adds were killed after their commit`);
      const attempted = new Set(
        ops.flatMap((op) => op.kind === "update" ? [op.description] : []),
      );
      for (const { op, json } of succeeded) {
        if (op.kind === "update") {
          // Later updates may overwrite it, but only with a description some update wrote.
          const row = task.get(op.id) as { description: string };
          assert.ok(attempted.has(row.description), `description of ${op.id}`);
        } else if (op.kind === "complete") {
          assert.equal((task.get(op.id) as { status: string }).status, "completed", op.id);
        } else if (op.kind === "claim" && json!.task !== null) {
          const id = (json!.task as { id: string }).id;
          const row = task.get(id) as { status: string; claimed_by: string | null };
          assert.ok(
            (row.status === "in_progress" && row.claimed_by === "crasher") ||
              row.status === "completed",
            `claimed task ${id} is ${row.status}`,
          );
        }
      }
    } finally {
      db.close();
    }
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
