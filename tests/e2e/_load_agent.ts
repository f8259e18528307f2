/**
 * One agent of the load test (tests/e2e/load_test.ts), run as its own process: for a given
 * time it runs a random mix of writes through `run()` (each command opens the database as
 * the CLI does) and prints one JSON summary: exit codes, busy errors, latencies and what it
 * was told was written.
 *
 * Usage: deno run -A _load_agent.ts DIR AGENT SECONDS SEED
 *
 * @module
 */

import { run } from "../../src/cli/run.ts";
import type { Io } from "../../src/cli/io.ts";

const [dir, agent, secondsText, seedText] = Deno.args;
const deadline = Date.now() + Number(secondsText) * 1000;
let seed = Number(seedText) || 1;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];

async function tm(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    env: (name) => ({ TM_AGENT_ID: agent, NO_COLOR: "1" } as Record<string, string>)[name],
    cwd: () => dir!,
    isTerminal: () => false,
    now: () => new Date(),
    readStdin: () => Promise.resolve(""),
  };
  const code = await run([...args, "--json"], io);
  return { code, out: out.join(""), err: err.join("") };
}

const summary = {
  agent,
  commands: 0,
  codes: {} as Record<string, number>,
  busy: 0,
  internal: 0,
  latencies: [] as number[],
  added: [] as string[],
  shared: [] as string[],
  completed: [] as string[],
};
const known: string[] = [];
const mine: string[] = [];

async function step(): Promise<void> {
  const roll = random();
  let args: string[];
  if (roll < 0.2 || known.length < 3) {
    const deps = known.length > 5 && random() < 0.5 ? ["--depends-on", pick(known)!] : [];
    args = ["add", `${agent} task ${summary.commands}`, ...deps];
  } else if (roll < 0.4) {
    args = ["claim"];
  } else if (roll < 0.55 && mine.length > 0) {
    args = ["complete", mine.shift()!];
  } else if (roll < 0.65 && mine.length > 0) {
    args = ["update", pick(mine)!, "--priority", pick(["low", "medium", "high"])!];
  } else if (roll < 0.8) {
    args = ["share", pick(known)!, `${agent} says ${summary.commands}`];
  } else if (roll < 0.9) {
    args = ["dep", "add", pick(known)!, pick(known)!];
  } else {
    args = ["dep", "remove", pick(known)!, pick(known)!];
  }
  const started = performance.now();
  const result = await tm(args);
  summary.latencies.push(Math.round((performance.now() - started) * 10) / 10);
  summary.commands++;
  summary.codes[result.code] = (summary.codes[result.code] ?? 0) + 1;
  if (/database is busy/.test(result.err)) summary.busy++;
  if (result.code === 1) summary.internal++;
  if (result.code !== 0) return;
  const data = JSON.parse(result.out);
  if (args[0] === "add") {
    summary.added.push(data.task.id);
    known.push(data.task.id);
  } else if (args[0] === "claim" && data.task !== null) {
    mine.push(data.task.id);
    if (!known.includes(data.task.id)) known.push(data.task.id);
  } else if (args[0] === "complete") {
    summary.completed.push(args[1]!);
  } else if (args[0] === "share") {
    summary.shared.push(args[2]!);
  }
}

// Learn what other agents added, now and then, so dependencies cross agents.
async function refresh(): Promise<void> {
  const result = await tm(["list"]);
  if (result.code !== 0) return;
  for (const task of JSON.parse(result.out).tasks as Array<{ id: string }>) {
    if (!known.includes(task.id)) known.push(task.id);
  }
}

while (Date.now() < deadline) {
  if (summary.commands % 10 === 0) await refresh();
  await step();
}
// deno-lint-ignore no-console -- the summary is this process's output
console.log(JSON.stringify(summary));
