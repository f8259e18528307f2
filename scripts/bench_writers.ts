// deno-lint-ignore-file no-console -- a developer script: the terminal is its output
/**
 * Contended writes (`deno task bench:writers`): N writer processes
 * (`scripts/_bench_writer_agent.ts`) start together in one fresh project and run `add` and
 * `update` for a few seconds each; the latency of every command (open, write, close, as the
 * CLI does) gives p50/p95, and busy errors are counted. Given two tm trees it measures them in
 * turn (A B, then B A in the next round) at each concurrency level, so load drifting on a
 * shared machine hits both alike, and prints each run and then the median over the rounds.
 * The numbers and the method are in docs/performance.md (§11).
 *
 * `--processes` makes every command a whole `tm` process (start-up included), as agents
 * run it; by default each writer runs its commands in one process, which puts far more
 * pressure on the write lock.
 *
 * Usage: deno task bench:writers [--levels 1,8,32,64] [--seconds 5] [--rounds 3]
 *                                [--processes] [--lock-timeout SECONDS] [TREE ...]
 * A tree is a tm checkout with its node_modules installed (`deno install --frozen`); the
 * default is this one.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { loadavg } from "node:os";

const AGENT = new URL("./_bench_writer_agent.ts", import.meta.url).pathname;
const HERE = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** What one run of one tree at one level measured. */
interface RunResult {
  tree: string;
  level: number;
  commands: number;
  perSecond: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  busy: number;
  failed: number;
  load: number;
}

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    levels: { type: "string", default: "1,8,32,64" },
    seconds: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    "lock-timeout": { type: "string" },
    processes: { type: "boolean", default: false },
  },
});
const levels = values.levels.split(",").map(Number);
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const trees = positionals.length === 0 ? [HERE] : positionals.map((p) => p.replace(/\/$/, ""));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function agentCommand(tree: string, args: string[], piped: boolean): Deno.Command {
  const env: Record<string, string> = {};
  if (values["lock-timeout"] !== undefined) env.TM_LOCK_TIMEOUT = values["lock-timeout"];
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--node-modules-dir=manual",
      "--config",
      `${tree}/deno.json`,
      "-A",
      AGENT,
      tree,
      ...args,
    ],
    cwd: tree,
    env,
    stdin: piped ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  });
}

/** Read a child's stdout up to its first line. */
async function firstLine(reader: ReadableStreamDefaultReader<string>): Promise<string> {
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  return text;
}

async function measure(tree: string, level: number): Promise<RunResult> {
  const project = await Deno.makeTempDir({ prefix: "tm-bench-writers-" });
  try {
    const init = await agentCommand(tree, [project, "--init"], false).output();
    if (init.code !== 0) throw new Error(new TextDecoder().decode(init.stderr));
    const children = Array.from(
      { length: level },
      (_, i) =>
        agentCommand(tree, [
          project,
          `w${i}`,
          String(seconds),
          values.processes ? "processes" : "inprocess",
        ], true).spawn(),
    );
    const readers = children.map((child) =>
      child.stdout.pipeThrough(new TextDecoderStream()).getReader()
    );
    const ready = await Promise.all(readers.map(firstLine));
    if (ready.some((line) => !line.startsWith("ready"))) throw new Error(`not ready: ${ready}`);
    const go = new TextEncoder().encode("go\n");
    await Promise.all(children.map(async (child) => {
      const writer = child.stdin.getWriter();
      await writer.write(go);
      await writer.close();
    }));
    const started = performance.now();
    const summaries = await Promise.all(readers.map(async (reader, i) => {
      let text = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += value;
      }
      const status = await children[i]!.status;
      if (!status.success) {
        const stderr = await new Response(children[i]!.stderr).text();
        throw new Error(`writer ${i} exited ${status.code}: ${stderr}`);
      }
      return JSON.parse(text) as { latencies: number[]; busy: number; failed: number };
    }));
    const elapsed = (performance.now() - started) / 1000;
    const all = summaries.flatMap((s) => s.latencies).sort((a, b) => a - b);
    return {
      tree,
      level,
      commands: all.length,
      perSecond: Math.round(all.length / elapsed),
      mean: Math.round(all.reduce((n, l) => n + l, 0) / Math.max(1, all.length)),
      p50: percentile(all, 0.5),
      p95: percentile(all, 0.95),
      p99: percentile(all, 0.99),
      max: all.at(-1) ?? 0,
      busy: summaries.reduce((n, s) => n + s.busy, 0),
      failed: summaries.reduce((n, s) => n + s.failed, 0),
      load: loadavg()[0]!,
    };
  } finally {
    await Deno.remove(project, { recursive: true });
  }
}

function row(cells: Array<string | number>): string {
  return `| ${cells.map(String).join(" | ")} |`;
}

const results: RunResult[] = [];
const FIGURES = ["commands/s", "mean ms", "p50 ms", "p95 ms", "p99 ms", "max ms"];
const figures = (r: RunResult) => [r.perSecond, r.mean, r.p50, r.p95, r.p99, r.max];

console.log(row(["round", "tree", "processes", ...FIGURES, "busy", "failed", "load"]));
for (let round = 0; round < rounds; round++) {
  for (const level of levels) {
    const order = round % 2 === 0 ? trees : [...trees].reverse();
    for (const tree of order) {
      const result = await measure(tree, level);
      results.push(result);
      console.log(row([
        round + 1,
        tree,
        level,
        ...figures(result),
        result.busy,
        result.failed,
        result.load.toFixed(1),
      ]));
    }
  }
}

console.log(`\nMedians over ${rounds} rounds of ${seconds} s (busy: the sum):\n`);
console.log(row(["processes", "tree", ...FIGURES, "busy", "load"]));
console.log(row(["--:", "--", ...FIGURES.map(() => "--:"), "--:", "--:"]));
for (const level of levels) {
  for (const tree of trees) {
    const mine = results.filter((r) => r.tree === tree && r.level === level);
    const columns = FIGURES.map((_, i) => median(mine.map((r) => figures(r)[i]!)));
    console.log(row([
      level,
      tree,
      ...columns,
      mine.reduce((n, r) => n + r.busy, 0),
      median(mine.map((r) => r.load)).toFixed(1),
    ]));
  }
}
