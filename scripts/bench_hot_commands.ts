// deno-lint-ignore-file no-console -- a developer script: the terminal is its output
/**
 * Whole-process timing of the hot commands (add, list, show, ready, claim, update,
 * complete) against a project of N tasks: each command is run K times and the median wall
 * time is printed. Pass another checkout's main.ts to compare two builds on the same data.
 *
 * Usage: deno run -A scripts/bench_hot_commands.ts [MAIN_TS] [N=5000] [K=15]
 *
 * @module
 */

import { PRODUCTION_PERMISSION_FLAGS } from "../src/cli/permissions.ts";

const given = Deno.args[0];
const main = given === undefined
  ? new URL("../main.ts", import.meta.url).pathname
  : given.startsWith("/")
  ? given
  : `${Deno.cwd()}/${given}`;
const n = Number(Deno.args[1] ?? 5000);
const k = Number(Deno.args[2] ?? 15);

async function tm(cwd: string, args: string[]): Promise<number> {
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...PRODUCTION_PERMISSION_FLAGS, main, ...args],
    cwd,
    env: { TM_AGENT_ID: "bench", NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).output();
  if (out.code !== 0) {
    throw new Error(`tm ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return performance.now() - started;
}

const cwd = await Deno.makeTempDir({ prefix: "tm-bench-" });
await tm(cwd, ["init"]);
const now = new Date().toISOString();
const ids = Array.from({ length: n }, (_, i) => (0x10000000 + i).toString(16));
const lines = ids.map((id, i) =>
  JSON.stringify({
    id,
    title: `task ${i}`,
    description: null,
    status: i % 10 === 9 ? "completed" : "pending",
    priority: ["low", "medium", "high", "critical"][i % 4],
    assignee: null,
    created_by: "bench",
    created_at: now,
    updated_at: now,
    started_at: null,
    completed_at: i % 10 === 9 ? now : null,
    deadline: i % 7 === 0 ? "2030-01-01T00:00:00.000Z" : null,
    estimated_hours: i % 5,
    actual_hours: null,
    claimed_by: null,
    lease_expires_at: null,
    dependencies: i % 10 === 9 ? [ids[i - 1]] : [],
    files: [],
    tags: i % 3 === 0 ? ["bench"] : [],
    criteria: [],
  })
);
await Deno.writeTextFile(`${cwd}/tasks.jsonl`, lines.join("\n") + "\n");
await tm(cwd, ["import", "tasks.jsonl"]);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const pending = ids.filter((_, i) => i % 10 !== 9);
const cases: Array<[string, (i: number) => string[]]> = [
  ["add", (i) => ["add", `new ${i}`, "-p", "high"]],
  ["list --limit 20", () => ["list", "--limit", "20"]],
  ["show", (i) => ["show", pending[i]!]],
  ["ready", () => ["ready"]],
  ["claim ID", (i) => ["claim", pending[100 + i]!]],
  ["update", (i) => ["update", pending[200 + i]!, "--priority", "low"]],
  ["complete", (i) => ["complete", pending[300 + i]!]],
];
console.log(`main: ${main}\ntasks: ${n}, runs per command: ${k}`);
for (const [name, args] of cases) {
  const times: number[] = [];
  for (let i = 0; i < k; i++) times.push(await tm(cwd, args(i)));
  console.log(`${name.padEnd(16)} median ${median(times).toFixed(1)} ms`);
}
await Deno.remove(cwd, { recursive: true });
