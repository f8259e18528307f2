// 64 agent processes doing mixed writes at once (issue 9, defect 6): no busy errors, nothing
// acknowledged is lost, no task is ever claimed twice. TM_LOAD_SECONDS sets how long each
// agent runs (default 3 s in CI); TM_LOAD_AGENTS the number of processes (default 64).
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { tempProject, tm } from "../_cli.ts";

const AGENT = new URL("./_load_agent.ts", import.meta.url).pathname;
const SECONDS = Number(Deno.env.get("TM_LOAD_SECONDS") ?? "3");
const AGENTS = Number(Deno.env.get("TM_LOAD_AGENTS") ?? "64");

interface Summary {
  agent: string;
  commands: number;
  codes: Record<string, number>;
  busy: number;
  internal: number;
  latencies: number[];
  added: string[];
  shared: string[];
  completed: string[];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

/** Tasks claimed by a second agent while a first still held them, from the event log. */
function doubleClaims(db: DatabaseSync): string[] {
  const rows = db.prepare(
    `SELECT task_id, type, agent FROM events WHERE task_id IS NOT NULL
     AND type IN ('claimed', 'released', 'completed', 'lease_expired', 'updated')
     ORDER BY id`,
  ).all() as Array<{ task_id: string; type: string; agent: string }>;
  const holder = new Map<string, string | null>();
  const doubles: string[] = [];
  for (const row of rows) {
    if (row.type === "claimed") {
      const current = holder.get(row.task_id) ?? null;
      if (current !== null && current !== row.agent) doubles.push(row.task_id);
      holder.set(row.task_id, row.agent);
    } else if (row.type !== "updated") {
      holder.set(row.task_id, null);
    }
  }
  return doubles;
}

Deno.test({
  name: `${AGENTS} agent processes writing at once see no busy error and lose nothing`,
  sanitizeResources: false,
  async fn() {
    await using project = await tempProject();
    const cwd = project.dir;
    const started = performance.now();
    const children = Array.from({ length: AGENTS }, (_, i) =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--node-modules-dir=manual",
          "-A",
          AGENT,
          cwd,
          `agent${i}`,
          String(SECONDS),
          String(i + 1),
        ],
        stdout: "piped",
        stderr: "piped",
      }).output());
    const outputs = await Promise.all(children);
    const elapsed = (performance.now() - started) / 1000;
    const summaries: Summary[] = outputs.map((output) => {
      assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
      return JSON.parse(new TextDecoder().decode(output.stdout));
    });
    const all = summaries.flatMap((s) => s.latencies).sort((a, b) => a - b);
    const commands = summaries.reduce((n, s) => n + s.commands, 0);
    const busy = summaries.reduce((n, s) => n + s.busy, 0);
    const internal = summaries.reduce((n, s) => n + s.internal, 0);
    // deno-lint-ignore no-console -- the figures docs/performance.md reports
    console.log(
      `load: ${AGENTS} processes, ${commands} commands in ${elapsed.toFixed(1)} s ` +
        `(${(commands / elapsed).toFixed(0)}/s), p50 ${percentile(all, 0.5)} ms, ` +
        `p95 ${percentile(all, 0.95)} ms, busy ${busy}`,
    );
    assert.equal(internal, 0, "internal errors");
    assert.equal(busy, 0, "busy errors");
    const db = new DatabaseSync(`${cwd}/.task-orchestrator/tasks.db`, { readOnly: true });
    try {
      const ids = new Set(
        (db.prepare("SELECT id FROM tasks").all() as Array<{ id: string }>).map((r) => r.id),
      );
      for (const id of summaries.flatMap((s) => s.added)) assert.ok(ids.has(id), `lost ${id}`);
      const texts = new Set(
        (db.prepare("SELECT text FROM context_entries").all() as Array<{ text: string }>).map((
          r,
        ) => r.text),
      );
      for (const text of summaries.flatMap((s) => s.shared)) assert.ok(texts.has(text), text);
      const completed = db.prepare("SELECT id FROM tasks WHERE status = 'completed'")
        .all() as Array<
          { id: string }
        >;
      const done = new Set(completed.map((r) => r.id));
      for (const id of summaries.flatMap((s) => s.completed)) assert.ok(done.has(id), id);
      assert.deepEqual(doubleClaims(db), []);
      const check = db.prepare("PRAGMA integrity_check").get() as { integrity_check: string };
      assert.equal(check.integrity_check, "ok");
    } finally {
      db.close();
    }
    assert.equal((await tm(["list"], { cwd })).code, 0);
  },
});
