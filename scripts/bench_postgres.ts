// deno-lint-ignore-file no-console -- a developer script: the terminal is its output
/**
 * PostgreSQL beside SQLite, whole processes (docs/performance.md, "PostgreSQL"):
 *
 * - hot commands: p50 wall time (K interleaved runs) and peak RSS (GNU time) of add, list,
 *   show, ready, claim, update and complete, on a project of N tasks in each engine;
 * - claims per second: P processes (8, 16, 32) each claiming and completing until T tasks
 *   are done, on SQLite, on PostgreSQL with the advisory lock (TM_PG_CLAIMS=advisory) and
 *   with SKIP LOCKED (the default).
 *
 * - claims per second of long-lived clients (`inproc`): P connections in one process (as
 *   `tm serve` instances or other long-running agents hold them) running the claim and
 *   complete use cases, so the locking strategy, not process start-up, is what is measured.
 *
 * Needs a server: `bash scripts/test-postgres.sh deno run -A scripts/bench_postgres.ts`.
 * Usage: deno run -A scripts/bench_postgres.ts [hot|claims|inproc|all] [--tasks T=160]
 *   [--n N=1000] [--runs K=15]
 *
 * @module
 */

import { PRODUCTION_PERMISSION_FLAGS } from "../src/cli/permissions.ts";
import { freshPostgresSchema } from "../src/store/_store_engines.ts";
import { claimTask } from "../src/app/claims.ts";
import { completeTask } from "../src/app/complete_task.ts";
import type { AppContext } from "../src/app/context.ts";
import { newTaskRow } from "../src/core/task.ts";
import { openPostgresStore } from "../src/store/postgres.ts";
import { openSqliteStore } from "../src/store/sqlite.ts";
import type { Store } from "../src/store/store.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const part = Deno.args.find((a) => !a.startsWith("--")) ?? "all";
const option = (name: string, fallback: number) => {
  const index = Deno.args.indexOf(`--${name}`);
  return index < 0 ? fallback : Number(Deno.args[index + 1]);
};
const TASKS = option("tasks", 160);
const N = option("n", 1000);
const RUNS = option("runs", 15);

interface Engine {
  name: string;
  env: Record<string, string>;
}

