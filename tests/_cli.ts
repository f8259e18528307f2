/**
 * The one way end-to-end tests run tm: `deno run <production permission flags> main.ts`
 * as a subprocess, the closest stand-in for the compiled binary, or the build of tm that
 * `TM_E2E_TM` / `TM_E2E_ENTRY` name (tests/_target.ts).
 *
 * @module
 */

import { SOURCE_MAIN, SOURCE_RUN_ARGS, tmCommandLine } from "./_target.ts";

/** Absolute path of the entry point. */
export const MAIN = SOURCE_MAIN;

/**
 * `deno` arguments that run tm as the launcher does: the production permission flags, and
 * `--node-modules-dir=manual`, so that dozens of processes at once never wait on (and print)
 * Deno's `node_modules` lock — a compiled binary has no such lock either.
 */
export const TM_RUN_ARGS: readonly string[] = SOURCE_RUN_ARGS;

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
  const line = tmCommandLine(args);
  const command = new Deno.Command(line.program, {
    args: line.args,
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

/** `tmJson` and `addTask` over one way of running tm (a process here, `run()` in process). */
export function jsonHelpers<O extends TmOptions>(
  runTm: (args: readonly string[], options: O) => Promise<TmResult>,
): {
  tmJson(args: readonly string[], options: O, expect?: number): Promise<Record<string, unknown>>;
  addTask(
    cwd: string,
    title: string,
    extra?: readonly string[],
    env?: Record<string, string>,
  ): Promise<string>;
} {
  /** Run tm with `--json` and parse stdout; fails the test if the exit code is not `expect`. */
  async function tmJson(args: readonly string[], options: O, expect = 0) {
    const result = await runTm([...args, "--json"], options);
    if (result.code !== expect) {
      throw new Error(
        `tm ${args.join(" ")} exited ${result.code}, expected ${expect}\n${result.stderr}`,
      );
    }
    return JSON.parse(result.stdout);
  }
  /** Create a task and return its id. */
  async function addTask(
    cwd: string,
    title: string,
    extra: readonly string[] = [],
    env?: Record<string, string>,
  ): Promise<string> {
    const out = await tmJson(["add", title, ...extra], { cwd, ...(env ? { env } : {}) } as O);
    return (out.task as { id: string }).id;
  }
  return { tmJson, addTask };
}

/** Run tm with `--json` and parse stdout; create a task and return its id. */
export const { tmJson, addTask } = jsonHelpers(tm);

/** A temporary directory that removes itself at the end of its `await using` block. */
export interface TempDir extends AsyncDisposable {
  /** Its absolute path. */
  dir: string;
}

/** A fresh empty temporary directory; `await using` removes it afterwards. */
export async function tempDir(prefix = "tm-test-"): Promise<TempDir> {
  const dir = await Deno.makeTempDir({ prefix });
  return {
    dir,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }).catch(() => {}),
  };
}

/** A fresh temporary project, `tm init` run by a process; `await using` removes it afterwards. */
export async function tempProject(): Promise<TempDir> {
  const project = await tempDir();
  const result = await tm(["init"], { cwd: project.dir });
  if (result.code !== 0) throw new Error(`tm init failed: ${result.stderr}`);
  return project;
}

/** A fresh temporary project directory with `tm init` run in it. */
export async function initProject(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tm-test-" });
  const result = await tm(["init"], { cwd: dir });
  if (result.code !== 0) throw new Error(`tm init failed: ${result.stderr}`);
  return dir;
}

function startChild(args: readonly string[], options: TmOptions): Deno.ChildProcess {
  const line = tmCommandLine(args);
  return new Deno.Command(line.program, {
    args: line.args,
    cwd: options.cwd,
    env: { NO_COLOR: "1", TM_AGENT_ID: "tester", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** A running tm process whose stdout is read line by line (for `watch --follow`). */
export interface TmProcess {
  /** The next full stdout line (without its newline), or null at end of output. */
  nextLine(): Promise<string | null>;
  /** Send a signal to the process. */
  kill(signal: Deno.Signal): void;
  /** Wait for the exit; returns the code and whatever stderr said. */
  finish(): Promise<{ code: number; stderr: string }>;
}

/** Start `tm ARGS…` in the background under the production permission flags. */
export function spawnTm(args: readonly string[], options: TmOptions): TmProcess {
  const child = startChild(args, options);
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const stderr = new Response(child.stderr).text();
  let buffered = "";
  let ended = false;
  return {
    async nextLine() {
      for (;;) {
        const newline = buffered.indexOf("\n");
        if (newline >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          return line;
        }
        if (ended) return null;
        const { value, done } = await reader.read();
        if (done) ended = true;
        else buffered += value;
      }
    },
    kill(signal) {
      child.kill(signal);
    },
    async finish() {
      const status = await child.status;
      while (!ended) {
        const { done } = await reader.read();
        if (done) ended = true;
      }
      return { code: status.code, stderr: await stderr };
    },
  };
}

/** A tm process left running (workers, crash tests): its handle and its collected output. */
export interface RunningTm {
  child: Deno.ChildProcess;
  /** Send a signal (crash tests: `"SIGKILL"`); harmless once the process has ended. */
  kill(signal: Deno.Signal): void;
  /** Resolves when the process has exited: what it printed, and the signal that ended it. */
  done: Promise<TmResult & { signal: Deno.Signal | null }>;
}

/** Start `tm ARGS…` without waiting for it; `done` collects all of its output. */
export function startTm(args: readonly string[], options: TmOptions): RunningTm {
  const child = startChild(args, options);
  const decoder = new TextDecoder();
  const done = child.output().then((output) => ({
    code: output.code,
    signal: output.signal,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  }));
  return {
    child,
    kill(signal) {
      try {
        child.kill(signal);
      } catch (error) {
        if (!(error instanceof TypeError)) throw error; // already exited
      }
    },
    done,
  };
}

/** Poll `check` every 50 ms until it returns a value other than undefined (at most `ms`). */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  ms = 10_000,
): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`condition not met within ${ms} ms`);
}

/** A temporary project whose database is a copy of `fixture` (an older schema, say). */
export async function projectWithDatabase(fixture: string | URL): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tm-test-" });
  await Deno.mkdir(`${dir}/.task-orchestrator/backups`, { recursive: true });
  await Deno.copyFile(fixture, `${dir}/.task-orchestrator/tasks.db`);
  return dir;
}

/**
 * Run `tm ARGS…`, read `lines` stdout lines, then close stdout as `| head -N` does; then run
 * `afterClose` (say, cause another write) and resolve with those lines and how it ended.
 */
export async function tmClosingStdout(
  args: readonly string[],
  options: TmOptions & { lines: number; afterClose?: () => Promise<void> },
): Promise<{ lines: string[]; code: number; stderr: string }> {
  const child = startChild(args, options);
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  while (buffered.split("\n").length <= options.lines) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += value;
  }
  await reader.cancel();
  await options.afterClose?.();
  const status = await child.status;
  return {
    lines: buffered.split("\n").slice(0, options.lines),
    code: status.code,
    stderr: await stderr,
  };
}
