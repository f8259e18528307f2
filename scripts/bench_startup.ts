// deno-lint-ignore-file no-console -- a developer script: the terminal is its output
/**
 * `deno task bench:dist`: start-up of the shipped forms of tm side by side, whole processes,
 * interleaved (every form runs once per round, so load that comes and goes hits all alike):
 *
 * - source: `deno run --config deno.json --node-modules-dir=manual <flags> main.ts` (what
 *   scripts/tm and `deno install -g` run);
 * - bundle: `deno run --no-config <flags> lib/main.js` of `deno task build`'s output;
 * - with `--npm`: the npm package packed and installed into a temporary prefix, its `tm`
 *   launcher next to a direct `deno run` of the installed entry.
 *
 * Prints a Markdown table per command: median, p90 and min wall time, and median CPU time
 * (user + system of the process, when python3 is there to read it; steadier than wall time on
 * a busy machine).
 *
 * Usage: deno task bench:dist [--runs 25] [--npm]
 *
 * @module
 */

import { parseArgs } from "node:util";
import { PRODUCTION_PERMISSION_FLAGS } from "../src/cli/permissions.ts";
import { build } from "./build.ts";
import { packAndInstall } from "./_npm_install.ts";

const ROOT = new URL("..", import.meta.url).pathname;

interface Sample {
  wall: number;
  cpu: number | null;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Runs one command line and prints "<wall s> <child CPU s>": getrusage of the children has
 * microsecond resolution (GNU time's is 10 ms, too coarse for a 20 ms process).
 */
const PYTHON_TIMER = [
  "import resource, subprocess, sys, time",
  "t = time.perf_counter()",
  "code = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL).returncode",
  "wall = time.perf_counter() - t",
  "r = resource.getrusage(resource.RUSAGE_CHILDREN)",
  "print(wall, r.ru_utime + r.ru_stime)",
  "sys.exit(code)",
].join("\n");

async function hasPython(): Promise<boolean> {
  try {
    return (await new Deno.Command("python3", { args: ["-c", "1"] }).output()).success;
  } catch {
    return false;
  }
}

async function runOnce(argv: readonly string[], cwd: string, python: boolean): Promise<Sample> {
  const env = { TM_AGENT_ID: "bench", NO_COLOR: "1" };
  if (!python) {
    const start = performance.now();
    const output = await new Deno.Command(argv[0]!, {
      args: argv.slice(1),
      cwd,
      env,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!output.success) {
      throw new Error(`${argv.join(" ")}: ${new TextDecoder().decode(output.stderr)}`);
    }
    return { wall: performance.now() - start, cpu: null };
  }
  const output = await new Deno.Command("python3", {
    args: ["-c", PYTHON_TIMER, ...argv],
    cwd,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(`${argv.join(" ")}: ${new TextDecoder().decode(output.stderr)}`);
  }
  const [wall, cpu] = new TextDecoder().decode(output.stdout).trim().split(" ").map(Number);
  return { wall: wall! * 1000, cpu: cpu! * 1000 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: { runs: { type: "string", default: "25" }, npm: { type: "boolean", default: false } },
  });
  const runs = Number(values.runs);
  const work = await Deno.makeTempDir({ prefix: "tm-bench-dist-" });
  const built = await build(`${work}/npm`);
  const deno = Deno.execPath();
  const forms: Record<string, string[]> = {
    source: [
      deno,
      "run",
      "--config",
      `${ROOT}deno.json`,
      "--node-modules-dir=manual",
      ...PRODUCTION_PERMISSION_FLAGS,
      `${ROOT}main.ts`,
    ],
    bundle: [deno, "run", "--no-config", ...PRODUCTION_PERMISSION_FLAGS, built.entry],
  };
  if (values.npm) {
    const install = await packAndInstall(built.packageDir, work);
    forms["npm tm"] = [install.tm];
    forms["npm entry, deno run"] = [
      deno,
      "run",
      "--no-config",
      ...PRODUCTION_PERMISSION_FLAGS,
      `${install.packageDir}/lib/main.js`,
    ];
  }
  const project = `${work}/project`;
  await Deno.mkdir(project);
  await runOnce([...forms.source!, "init"], project, false);
  for (let i = 0; i < 50; i++) {
    await runOnce([...forms.source!, "add", `task ${i}`], project, false);
  }
  const commands: string[][] = [["--version"], ["list"], ["ready"], ["add", "bench"], [
    "template",
    "show",
    "feature",
  ]];
  const python = await hasPython();
  const load = Deno.loadavg().map((n) => n.toFixed(2)).join(" ");
  console.log(
    `tm start-up, ${runs} interleaved runs per form after 2 warm-ups; Deno ${Deno.version.deno}; ` +
      `load average at start: ${load}\n`,
  );
  for (const args of commands) {
    const samples: Record<string, Sample[]> = {};
    for (const name of Object.keys(forms)) samples[name] = [];
    for (let round = -2; round < runs; round++) {
      for (const [name, argv] of Object.entries(forms)) {
        const sample = await runOnce([...argv, ...args], project, python);
        if (round >= 0) samples[name]!.push(sample);
      }
    }
    console.log(`\`tm ${args.join(" ")}\`\n`);
    console.log("| form | p50 ms | p90 ms | min ms | CPU p50 ms |");
    console.log("| --- | ---: | ---: | ---: | ---: |");
    for (const [name, list] of Object.entries(samples)) {
      const walls = list.map((s) => s.wall);
      const cpus = list.flatMap((s) => s.cpu === null ? [] : [s.cpu]);
      const cpu = cpus.length === 0 ? "—" : percentile(cpus, 50).toFixed(1);
      console.log(
        `| ${name} | ${percentile(walls, 50).toFixed(1)} | ${percentile(walls, 90).toFixed(1)} | ` +
          `${Math.min(...walls).toFixed(1)} | ${cpu} |`,
      );
    }
    console.log("");
  }
  await Deno.remove(work, { recursive: true });
}

if (import.meta.main) await main();
