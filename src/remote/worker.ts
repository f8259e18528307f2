/**
 * `tm worker --exec CMD` in remote mode: the commands run here, on the agent's machine; the
 * claims, heartbeats, completions and releases go to the server as the same `tm` command lines
 * an agent would type (`claim --json`, `heartbeat ID`, `complete ID`, `release ID`). Events are
 * printed as the local worker prints them, and the command's output goes to the task's progress
 * log as the local worker writes it (the same head, tail and marker lines: {@link WorkerOutput},
 * sent in batches as `progress ID --worker-lines`), and failed runs and giving up leave the
 * local worker's records (`progress ID --run-failed`, `progress ID --gave-up`).
 *
 * @module
 */

import { parseDuration } from "../core/duration.ts";
import { TmError, usageError } from "../core/errors.ts";
import type { Io } from "../cli/io.ts";
import { inertEscapes } from "../cli/safe_text.ts";
import { emptySummary, type WorkerEvent, type WorkerSummary } from "../app/worker_types.ts";
import { FLUSH_EVERY_MS, giveUpReason, WorkerOutput } from "../app/worker_output.ts";
import { eventPrinter } from "../cli/cmd_worker.ts";
import { shellExecutor } from "../cli/worker_exec.ts";
import { ExitWith, requestRun, unavailable } from "./http.ts";
import type { RemoteTarget } from "./target.ts";

interface RemoteWorkerOptions {
  exec: string;
  capabilities: string[];
  concurrency: number;
  drain: boolean;
  maxRetries: number;
  backoffMs: number;
  ttl: string | undefined;
  ttlMs: number;
  pollMs: number;
  graceMs: number;
  json: boolean;
}

const VALUE_OPTIONS = new Set([
  "--exec",
  "--capability",
  "--concurrency",
  "--max-retries",
  "--backoff",
  "--ttl",
  "--poll",
  "--grace",
]);

function whole(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min) {
    throw usageError(`invalid --${name} "${value}": expected a whole number >= ${min}`);
  }
  return Number(value);
}