async function tm(cwd: string, env: Record<string, string>, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...PRODUCTION_PERMISSION_FLAGS, MAIN, ...args],
    cwd,
    env: { NO_COLOR: "1", TM_AGENT_ID: "bench", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

async function must(cwd: string, env: Record<string, string>, args: string[]): Promise<string> {
  const result = await tm(cwd, env, args);
  if (result.code !== 0) throw new Error(`tm ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

/** A project of `count` pending tasks (ids c0000000…) on `engine`. */
async function project(engine: Engine, count: number): Promise<string> {
  const cwd = await Deno.makeTempDir({ prefix: "tm-bench-pg-" });
  await must(cwd, engine.env, ["init"]);
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      id: `c${i.toString(16).padStart(7, "0")}`,
      title: `task ${i}`,
      priority: ["low", "medium", "high", "critical"][i % 4],
    }));
  await Deno.writeTextFile(`${cwd}/seed.jsonl`, `${lines.join("\n")}\n`);
  await must(cwd, engine.env, ["import", `${cwd}/seed.jsonl`]);
  return cwd;
}

async function engines(): Promise<{ list: Engine[]; drop: () => Promise<void> }> {
  const schemas = [await freshPostgresSchema(), await freshPostgresSchema()];
  return {
    list: [
      { name: "SQLite", env: {} },
      { name: "PostgreSQL", env: { TM_DATABASE_URL: schemas[0]!.url } },
    ],
    drop: async () => {
      for (const schema of schemas) await schema.drop();
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function peakRssMib(cwd: string, env: Record<string, string>, args: string[]) {
  const report = await Deno.makeTempFile();
  const out = await new Deno.Command("/usr/bin/time", {
    args: [
      "-f",
      "%M",
      "-o",
      report,
      Deno.execPath(),
      "run",
      ...PRODUCTION_PERMISSION_FLAGS,
      MAIN,
      ...args,
    ],
    cwd,
    env: { NO_COLOR: "1", TM_AGENT_ID: "bench", ...env },
    stdout: "null",
    stderr: "null",
  }).output().catch(() => null);
  if (out === null) return NaN;
  return Number((await Deno.readTextFile(report)).trim()) / 1024;
}

async function hot(): Promise<void> {
  const { list, drop } = await engines();
  try {
    const cwds = await Promise.all(list.map((engine) => project(engine, N)));
    let next = 0;
    const id = () => `c${(next++ % N).toString(16).padStart(7, "0")}`;
    const commands: Array<[string, () => string[]]> = [
      ["add", () => ["add", "bench task"]],
      ["list --limit 50", () => ["list", "--limit", "50"]],
      ["show", () => ["show", id()]],
      ["ready --limit 10", () => ["ready", "--limit", "10"]],
      ["claim", () => ["claim"]],
      ["update -d", () => ["update", id(), "-d", "changed"]],
      ["complete", () => ["complete", id()]],
    ];
    const times = new Map<string, number[]>();
    for (let run = 0; run < RUNS + 2; run++) {
      for (const [name, args] of commands) {
        for (let e = 0; e < list.length; e++) {
          const started = performance.now();
          await tm(cwds[e]!, list[e]!.env, args());
          const key = `${list[e]!.name}\t${name}`;
          if (run >= 2) times.set(key, [...(times.get(key) ?? []), performance.now() - started]);
        }
      }
    }
    console.log(
      `| command | SQLite p50 ms | PostgreSQL p50 ms | SQLite peak RSS MiB | PostgreSQL peak RSS MiB |`,
    );
    console.log("| --- | ---: | ---: | ---: | ---: |");
    for (const [name, args] of commands) {
      const rss: number[] = [];
      for (let e = 0; e < list.length; e++) {
        let peak = 0;
        for (let r = 0; r < 3; r++) {
          peak = Math.max(peak, await peakRssMib(cwds[e]!, list[e]!.env, args()));
        }
        rss.push(peak);
      }
      const p50 = list.map((e) => median(times.get(`${e.name}\t${name}`)!).toFixed(1));
      console.log(
        `| ${name} | ${p50[0]} | ${p50[1]} | ${rss[0]!.toFixed(1)} | ${rss[1]!.toFixed(1)} |`,
      );
    }
    for (const cwd of cwds) await Deno.remove(cwd, { recursive: true });
  } finally {
    await drop();
  }
}

/** P processes claim and complete until nothing is ready; returns claims per second. */
async function claimRate(engine: Engine, processes: number): Promise<number> {
  const cwd = await project(engine, TASKS);
  const env = { ...engine.env, TM_LOCK_TIMEOUT: "120" };
  const started = performance.now();
  let claims = 0;
  await Promise.all(Array.from({ length: processes }, async (_, i) => {
    const as = { ...env, TM_AGENT_ID: `agent-${i}` };
    for (;;) {
      const claim = await tm(cwd, as, ["claim", "--json"]);
      if (claim.code !== 0) throw new Error(claim.stderr);
      const task = JSON.parse(claim.stdout).task;
      if (task === null) return;
      claims++;
      const done = await tm(cwd, as, ["complete", task.id]);
      if (done.code !== 0) throw new Error(done.stderr);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  await Deno.remove(cwd, { recursive: true });
  if (claims !== TASKS) throw new Error(`${claims} claims for ${TASKS} tasks`);
  return claims / seconds;
}

async function claimsTable(): Promise<void> {
  console.log(`\n${TASKS} tasks, claim + complete per task, whole processes:\n`);
  console.log(
    "| processes | SQLite claims/s | PostgreSQL advisory claims/s | PostgreSQL SKIP LOCKED claims/s |",
  );
  console.log("| ---: | ---: | ---: | ---: |");
  for (const processes of [8, 16, 32]) {
    const rates: number[] = [];
    for (const strategy of ["sqlite", "advisory", "skip-locked"]) {
      const schema = strategy === "sqlite" ? null : await freshPostgresSchema();
      const engine: Engine = schema === null
        ? { name: "SQLite", env: {} }
        : { name: strategy, env: { TM_DATABASE_URL: schema.url, TM_PG_CLAIMS: strategy } };
      try {
        rates.push(await claimRate(engine, processes));
      } finally {
        await schema?.drop();
      }
    }
    console.log(`| ${processes} | ${rates.map((r) => r.toFixed(1)).join(" | ")} |`);
  }
}

/** P long-lived clients claim and complete until `tasks` are done; claims per second. */
async function inprocRate(open: () => Promise<Store>, processes: number, tasks: number) {
  const stores = await Promise.all(Array.from({ length: processes }, open));
  await stores[0]!.write(async (tx) => {
    for (let i = 0; i < tasks; i++) {
      const id = `d${i.toString(16).padStart(7, "0")}`;
      await tx.tasks.insert(
        newTaskRow({ id, title: id, created_by: "bench", created_at: new Date().toISOString() }),
      );
    }
  });
  const started = performance.now();
  let claims = 0;
  await Promise.all(stores.map(async (store, i) => {
    const ctx: AppContext = {
      store,
      agent: `agent-${i}`,
      location: { dataDir: "/nonexistent", dbPath: ":memory:", source: "override" },
      now: () => new Date(),
      leaseTtlMs: 30 * 60_000,
    };
    for (;;) {
      const { task } = await claimTask(ctx, null);
      if (task === null) return;
      claims++;
      await completeTask(ctx, task.id);
    }
  }));
  const rate = claims / ((performance.now() - started) / 1000);
  for (const store of new Set(stores)) store.close();
  if (claims !== tasks) throw new Error(`${claims} claims for ${tasks} tasks`);
  return rate;
}

async function inprocTable(): Promise<void> {
  const tasks = TASKS * 5;
  console.log(`\n${tasks} tasks, long-lived clients (one connection each), claim + complete:\n`);
  console.log(
    "| clients | SQLite claims/s | PostgreSQL advisory claims/s | PostgreSQL SKIP LOCKED claims/s |",
  );
  console.log("| ---: | ---: | ---: | ---: |");
  for (const clients of [8, 16, 32]) {
    const rates: number[] = [];
    const dir = await Deno.makeTempDir();
    // node:sqlite is synchronous: connections in one thread would wait on each other forever,
    // so the SQLite clients share one connection (its queue serialises them, as the file would).
    const shared = openSqliteStore({ path: `${dir}/tasks.db` });
    rates.push(await inprocRate(() => shared, clients, tasks));
    await Deno.remove(dir, { recursive: true });
    for (const claims of ["advisory", "skip-locked"] as const) {
      const schema = await freshPostgresSchema();
      try {
        rates.push(
          await inprocRate(
            () => openPostgresStore({ url: schema.url, claims, lockTimeoutMs: 120_000 }),
            clients,
            tasks,
          ),
        );
      } finally {
        await schema.drop();
      }
    }
    console.log(`| ${clients} | ${rates.map((r) => r.toFixed(1)).join(" | ")} |`);
  }
}

console.log(
  `load average: ${(await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ")}`,
);
if (part === "hot" || part === "all") await hot();
if (part === "claims" || part === "all") await claimsTable();
if (part === "inproc" || part === "all") await inprocTable();
console.log(
  `load average: ${(await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ")}`,
);
