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
  args: (run: number) => string[];
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

async function measure(
  scenario: Scenario,
  command: (args: string[]) => string[],
  options: MeasureOptions,
): Promise<Measurement> {
  let run = 0;
  for (let i = 0; i < options.warmup; i++) {
    await runTimed(command(scenario.args(run++)), options.cwd);
  }
  const times: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    times.push(await runTimed(command(scenario.args(run++)), options.cwd));
  }
  let rssKib: number | null = null;
  for (let i = 0; i < options.rssRuns; i++) {
    rssKib = Math.max(rssKib ?? 0, await runRss(command(scenario.args(run++)), options.cwd));
  }
  return {
    name: scenario.name,
    p50: percentile(times, 50),
    p90: percentile(times, 90),
    min: Math.min(...times),
    rssKib,
  };
}

function tmCommand(args: string[]): string[] {
  return [Deno.execPath(), "run", ...PRODUCTION_PERMISSION_FLAGS, MAIN, ...args];
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
    `Deno ${deno}, ${navigator.hardwareConcurrency} CPUs, ${Deno.build.target}; ` +
      `${runs} runs after ${warmup} warm-ups, peak RSS max of ${rssRuns} runs.`,
  );
  say();

  const scratch = await Deno.makeTempDir({ prefix: "tm-bench-" });
  try {
    // The floor: starting Deno at all, with the same flags, on an empty script.
    const empty = `${scratch}/empty.ts`;
    await Deno.writeTextFile(empty, "");
    const floor = await measure(
      { name: "deno run (empty script)", args: () => [] },
      () => [Deno.execPath(), "run", ...PRODUCTION_PERMISSION_FLAGS, empty],
      { cwd: scratch, runs, warmup, rssRuns },
    );

    const rows: Array<{ size: number; m: Measurement }> = [];
    const built: string[] = [];
    for (const size of sizes) {
      const cwd = `${scratch}/p${size}`;
      await Deno.mkdir(cwd);
      await runTimed(tmCommand(["init"]), cwd);
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
      for (const scenario of scenarios(db)) {
        const m = await measure(scenario, tmCommand, { cwd, runs, warmup, rssRuns });
        rows.push({ size, m });
        console.error(`  ${size} ${m.name}: p50 ${ms(m.p50)} ms, RSS ${mib(m.rssKib)} MiB`);
      }
    }

    say("| tasks | command | p50 ms | p90 ms | min ms | peak RSS MiB |");
    say("| ---: | --- | ---: | ---: | ---: | ---: |");
    say(
      `| — | ${floor.name} | ${ms(floor.p50)} | ${ms(floor.p90)} | ${ms(floor.min)} | ${
        mib(floor.rssKib)
      } |`,
    );
    for (const { size, m } of rows) {
      say(
        `| ${size} | ${m.name} | ${ms(m.p50)} | ${ms(m.p90)} | ${ms(m.min)} | ${mib(m.rssKib)} |`,
      );
    }
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
