// deno-lint-ignore-file no-console -- a developer script: the terminal is its output
/**
 * Whole-process benchmark of the hot commands (`deno task bench:cli`): builds databases of
 * 1k, 10k and 100k tasks (bench/_fixture.ts), then times complete `tm` processes started
 * exactly as the end-to-end tests start them (`deno run <production permission flags>
 * main.ts …`) and prints a Markdown table: median and p90 wall time of N runs after warm-ups,
 * and peak RSS from GNU time (`/usr/bin/time -f %M`) when it is installed. The numbers and
 * the method are in docs/performance.md.
 *
 * Usage: deno task bench:cli [--sizes 1000,10000,100000] [--runs 20] [--warmup 3]
 *                            [--rss-runs 5] [--out FILE] [--keep]
 *
 * @module
 */

import { parseArgs } from "node:util";
import { buildBenchDb } from "../bench/_fixture.ts";
import { PRODUCTION_PERMISSION_FLAGS } from "../src/cli/permissions.ts";
import { DATA_DIR_NAME, DB_FILE_NAME } from "../src/files/data_dir.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const GNU_TIME = "/usr/bin/time";
const AGENT = "bench";

/** One measured command: its name in the table and its argv for the i-th run. */
interface Scenario {
  name: string;
  /** The arguments after `tm` of the n-th run. */
  args: (run: number) => string[];
  /** A whole command line instead of `tm ARGS` (for the floor). */
  argv?: (run: number) => string[];
}

