/**
 * Helpers of the distribution checks: build the package into a temporary directory, run the
 * contract tests (cli_contract_test.ts) against a given tm, time whole processes.
 *
 * @module
 */

import assert from "node:assert/strict";
import { build, type BuildResult } from "../../scripts/build.ts";

/** The repository root. */
export const ROOT = new URL("../../", import.meta.url).pathname;

/** Build the npm package into a fresh temporary directory. */
export async function buildInTemp(): Promise<BuildResult> {
  const dir = await Deno.makeTempDir({ prefix: "tm-build-" });
  return await build(`${dir}/npm`);
}

/** What a finished process printed, and how it exited. */
export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link capture}: `env` adds to this process's environment unless `clearEnv`. */
export interface CaptureOptions {
  cwd?: string;
  env?: Record<string, string>;
  clearEnv?: boolean;
}

/** Run a program to the end (stdin empty) and capture its output. */
export async function capture(
  program: string,
  args: readonly string[],
  options: CaptureOptions = {},
): Promise<Captured> {
  const output = await new Deno.Command(program, {
    args: [...args],
    cwd: options.cwd ?? ROOT,
    ...(options.env ? { env: options.env } : {}),
    ...(options.clearEnv ? { clearEnv: true } : {}),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Run a program to the end; fails with its output unless it exits 0. Returns stdout. */
export async function runOk(
  program: string,
  args: readonly string[],
  options: CaptureOptions = {},
): Promise<string> {
  const result = await capture(program, args, options);
  assert.equal(
    result.code,
    0,
    `${program} ${args.join(" ")} exited ${result.code}\n${result.stdout}\n${result.stderr}`,
  );
  return result.stdout;
}

/** Whether `unshare -n` can take the network away here (root on Linux). */
export async function canDropNetwork(): Promise<boolean> {
  try {
    const output = await new Deno.Command("unshare", { args: ["-n", "true"], stderr: "null" })
      .output();
    return output.success;
  } catch {
    return false;
  }
}

/**
 * Run the contract tests against the tm that `env` names (TM_E2E_TM or TM_E2E_ENTRY), in a
 * network namespace of their own when `offline` is set.
 */
export async function runContractTests(
  env: Record<string, string>,
  offline = false,
): Promise<void> {
  const test = [
    Deno.execPath(),
    "test",
    "--no-check",
    "--no-prompt",
    "--allow-read",
    "--allow-write",
    "--allow-run",
    "--allow-env",
    "--ignore-env=LOG_TOKENS,LOG_STREAM",
    "tests/e2e/cli_contract_test.ts",
  ];
  const [program, ...args] = offline ? ["unshare", "-n", ...test] : test;
  const report = await runOk(program!, args, { env: { NO_COLOR: "1", ...env } });
  assert.match(report, /\| [1-9]\d* passed \| 0 failed/, report);
}

/** Wall time of one whole process, in ms. */
async function timed(argv: readonly string[], cwd: string): Promise<number> {
  const start = performance.now();
  const output = await new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    cwd,
    env: { TM_AGENT_ID: "timer" },
    stdout: "null",
    stderr: "null",
  }).output();
  const ms = performance.now() - start;
  assert.equal(output.code, 0, argv.join(" "));
  return ms;
}

/** The median of the values. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Time two command lines `pairs` times as back-to-back pairs, the order alternating (a b,
 * b a, …) after one warm-up each, and return each pair's ratio a/b with both series. A pair
 * runs within a few tens of ms, so load that comes and goes hits both of its halves alike.
 */
export async function paired(
  a: readonly string[],
  b: readonly string[],
  cwd: string,
  pairs: number,
): Promise<{ ratios: number[]; a: number[]; b: number[] }> {
  await timed(a, cwd);
  await timed(b, cwd);
  const result = { ratios: [] as number[], a: [] as number[], b: [] as number[] };
  for (let i = 0; i < pairs; i++) {
    const first = i % 2 === 0 ? await timed(a, cwd) : await timed(b, cwd);
    const second = i % 2 === 0 ? await timed(b, cwd) : await timed(a, cwd);
    const [ta, tb] = i % 2 === 0 ? [first, second] : [second, first];
    result.a.push(ta);
    result.b.push(tb);
    result.ratios.push(ta / tb);
  }
  return result;
}
