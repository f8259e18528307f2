/**
 * The one way end-to-end tests run tm: `deno run <production permission flags> main.ts`
 * as a subprocess, the closest stand-in for the compiled binary.
 *
 * @module
 */

import { PRODUCTION_PERMISSION_FLAGS } from "../src/cli/permissions.ts";

/** Absolute path of the entry point. */
export const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** The captured result of one tm process. */
export interface TmResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for {@link tm}. */
export interface TmOptions {
  /** Working directory (the project). */
  cwd: string;
  /** Extra environment; `TM_AGENT_ID` defaults to "tester". */
  env?: Record<string, string>;
  /** Text for stdin. */
  stdin?: string;
}

/** Run `tm ARGS…` under the production permission flags and capture its output. */
export async function tm(args: readonly string[], options: TmOptions): Promise<TmResult> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", ...PRODUCTION_PERMISSION_FLAGS, MAIN, ...args],
    cwd: options.cwd,
    env: { NO_COLOR: "1", TM_AGENT_ID: "tester", ...options.env },
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = command.spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const output = await child.output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Run tm with `--json` and parse stdout; fails the test if the exit code is not `expect`. */
export async function tmJson(
  args: readonly string[],
  options: TmOptions,
  expect = 0,
): Promise<Record<string, unknown>> {
  const result = await tm([...args, "--json"], options);
  if (result.code !== expect) {
    throw new Error(
      `tm ${args.join(" ")} exited ${result.code}, expected ${expect}\n${result.stderr}`,
    );
  }
  return JSON.parse(result.stdout);
}

/** A fresh temporary project directory with `tm init` run in it. */
export async function initProject(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tm-test-" });
  const result = await tm(["init"], { cwd: dir });
  if (result.code !== 0) throw new Error(`tm init failed: ${result.stderr}`);
  return dir;
}

/** Create a task and return its id. */
export async function addTask(
  cwd: string,
  title: string,
  extra: readonly string[] = [],
  env?: Record<string, string>,
): Promise<string> {
  const out = await tmJson(["add", title, ...extra], { cwd, ...(env ? { env } : {}) });
  return (out.task as { id: string }).id;
}

/** A tm process started by {@link startTm}. */
export interface TmProcess {
  /** Send a signal (for crash tests: `"SIGKILL"`); harmless once the process has ended. */
  kill(signal: Deno.Signal): void;
  /** Its output and how it ended (`signal` is set when a signal ended it). */
  result: Promise<TmResult & { signal: Deno.Signal | null }>;
}

/** Start `tm ARGS…` like {@link tm} without waiting for it, so a test can kill it. */
export function startTm(args: readonly string[], options: TmOptions): TmProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...PRODUCTION_PERMISSION_FLAGS, MAIN, ...args],
    cwd: options.cwd,
    env: { NO_COLOR: "1", TM_AGENT_ID: "tester", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const decoder = new TextDecoder();
  return {
    kill(signal) {
      try {
        child.kill(signal);
      } catch (error) {
        if (!(error instanceof TypeError)) throw error; // already exited
      }
    },
    result: child.output().then((output) => ({
      code: output.code,
      signal: output.signal,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    })),
  };
}
