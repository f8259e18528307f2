/**
 * Claims on PostgreSQL with real processes: many `tm` processes (production permission flags)
 * claim and complete tasks in one PostgreSQL project, also while clients are killed with
 * SIGKILL and the server restarts. Checked from the outside: what each process reported, and
 * the event log read directly. Runs when TM_TEST_DATABASE_URL names a server; the restart
 * proof starts a cluster of its own from the binaries scripts/test-postgres.sh found
 * (TM_TEST_PG_BIN, run as TM_TEST_PG_AS), so that restarting it disturbs no other test.
 */
import assert from "node:assert/strict";
import { tm, type TmResult } from "../_cli.ts";
import { tmCommandLine } from "../_target.ts";
import { freshPostgresSchema, TEST_DATABASE_URL } from "../../src/store/_store_engines.ts";
import { connectPostgres } from "../../src/store/postgres.ts";

const PG_BIN = Deno.env.get("TM_TEST_PG_BIN")?.trim() || undefined;
const PG_AS = (Deno.env.get("TM_TEST_PG_AS") ?? "").split(" ").filter((word) => word !== "");

/** Run a PostgreSQL tool as the cluster's owner; fails the test if it fails. */
async function pgTool(tool: string, args: string[]): Promise<void> {
  const [command, ...prefix] = [...PG_AS, `${PG_BIN}/${tool}`];
  const out = await new Deno.Command(command!, {
    args: [...prefix, ...args],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, `${tool}: ${new TextDecoder().decode(out.stderr)}`);
}

/** A throw-away cluster of this test's own (TLS on when a certificate is at hand). */
async function ownCluster() {
  const dir = await Deno.makeTempDir({ prefix: "tm-pg-restart-" });
  if (PG_AS.length > 0) {
    await new Deno.Command("chown", { args: ["postgres:postgres", dir] }).output();
  }
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  await pgTool("initdb", ["-D", `${dir}/data`, "-U", "tm", "--auth=trust", "--no-sync"]);
  const cert = Deno.env.get("TM_TEST_PG_SSL_CERT");
  const key = Deno.env.get("TM_TEST_PG_SSL_KEY");
  const ssl = cert && key ? ` -c ssl=on -c ssl_cert_file=${cert} -c ssl_key_file=${key}` : "";
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off${ssl}`;
  const ctl = ["-D", `${dir}/data`, "-l", `${dir}/log`, "-w"];
  await pgTool("pg_ctl", [...ctl, "-o", options, "start"]);
  return {
    url: `postgres://tm@127.0.0.1:${port}/postgres`,
    restart: () => pgTool("pg_ctl", [...ctl, "-m", "fast", "restart"]),
    async [Symbol.asyncDispose]() {
      await pgTool("pg_ctl", [...ctl, "-m", "immediate", "stop"]).catch(() => {});
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Seed `count` independent pending tasks with one `tm import`. */
async function seed(cwd: string, env: Record<string, string>, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `c0${i.toString(16).padStart(6, "0")}`);
  const file = `${cwd}/seed.jsonl`;
  await Deno.writeTextFile(
    file,
    ids.map((id, i) => JSON.stringify({ id, title: `task ${i}` })).join("\n") + "\n",
  );
  const result = await tm(["import", file], { cwd, env });
  assert.equal(result.code, 0, result.stderr);
  return ids;
}

/** A failure must be a retryable exit 4; returns whether `result` was one (false: success). */
function retryable(result: TmResult, what: string): boolean {
  if (result.code === 0) return false;
  assert.equal(result.code, 4, `${what}: ${result.stderr}`);
  const error = JSON.parse(result.stderr.trimEnd().split("\n").at(-1)!).error;
  assert.equal(error.retryable, true, `${what}: ${result.stderr}`);
  return true;
}

interface Log {
  agent: string;
  /** Tasks whose `tm complete` exited 0 (acknowledged). */
  completed: string[];
  retries: number;
  /** Completions refused because the lease had expired and another agent took the task. */
  leasesLost: number;
}

/** Claim → complete until nothing is ready or held; retries every retryable failure. */
async function worker(cwd: string, env: Record<string, string>, agent: string): Promise<Log> {
  const log: Log = { agent, completed: [], retries: 0, leasesLost: 0 };
  const as = { ...env, TM_AGENT_ID: agent };
  for (;;) {
    const claim = await tm(["claim", "--json"], { cwd, env: as });
    if (retryable(claim, `${agent} claim`)) {
      log.retries++;
      continue;
    }
    const task = JSON.parse(claim.stdout).task as { id: string } | null;
    if (task === null) {
      // Nothing ready: done, unless tasks are still held (by killed clients, leases running).
      const open = await tm(["list", "--status", "in_progress", "--json"], { cwd, env: as });
      if (retryable(open, `${agent} list`)) continue;
      if (JSON.parse(open.stdout).tasks.length === 0) return log;
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    for (;;) {
      const done = await tm(["complete", task.id, "--json"], { cwd, env: as });
      // A lease that ran out under load and was taken over: the agent drops the task, as the
      // error tells it to; the taker completes it (checked from the log below).
      if (done.code === 6 && /"code":"lease_lost"/.test(done.stderr)) {
        log.leasesLost++;
        break;
      }
      if (!retryable(done, `${agent} complete ${task.id}`)) {
        log.completed.push(task.id);
        break;
      }
      log.retries++;
    }
  }
}

/** The event log's claims and completions, in order. */
async function history(url: string) {
  const client = await connectPostgres(url, 30_000);
  try {
    const events = await client.query(
      `SELECT task_id, type, agent, data FROM events
       WHERE type IN ('claimed', 'lease_expired', 'completed') ORDER BY id`,
    );
    const open = await client.query(
      "SELECT count(*)::int AS n FROM tasks WHERE status <> 'completed'",
    );
    return {
      events: events.rows as Array<{ task_id: string; type: string; agent: string; data: string }>,
      open: (open.rows[0] as { n: number }).n,
    };
  } finally {
    await client.end();
  }
}

/**
 * Check the log: every task completed exactly once, by the agent that held it; no task held by
 * two agents at once (a second claim only after the first lease was taken over); every
 * acknowledged completion is in the log.
 */
function assertExactlyOnce(
  ids: readonly string[],
  logs: readonly Log[],
  h: Awaited<ReturnType<typeof history>>,
): void {
  assert.equal(h.open, 0, "no task left unfinished");
  const holder = new Map<string, string>();
  const completedBy = new Map<string, string>();
  for (const event of h.events) {
    if (event.type === "claimed") {
      assert.ok(!holder.has(event.task_id), `task ${event.task_id} claimed while held`);
      holder.set(event.task_id, event.agent);
    } else if (event.type === "lease_expired") {
      const former = JSON.parse(event.data).former_holder;
      assert.equal(holder.get(event.task_id), former, `takeover of ${event.task_id}`);
      holder.delete(event.task_id);
    } else {
      assert.ok(!completedBy.has(event.task_id), `task ${event.task_id} completed twice`);
      assert.equal(holder.get(event.task_id), event.agent, `${event.task_id} completed by holder`);
      completedBy.set(event.task_id, event.agent);
      holder.delete(event.task_id);
    }
  }
  assert.deepEqual([...completedBy.keys()].sort(), [...ids].sort(), "every task completed once");
  for (const log of logs) {
    for (const id of log.completed) {
      assert.ok(completedBy.has(id), `acknowledged completion of ${id} by ${log.agent} kept`);
    }
  }
}

Deno.test({
  name: "32 processes claim and complete 400 tasks on PostgreSQL: each exactly once, none lost",
  ignore: TEST_DATABASE_URL === undefined,
  async fn() {
    const schema = await freshPostgresSchema();
    const cwd = await Deno.makeTempDir({ prefix: "tm-pg-claims-" });
    const env = { TM_DATABASE_URL: schema.url, TM_LOCK_TIMEOUT: "120" };
    try {
      assert.equal((await tm(["init"], { cwd, env })).code, 0);
      const ids = await seed(cwd, env, 400);
      const logs = await Promise.all(
        Array.from({ length: 32 }, (_, i) => worker(cwd, env, `agent-${i}`)),
      );
      // Leases of 30 minutes: no claim is ever taken over here.
      assert.equal(logs.reduce((n, log) => n + log.leasesLost, 0), 0);
      assert.equal(logs.reduce((n, log) => n + log.completed.length, 0), 400);
      assertExactlyOnce(ids, logs, await history(schema.url));
    } finally {
      await Deno.remove(cwd, { recursive: true });
      await schema.drop();
    }
  },
});

/** Start `tm ARGS` and SIGKILL it after `ms`, whatever it is doing. */
async function killedMidway(
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
  ms: number,
): Promise<void> {
  const line = tmCommandLine(args);
  const child = new Deno.Command(line.program, {
    args: line.args,
    cwd,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), ms);
  await child.status;
  clearTimeout(timer);
}

Deno.test({
  name:
    "a PostgreSQL restart and SIGKILLed clients lose no acknowledged write and hold no task twice",
  ignore: PG_BIN === undefined,
  async fn() {
    await using cluster = await ownCluster();
    const cwd = await Deno.makeTempDir({ prefix: "tm-pg-chaos-" });
    // Short leases, so tasks held by killed clients come back; retryable failures are retried.
    const env = { TM_DATABASE_URL: cluster.url, TM_LOCK_TIMEOUT: "60", TM_LEASE_TTL: "15s" };
    try {
      assert.equal((await tm(["init"], { cwd, env })).code, 0);
      const ids = await seed(cwd, env, 120);
      const workers = Array.from({ length: 12 }, (_, i) => worker(cwd, env, `agent-${i}`));
      // Clients killed at random points of their run: connecting, in a transaction, after it.
      const killers = (async () => {
        for (let i = 0; i < 24; i++) {
          await killedMidway(
            ["claim", "--json"],
            cwd,
            { ...env, TM_AGENT_ID: `victim-${i}` },
            150 + (i * 37) % 400,
          );
        }
      })();
      // Restart the server once a third of the work is done.
      const restart = (async () => {
        for (;;) {
          const h = await history(cluster.url);
          if (h.events.filter((e) => e.type === "completed").length >= 40) break;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        await cluster.restart();
      })();
      const [logs] = await Promise.all([Promise.all(workers), killers, restart]);
      assert.ok(logs.some((log) => log.retries > 0), "the restart was felt as retryable failures");
      assertExactlyOnce(ids, logs, await history(cluster.url));
    } finally {
      await Deno.remove(cwd, { recursive: true });
    }
  },
});