/** Timings (ms) and peak RSS (KiB, null without GNU time) of one scenario. */
interface Measurement {
  name: string;
  p50: number;
  p90: number;
  min: number;
  rssKib: number | null;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

async function hasGnuTime(): Promise<boolean> {
  try {
    const output = await new Deno.Command(GNU_TIME, { args: ["--version"], stdout: "piped" })
      .output();
    return output.success && new TextDecoder().decode(output.stdout).includes("GNU");
  } catch {
    return false;
  }
}

/** Run one process to the end; returns its wall time in ms (and fails loudly on error). */
async function runTimed(argv: readonly string[], cwd: string): Promise<number> {
  const started = performance.now();
  const output = await new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    cwd,
    env: { NO_COLOR: "1", TM_AGENT_ID: AGENT },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const elapsed = performance.now() - started;
  if (!output.success) {
    throw new Error(
      `${argv.slice(-4).join(" ")} exited ${output.code}: ${
        new TextDecoder().decode(output.stderr)
      }`,
    );
  }
  return elapsed;
}

/** Peak RSS in KiB of one run under GNU time. */
async function runRss(argv: readonly string[], cwd: string): Promise<number> {
  const report = await Deno.makeTempFile({ prefix: "tm-bench-rss-" });
  try {
    await runTimed([GNU_TIME, "-f", "%M", "-o", report, ...argv], cwd);
    return Number((await Deno.readTextFile(report)).trim().split("\n").pop());
  } finally {
    await Deno.remove(report);
  }
}

interface MeasureOptions {
  cwd: string;
  runs: number;
  warmup: number;
  rssRuns: number;
}

/**
 * Time every scenario, interleaved run by run (A B C … A B C …), so that a burst of other
 * work on the machine spreads over all commands instead of skewing one.
 */
async function measure(
  list: readonly Scenario[],
  options: MeasureOptions,
): Promise<Measurement[]> {
  const counters = list.map(() => 0);
  const next = (i: number) => tmOrCustom(list[i]!, counters[i]!++);
  for (let w = 0; w < options.warmup; w++) {
    for (let i = 0; i < list.length; i++) await runTimed(next(i), options.cwd);
  }
  const times: number[][] = list.map(() => []);
  for (let r = 0; r < options.runs; r++) {
    for (let i = 0; i < list.length; i++) times[i]!.push(await runTimed(next(i), options.cwd));
  }
  const rss: Array<number | null> = list.map(() => null);
  for (let r = 0; r < options.rssRuns; r++) {
    for (let i = 0; i < list.length; i++) {
      rss[i] = Math.max(rss[i] ?? 0, await runRss(next(i), options.cwd));
    }
  }
  return list.map((scenario, i) => ({
    name: scenario.name,
    p50: percentile(times[i]!, 50),
    p90: percentile(times[i]!, 90),
    min: Math.min(...times[i]!),
    rssKib: rss[i]!,
  }));
}

/** The full argv of a scenario's n-th run: `tm ARGS` unless the scenario gives its own. */
function tmOrCustom(scenario: Scenario, run: number): string[] {
  return scenario.argv?.(run) ??
    [Deno.execPath(), "run", ...PRODUCTION_PERMISSION_FLAGS, MAIN, ...scenario.args(run)];
}

/** The seven hot commands, each run on its own target so that every run does real work. */
function scenarios(db: Awaited<ReturnType<typeof buildBenchDb>>): Scenario[] {
  const { pending, blocked } = db;
  // Complete pending tasks that others wait on (so completion unblocks something); update
  // pending tasks from the other end of the list, so the two do not meet.
  const completable = [...db.pendingWithDependents, ...pending];
  const at = <T>(list: readonly T[], i: number) => list[i % list.length]!;
  return [
    {
      name: "add (2 dependencies)",
      args: (i) => [
        "add",
        `Bench task ${i}`,
        "-p",
        "high",
        "--depends-on",
        at(blocked, i),
        "--depends-on",
        at(pending, i + 7),
      ],
    },
    { name: "list --limit 50", args: () => ["list", "--limit", "50"] },
    { name: "show", args: (i) => ["show", at(blocked, i * 13)] },
    { name: "ready --limit 10", args: () => ["ready", "--limit", "10"] },
    { name: "claim", args: () => ["claim"] },
    {
      name: "update",
      args: (i) => ["update", at(pending, pending.length - 1 - i), "-d", `updated ${i}`],
    },
    { name: "complete", args: (i) => ["complete", at(completable, i)] },
  ];
}

/** The CPU model (Linux), for the report header. Deno reads /proc only with -A: ask `cat`. */
async function cpuModel(): Promise<string> {
  try {
    const output = await new Deno.Command("cat", { args: ["/proc/cpuinfo"], stdout: "piped" })
      .output();
    const info = new TextDecoder().decode(output.stdout);
    return /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? "unknown CPU";
  } catch {
    return "unknown CPU";
  }
}

/** 1, 5 and 15 minute load averages: other work on the machine skews timings. */
function loadAverage(): string {
  try {
    return Deno.loadavg().map((n) => n.toFixed(2)).join(" ");
  } catch {
    return "unknown";
  }
}

function mib(kib: number | null): string {
  return kib === null ? "n/a" : (kib / 1024).toFixed(1);
}

function ms(value: number): string {
  return value.toFixed(1);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      sizes: { type: "string", default: "1000,10000,100000" },
      runs: { type: "string", default: "20" },
      warmup: { type: "string", default: "3" },
      "rss-runs": { type: "string", default: "5" },
      out: { type: "string" },
      keep: { type: "boolean", default: false },
    },
    strict: true,
  });
  const sizes = values.sizes.split(",").map((s) => Number(s.trim()));
  const runs = Number(values.runs);
  const warmup = Number(values.warmup);
  const gnuTime = await hasGnuTime();
  const rssRuns = gnuTime ? Number(values["rss-runs"]) : 0;
  if (!gnuTime) console.error(`${GNU_TIME} (GNU time) not found: peak RSS is not measured`);

  const lines: string[] = [];
  const say = (line = "") => {
    lines.push(line);
    console.log(line);
  };
  const deno = Deno.version.deno;
  say(
    `Deno ${deno}, ${navigator.hardwareConcurrency} CPUs (${await cpuModel()}), ` +
      `${Deno.build.target}; ${runs} runs after ${warmup} warm-ups, peak RSS max of ` +
      `${rssRuns} runs; load average at start ${loadAverage()}.`,
  );
  say();

  const scratch = await Deno.makeTempDir({ prefix: "tm-bench-" });
  try {
    // The floor: starting Deno at all, with the same flags, on an empty script.
    const empty = `${scratch}/empty.ts`;
    await Deno.writeTextFile(empty, "");
    // And tm's own module loading, without a database: `tm --version`.
    const floor = await measure([
      {
        name: "deno run (empty script)",
        args: () => [],
        argv: () => [Deno.execPath(), "run", ...PRODUCTION_PERMISSION_FLAGS, empty],
      },
      { name: "tm --version (no database)", args: () => ["--version"] },
    ], { cwd: scratch, runs, warmup, rssRuns });

    const rows: Array<{ size: number; m: Measurement }> = [];
    const built: string[] = [];
    for (const size of sizes) {
      const cwd = `${scratch}/p${size}`;
      await Deno.mkdir(cwd);
      await runTimed(tmOrCustom({ name: "init", args: () => ["init"] }, 0), cwd);
      const path = `${cwd}/${DATA_DIR_NAME}/${DB_FILE_NAME}`;
      const started = performance.now();
      const db = await buildBenchDb({ path, tasks: size });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const bytes = (await Deno.stat(path)).size;
      built.push(
        `- ${size} tasks, ${db.edges} dependencies (${
          Object.entries(db.counts).map(([s, n]) => `${n} ${s}`).join(", ")
        }); ${(bytes / 2 ** 20).toFixed(1)} MiB; built in ${seconds} s`,
      );
      console.error(built[built.length - 1]);
      for (const m of await measure(scenarios(db), { cwd, runs, warmup, rssRuns })) {
        rows.push({ size, m });
        console.error(`  ${size} ${m.name}: p50 ${ms(m.p50)} ms, RSS ${mib(m.rssKib)} MiB`);
      }
    }

    say("| tasks | command | p50 ms | p90 ms | min ms | peak RSS MiB |");
    say("| ---: | --- | ---: | ---: | ---: | ---: |");
    const row = (tasks: string, m: Measurement) =>
      `| ${tasks} | ${m.name} | ${ms(m.p50)} | ${ms(m.p90)} | ${ms(m.min)} | ${mib(m.rssKib)} |`;
    for (const m of floor) say(row("—", m));
    for (const { size, m } of rows) say(row(String(size), m));
    say();
    say(`Load average at the end: ${loadAverage()}.`);
    say();
    say("Databases:");
    for (const line of built) say(line);
    if (values.keep) console.error(`kept ${scratch}`);
  } finally {
    if (!values.keep) await Deno.remove(scratch, { recursive: true });
  }
  if (values.out !== undefined) await Deno.writeTextFile(values.out, `${lines.join("\n")}\n`);
}

if (import.meta.main) await main();
