/**
 * Remote mode under load and through a crash: 32 agent processes claim and complete 400
 * tasks through one `tm serve`, which is killed with SIGKILL and restarted on the same port
 * mid-run. Every task must be claimed exactly once and completed; no acknowledged write may
 * be lost; every client call either succeeds or gets a retryable exit 4.
 *
 * Sized by TM_REMOTE_AGENTS (default 32) and TM_REMOTE_TASKS (default 400).
 */
import assert from "node:assert/strict";
import { addTask } from "../../src/app/add_task.ts";
import { featureConfig, sharedContextMirror } from "../../src/files/project_files.ts";
import { openSqliteStore } from "../../src/store/sqlite.ts";
import { tempProject, tm, waitFor } from "../_cli.ts";
import { startServe } from "./_remote.ts";

const AGENTS = Number(Deno.env.get("TM_REMOTE_AGENTS") || 32);
const TASKS = Number(Deno.env.get("TM_REMOTE_TASKS") || 400);
const AGENT = new URL("../fixtures/remote_agent.ts", import.meta.url).pathname;

interface Report {
  agent: string;
  completed: string[];
  codes: Record<string, number>;
  timedOut: boolean;
}

async function completedCount(cwd: string): Promise<number> {
  const result = await tm(["list", "--status", "completed", "--json"], { cwd });
  return JSON.parse(result.stdout).count as number;
}

Deno.test(`${AGENTS} remote agents complete ${TASKS} tasks through a server killed mid-run`, async () => {
  await using project = await tempProject();
  const cwd = project.dir;
  const dataDir = `${cwd}/.task-orchestrator`;
  const dbPath = `${dataDir}/tasks.db`;
  const store = await openSqliteStore({ path: dbPath });
  const ctx = {
    store,
    agent: "planner",
    location: { dataDir, dbPath, source: "found" as const },
    now: () => new Date(),
    leaseTtlMs: 30 * 60_000,
    mirror: sharedContextMirror(dataDir),
    features: featureConfig(dataDir),
  };
  for (let i = 0; i < TASKS; i++) await addTask(ctx, { title: `job ${i}` });
  store.close();

  let server = await startServe(cwd);
  const port = server.port;
  const tokens = await Promise.all(
    Array.from({ length: AGENTS }, (_, i) => server.token(`agent-${i}`)),
  );
  const started = performance.now();
  const agents = tokens.map((token, i) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "--allow-net=127.0.0.1",
        "--allow-read",
        AGENT,
        server.url,
        token,
        `agent-${i}`,
        // Half the agents let the client retry through the restart, half see exit 4 themselves.
        i % 2 === 0 ? "20" : "0",
      ],
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output()
  );
  try {
    // Kill the server once a good part of the work is done, then bring it back on its port.
    await waitFor(async () => (await completedCount(cwd)) >= TASKS / 4 ? true : undefined, 120_000);
    await server.kill();
    const killedAt = await completedCount(cwd);
    server = await startServe(cwd, { port });
    const outputs = await Promise.all(agents);
    const seconds = (performance.now() - started) / 1000;
    const reports: Report[] = outputs.map((output, i) => {
      assert.equal(output.code, 0, `agent ${i}: ${new TextDecoder().decode(output.stderr)}`);
      return JSON.parse(new TextDecoder().decode(output.stdout)) as Report;
    });
    for (const report of reports) {
      assert.ok(!report.timedOut, `${report.agent} finished`);
      for (const code of Object.keys(report.codes)) {
        assert.ok(code === "0" || code === "4", `${report.agent} saw exit ${code}`);
      }
    }
    // Every acknowledged completion is in the database, each task once.
    const acknowledged = reports.flatMap((r) => r.completed);
    const list = JSON.parse(
      (await tm(["list", "--status", "completed", "--json"], { cwd })).stdout,
    );
    const completed = new Set<string>(list.tasks.map((t: { id: string }) => t.id));
    assert.equal(completed.size, TASKS, "every task completed");
    for (const id of acknowledged) assert.ok(completed.has(id), `acknowledged ${id} kept`);
    // Each task claimed exactly once: one claimed event per task in the log.
    const check = await openSqliteStore({ path: dbPath });
    const events = await check.read((tx) => tx.events.after(0, 1_000_000));
    check.close();
    const claims = new Map<string, number>();
    for (const e of events) {
      if (e.type === "claimed") claims.set(e.task_id!, (claims.get(e.task_id!) ?? 0) + 1);
    }
    assert.equal(claims.size, TASKS);
    assert.deepEqual([...claims.values()].filter((n) => n !== 1), [], "no task claimed twice");
    const retried = reports.reduce((n, r) => n + (r.codes["4"] ?? 0), 0);
    // deno-lint-ignore no-console -- the figures docs/performance.md records
    console.log(
      `remote load: ${AGENTS} agents, ${TASKS} tasks in ${
        seconds.toFixed(1)
      } s; server killed at ${killedAt} completed; ${retried} calls ended in exit 4 and were retried`,
    );
  } finally {
    await Promise.allSettled(agents);
    await server[Symbol.asyncDispose]();
  }
});
