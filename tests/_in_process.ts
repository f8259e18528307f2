/**
 * The fast way CLI behaviour tests run tm: `run(argv, io)` in this process with a fake `Io`
 * (stdin text, captured stdout/stderr, an environment map, a TTY flag and a movable clock).
 * No permissions are dropped, so `run` can be called any number of times. What is about
 * processes (permissions, signals, many processes, SIGKILL) stays in tests/e2e/ with
 * tests/_cli.ts.
 *
 * @module
 */

import type { Io } from "../src/cli/io.ts";
import { run } from "../src/cli/run.ts";
import { jsonHelpers, type TempDir, tempDir, type TmResult } from "./_cli.ts";

export { type TempDir, tempDir, type TmResult } from "./_cli.ts";

/** A clock that stands still until a test moves it. */
export class Clock {
  #ms: number;

  /** Start at `start` (now by default). */
  constructor(start: Date = new Date()) {
    this.#ms = start.getTime();
  }

  /** The clock's current time. */
  now(): Date {
    return new Date(this.#ms);
  }

  /** Move the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.#ms += ms;
  }
}

/** Options for {@link tm}. */
export interface TmOptions {
  /** Working directory (the project). */
  cwd: string;
  /** Extra environment; `TM_AGENT_ID` defaults to "tester", `NO_COLOR` to "1". */
  env?: Record<string, string>;
  /** Text for stdin (empty when absent, as a process's `/dev/null`). */
  stdin?: string;
  /** The time tm sees; the real time when absent. */
  clock?: Clock;
  /** Whether stdout is a terminal (false by default, as in a pipe). */
  terminal?: boolean;
}

/** The variables a tm process may read from the parent (see PRODUCTION_PERMISSION_FLAGS). */
const INHERITED = ["USER", "LOGNAME", "USERNAME"];

function environment(extra: Record<string, string> | undefined): Map<string, string> {
  const env = new Map<string, string>();
  for (const name of INHERITED) {
    const value = Deno.env.get(name);
    if (value !== undefined) env.set(name, value);
  }
  for (const [name, value] of Object.entries({ NO_COLOR: "1", TM_AGENT_ID: "tester", ...extra })) {
    env.set(name, value);
  }
  return env;
}

/** A fake `Io` for one call: what it printed is in `out` and `err`. */
export function fakeIo(options: TmOptions): Io & { out: string[]; err: string[] } {
  const env = environment(options.env);
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    env: (name) => env.get(name),
    cwd: () => options.cwd,
    isTerminal: () => options.terminal ?? false,
    now: () => options.clock?.now() ?? new Date(),
    readStdin: () => Promise.resolve(options.stdin ?? ""),
    stdinStream: () => new Blob([options.stdin ?? ""]).stream(),
    // Like a process whose stdin is not a terminal: never asked.
    confirm: () => undefined,
  };
}

/**
 * Which mode `tm()` runs: "local" (the database, directly) or "remote" (through a tm server
 * started by the test; `deno task test:remote`). Tests about what only a local run has (the
 * user-name default identity, TM_DB_PATH) are ignored in remote mode.
 */
export const remoteMode = Deno.env.get("TM_TEST_MODE") === "remote";

/** Run `tm ARGS…` in this process and capture its output and exit code. */
export async function tm(args: readonly string[], options: TmOptions): Promise<TmResult> {
  const io = fakeIo(options);
  if (remoteMode) {
    const { runsRemotely, tmRemote } = await import("./_remote_mode.ts");
    if (runsRemotely(args)) return await tmRemote(args, options, io);
  }
  const code = await run(args, io);
  return { code, stdout: io.out.join(""), stderr: io.err.join("") };
}

/** Run tm in process with `--json` and parse stdout; create a task and return its id. */
export const { tmJson, addTask } = jsonHelpers(tm);

/** A fresh temporary project with `tm init` run in it; `await using` removes it afterwards. */
export async function initProject(): Promise<TempDir> {
  const project = await tempDir();
  const result = await tm(["init"], { cwd: project.dir });
  if (result.code !== 0) throw new Error(`tm init failed: ${result.stderr}`);
  return project;
}

/** A temporary project whose database is a copy of `fixture` (an older schema, say). */
export async function projectWithDatabase(fixture: string | URL): Promise<TempDir> {
  const project = await tempDir();
  await Deno.mkdir(`${project.dir}/.task-orchestrator/backups`, { recursive: true });
  await Deno.copyFile(fixture, `${project.dir}/.task-orchestrator/tasks.db`);
  return project;
}
