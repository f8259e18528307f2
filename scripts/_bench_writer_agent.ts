// deno-lint-ignore-file no-console -- a developer script: its stdout is the parent's channel
/**
 * One writer of `scripts/bench_writers.ts`, run as its own process. It imports `run()` from
 * the tm tree it is given (so two trees can be compared), runs one `list` to load its
 * modules, prints `ready`, waits for `go` on stdin, then for SECONDS runs `add` and
 * `update --priority` (half each, each command opening the database as the CLI does) and
 * prints one JSON line: latencies (ms), busy errors and other failures.
 *
 * With `processes` after SECONDS each command is instead a whole `tm` process
 * (`deno run <production flags> TREE/main.ts`), as agents run it.
 *
 * Usage: deno run -A scripts/_bench_writer_agent.ts TREE PROJECT AGENT SECONDS [processes]
 *        deno run -A scripts/_bench_writer_agent.ts TREE PROJECT --init
 *
 * @module
 */

import { pathToFileURL } from "node:url";
import type { Io } from "../src/cli/io.ts";

const [tree, project, agent, secondsText, mode] = Deno.args;
if (tree === undefined || project === undefined || agent === undefined) {
  throw new Error("usage: _bench_writer_agent.ts TREE PROJECT AGENT SECONDS [processes] | --init");
}
const { run } = await import(pathToFileURL(`${tree}/src/cli/run.ts`).href) as {
  run: (argv: string[], io: Io) => Promise<number>;
};
const { PRODUCTION_PERMISSION_FLAGS } = await import(
  pathToFileURL(`${tree}/src/cli/permissions.ts`).href
) as { PRODUCTION_PERMISSION_FLAGS: string[] };

/** Run one tm command; its exit code and what it printed. */
function tm(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return mode === "processes" ? tmProcess(args) : tmInProcess(args);
}

/** Run one tm command as its own process, as an agent's shell does. */
async function tmProcess(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--node-modules-dir=manual",
      ...PRODUCTION_PERMISSION_FLAGS,
      `${tree}/main.ts`,
      ...args,
      "--json",
    ],
    cwd: project!,
    env: { TM_AGENT_ID: agent!, NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    out: decoder.decode(output.stdout),
    err: decoder.decode(output.stderr),
  };
}

/** Run one tm command in this process. */
async function tmInProcess(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const env: Record<string, string> = { TM_AGENT_ID: agent!, NO_COLOR: "1" };
  const io: Io = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    env: (name) => env[name],
    cwd: () => project!,
    isTerminal: () => false,
    now: () => new Date(),
    readStdin: () => Promise.resolve(""),
  };
  const code = await run([...args, "--json"], io);
  return { code, out: out.join(""), err: err.join("") };
}

if (agent === "--init") {
  const result = await tm(["init"]);
  if (result.code !== 0) throw new Error(`tm init failed: ${result.err}`);
  Deno.exit(0);
}

await tm(["list"]);
console.log("ready");
const reader = Deno.stdin.readable.pipeThrough(new TextDecoderStream()).getReader();
let heard = "";
while (!heard.includes("go")) {
  const { value, done } = await reader.read();
  if (done) Deno.exit(0);
  heard += value;
}

const deadline = performance.now() + Number(secondsText) * 1000;
const latencies: number[] = [];
const mine: string[] = [];
const priorities = ["low", "medium", "high"];
let busy = 0;
let failed = 0;
let n = 0;
while (performance.now() < deadline) {
  n++;
  const args = mine.length === 0 || n % 2 === 0
    ? ["add", `${agent} task ${n}`]
    : ["update", mine[n % mine.length]!, "--priority", priorities[n % 3]!];
  const started = performance.now();
  const result = await tm(args);
  latencies.push(Math.round((performance.now() - started) * 10) / 10);
  if (/database is busy/.test(result.err)) busy++;
  else if (result.code !== 0) failed++;
  if (result.code === 0 && args[0] === "add") mine.push(JSON.parse(result.out).task.id);
}
console.log(JSON.stringify({ agent, latencies, busy, failed }));