function parseOptions(argv: readonly string[]): RemoteWorkerOptions {
  const values = new Map<string, string[]>();
  let json = false, drain = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith("--") && arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    if (name === "--json") json = true;
    else if (name === "--drain") drain = true;
    else if (VALUE_OPTIONS.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw usageError(`option ${name} needs a value`);
      values.set(name, [...values.get(name) ?? [], value]);
    } else if (arg !== "worker") {
      throw usageError(`worker: unexpected argument "${arg.slice(0, 80)}" in remote mode`);
    }
  }
  const one = (name: string) => values.get(name)?.at(-1);
  const exec = one("--exec");
  if (exec === undefined || exec.trim() === "") {
    throw usageError("worker: --exec CMD is required", "e.g. tm worker --exec ./run-task.sh");
  }
  const ttl = one("--ttl");
  const ttlMs = ttl === undefined ? 30 * 60_000 : parseDuration(ttl, "--ttl");
  return {
    exec,
    capabilities: (values.get("--capability") ?? []).flatMap((c) => c.split(",")).filter(Boolean),
    concurrency: whole(one("--concurrency"), "concurrency", 1, 1),
    drain,
    maxRetries: whole(one("--max-retries"), "max-retries", 2, 0),
    backoffMs: one("--backoff") === undefined
      ? 5000
      : parseDuration(one("--backoff")!, "--backoff"),
    ttl,
    ttlMs: Math.max(ttlMs, 1000),
    pollMs: Math.max(
      one("--poll") === undefined ? 2000 : parseDuration(one("--poll")!, "--poll"),
      10,
    ),
    graceMs: one("--grace") === undefined ? 30_000 : parseDuration(one("--grace")!, "--grace"),
    json,
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Run `worker --exec` against the server; returns the exit code. */
export async function workRemote(
  argv: readonly string[],
  io: Io,
  target: RemoteTarget,
): Promise<number> {
  const options = parseOptions(argv);
  const print = eventPrinter(io, options.json);
  const summary: WorkerSummary = emptySummary();
  const emit = (event: Omit<WorkerEvent, "at">) =>
    print({ ...event, at: new Date().toISOString() });
  /** One command line on the server; exit 4 is retried until the worker stops. */
  const call = async (args: string[], stop?: AbortSignal, stdin?: string) => {
    // One key for every attempt of this call (a write whose reply was lost is applied once),
    // never the user's TM_REQUEST_ID, which names one command, not each of a worker's calls.
    const requestId = crypto.randomUUID();
    for (;;) {
      try {
        return await requestRun(target, {
          argv: args,
          requestId,
          ...(stdin === undefined ? {} : { stdin }),
          files: [],
          outputs: [],
        }, io);
      } catch (error) {
        if (!(error instanceof TmError) || error.exitCode !== 4 || stop?.aborted) throw error;
        io.stderr(`tm: worker: ${inertEscapes(error.message)}; retrying\n`);
        await sleep(1000, stop ?? new AbortController().signal);
      }
    }
  };
  const stop = new AbortController();
  const kill = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) return kill.abort();
    emit({ event: "stopping" });
    stop.abort();
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  io.stdoutClosed?.addEventListener("abort", onSignal, { once: true });
  const executor = shellExecutor(options.exec);
  let busy = 0;
  const ttlArgs = options.ttl === undefined ? [] : ["--ttl", options.ttl];
  const capabilityArgs = options.capabilities.flatMap((c) => ["--capability", c]);

  /** A record the server refused is said on stderr; the worker goes on. */
  const report = async (reply: Promise<{ exit_code: number; stderr: string }>) => {
    const { exit_code, stderr } = await reply;
    if (exit_code !== 0) io.stderr(inertEscapes(stderr));
  };

  async function runTask(task: Record<string, unknown>): Promise<void> {
    const id = String(task.id);
    for (let attempt = 1;; attempt++) {
      let leaseLost = false;
      const output = new WorkerOutput();
      // Batches go out one after the other, in order; a lost lease ends the command.
      let flushing: Promise<void> = Promise.resolve();
      const flush = () => {
        for (const batch of batches(output.take())) {
          flushing = flushing.then(async () => {
            if (leaseLost) return;
            const reply = await call(["progress", id, "--worker-lines"], stop.signal, batch)
              .catch((error: Error) => ({ exit_code: -1, stderr: `tm: ${error.message}\n` }));
            if (reply.exit_code === 6) {
              leaseLost = true;
              running.kill("SIGTERM");
            } else if (reply.exit_code !== 0) io.stderr(inertEscapes(reply.stderr));
          });
        }
        return flushing;
      };
      const running = executor({
        task: task as never,
        attempt,
        env: {
          TM_TASK_ID: id,
          TM_TASK_TITLE: String(task.title ?? ""),
          TM_TASK_PRIORITY: String(task.priority ?? ""),
          TM_TASK_ATTEMPT: String(attempt),
          TM_URL: target.url,
          TM_TOKEN: target.token,
        },
      }, (line) => emit({ event: "output", task_id: id, line: output.add(line) }));
      const flusher = setInterval(flush, FLUSH_EVERY_MS);
      // A heartbeat still retrying when the command ends is pointless: it stops with the task.
      const beating = new AbortController();
      const beat = setInterval(async () => {
        const reply = await call(["heartbeat", id, ...ttlArgs], beating.signal)
          .catch(() => undefined);
        if (reply?.exit_code === 6) {
          leaseLost = true;
          running.kill("SIGTERM");
        }
      }, Math.max(options.ttlMs / 3, 500));
      const onKill = () => running.kill("SIGKILL");
      kill.signal.addEventListener("abort", onKill, { once: true });
      let graceTimer: ReturnType<typeof setTimeout> | undefined;
      // Stopping: the command gets --grace to finish, then SIGTERM (a second signal: SIGKILL).
      const onStop = () => graceTimer = setTimeout(() => running.kill("SIGTERM"), options.graceMs);
      stop.signal.addEventListener("abort", onStop, { once: true });
      const code = await running.exited;
      clearInterval(flusher);
      output.end();
      await flush();
      clearInterval(beat);
      beating.abort();
      clearTimeout(graceTimer);
      kill.signal.removeEventListener("abort", onKill);
      stop.signal.removeEventListener("abort", onStop);
      if (leaseLost) {
        summary.lease_lost++;
        emit({ event: "lease_lost", task_id: id });
        return;
      }
      if (code === 0) {
        const done = await call(["complete", id]);
        if (done.exit_code === 0) {
          summary.completed++;
          emit({ event: "completed", task_id: id });
        } else {
          io.stderr(inertEscapes(done.stderr));
        }
        return;
      }
      summary.failed_runs++;
      emit({ event: "failed", task_id: id, attempt, exit_code: code });
      if (stop.signal.aborted) break; // stopped: released, no failure recorded
      // The local worker's records: a run_failed event per failed run, then the give-up
      // (blocked so it is not offered again, no longer held, participants told).
      const tail = [...output.tail];
      await report(
        call(["progress", id, "--run-failed", `${attempt}:${code}`], undefined, lines(tail)),
      );
      if (attempt > options.maxRetries) {
        const reason = giveUpReason(attempt, code, tail);
        await report(call(["progress", id, "--gave-up", reason]));
        summary.gave_up++;
        emit({ event: "gave_up", task_id: id, reason });
        return;
      }
      const delay = options.backoffMs * 2 ** (attempt - 1);
      emit({ event: "retry", task_id: id, attempt: attempt + 1, delay_ms: delay });
      await sleep(delay, stop.signal);
      if (stop.signal.aborted) break;
    }
    await call(["release", id]);
    summary.released++;
    emit({ event: "released", task_id: id });
  }

  async function slot(): Promise<void> {
    while (!stop.signal.aborted) {
      const reply = await call(["claim", "--json", ...ttlArgs, ...capabilityArgs], stop.signal)
        .catch((error) => {
          if (stop.signal.aborted) return undefined;
          throw error;
        });
      if (reply === undefined) return;
      if (reply.exit_code !== 0) {
        io.stderr(inertEscapes(reply.stderr));
        throw new ExitWith(reply.exit_code);
      }
      let task: Record<string, unknown> | null;
      try {
        task = (JSON.parse(reply.stdout) as { task: Record<string, unknown> | null }).task;
        if (task !== null && typeof task?.id !== "string") throw new Error("no task id");
      } catch {
        throw unavailable(target, "not a tm server reply");
      }
      if (task === null) {
        if (options.drain && busy === 0) return;
        await sleep(options.pollMs, stop.signal);
        continue;
      }
      busy++;
      summary.running = busy;
      emit({ event: "claimed", task_id: String(task.id), title: String(task.title ?? "") });
      try {
        await runTask(task);
      } finally {
        busy--;
        summary.running = busy;
      }
    }
  }

  try {
    emit({ event: "started", capabilities: options.capabilities });
    await Promise.all(Array.from({ length: options.concurrency }, () => slot()));
    emit({ event: "stopped", summary: { ...summary, running: 0 } });
    return 0;
  } catch (error) {
    stop.abort();
    if (error instanceof ExitWith) return error.code;
    throw error;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
    io.stdoutClosed?.removeEventListener("abort", onSignal);
  }
}

/** Lines as a stdin text (nothing for none). */
function lines(list: readonly string[]): string {
  return list.map((line) => `${line}\n`).join("");
}

/** Output lines as `progress --worker-lines` stdin texts, each well under the server's body cap. */
function batches(lines: readonly string[], maxChars = 256 * 1024): string[] {
  const texts: string[] = [];
  let current = "";
  for (const line of lines) {
    if (current !== "" && current.length + line.length + 1 > maxChars) {
      texts.push(current);
      current = "";
    }
    current += `${line}\n`;
  }
  if (current !== "") texts.push(current);
  return texts;
}
