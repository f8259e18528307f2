/**
 * The worker loop (`tm worker --exec`): claim matching ready work, run it, stream its output
 * to the progress log, heartbeat while it runs, complete or retry with backoff, give up after
 * the last retry, and stop cleanly. Running the command is injected ({@link Executor}) so
 * this layer starts no process itself and tests can drive it.
 *
 * Every state change is its own short write transaction (claim, heartbeat, progress batch,
 * failure, complete, release); none is held while the command runs.
 *
 * @module
 */

import { TmError } from "../core/errors.ts";
import type { Task } from "../core/task.ts";
import { routingCapabilities } from "./agents.ts";
import { claimTask, heartbeat, releaseTask } from "./claims.ts";
import { completeTask } from "./complete_task.ts";
import type { AppContext } from "./context.ts";
import { recordProgress } from "./progress_log.ts";
import { showTask, type TaskDetail } from "./show_task.ts";
import { giveUpTask, recordRunFailure } from "./worker_records.ts";

/** Options of `tm worker`. */
export interface WorkerOptions {
  /** Narrow the agent's registered capabilities to these (empty: all of them). */
  capabilities: readonly string[];
  concurrency: number;
  /** Exit once no matching work is ready, held, or waiting on held work. */
  drain: boolean;
  /** Failed runs retried before the task is given up (blocked). */
  maxRetries: number;
  /** Lease length; heartbeats every third of it. */
  ttlMs: number;
  /** First retry delay; doubles with each retry. */
  backoffMs: number;
  /** How long an idle worker waits before looking for work again. */
  pollMs: number;
  /** How long running commands may take to finish after a stop request. */
  graceMs: number;
}

/** A running command. */
export interface RunningCommand {
  /** Resolves with the exit code (128 + signal number when killed by a signal). */
  exited: Promise<number>;
  kill(signal: "SIGTERM" | "SIGKILL"): void;
}

/** Starts the command for one task; `onLine` receives each output line. */
export type Executor = (
  job: { task: TaskDetail; attempt: number; env: Record<string, string> },
  onLine: (line: string) => void,
) => RunningCommand;

/** One thing a worker did, for the progress line and JSON Lines output. */
export interface WorkerEvent {
  event:
    | "started"
    | "claimed"
    | "output"
    | "completed"
    | "failed"
    | "retry"
    | "gave_up"
    | "released"
    | "lease_lost"
    | "stopping"
    | "stopped";
  task_id?: string;
  title?: string;
  /** (started) the capabilities the worker is routed by. */
  capabilities?: string[];
  attempt?: number;
  exit_code?: number;
  delay_ms?: number;
  line?: string;
  reason?: string;
  at: string;
  summary?: WorkerSummary;
}

/** Totals of one worker run. */
export interface WorkerSummary {
  completed: number;
  failed_runs: number;
  gave_up: number;
  released: number;
  lease_lost: number;
  running: number;
}

/** What the loop needs from the outside world. */
export interface WorkerHooks {
  exec: Executor;
  emit(event: WorkerEvent): void;
  /** Aborted on the first stop request (SIGINT/SIGTERM). */
  stop: AbortSignal;
  /** Aborted on a second stop request: kill running commands at once. */
  kill?: AbortSignal;
}

/** Resolves after `ms`, or early when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

function isLeaseLoss(error: unknown): boolean {
  return error instanceof TmError && (error.code === "lease_lost" || error.code === "conflict");
}

/** Retry a store call that failed only because the database was busy. */
async function retryBusy<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0;; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof TmError && error.code === "busy") || attempt >= 5) throw error;
      await sleep(50 * 2 ** attempt, new AbortController().signal);
    }
  }
}

/**
 * Run the worker loop until stopped (or, with `drain`, until no matching work is left).
 * Resolves with the totals; never leaves a task it holds claimed when it returns.
 */
export async function runWorker(
  ctx: AppContext,
  options: WorkerOptions,
  hooks: WorkerHooks,
): Promise<WorkerSummary> {
  const summary: WorkerSummary = {
    completed: 0,
    failed_runs: 0,
    gave_up: 0,
    released: 0,
    lease_lost: 0,
    running: 0,
  };
  const at = () => ctx.now().toISOString();
  const emit = (event: Omit<WorkerEvent, "at">) => hooks.emit({ ...event, at: at() });
  // A bug in one slot stops the others cleanly too, so nothing stays held by a dead worker.
  const halt = new AbortController();
  const stop = AbortSignal.any([hooks.stop, halt.signal]);
  const kill = hooks.kill ?? new AbortController().signal;
  const finished = new AbortController();
  const idle = AbortSignal.any([stop, finished.signal]);
  const capabilities = await ctx.store.read((tx) =>
    routingCapabilities(tx, ctx.agent, options.capabilities)
  );
  let busy = 0;
  emit({ event: "started", capabilities });

  async function runTask(task: Task): Promise<void> {
    const id = task.id;
    let lost = false;
    // Completed or given up: the claim is already gone, nothing to release.
    let settled = false;
    let child: RunningCommand | undefined;
    let pending: string[] = [];
    let tail: string[] = [];
    // Progress writes are chained so lines stay in order; the chain never rejects (the
    // interval below does not await it), a failure is kept and rethrown by the main path.
    let flushing: Promise<void> = Promise.resolve();
    let progressError: unknown = undefined;
    const flush = () => {
      if (pending.length === 0 || lost) return flushing;
      const lines = pending;
      pending = [];
      flushing = flushing.then(() => retryBusy(() => recordProgress(ctx, id, lines))).catch(
        (error) => {
          if (isLeaseLoss(error)) markLost();
          else progressError ??= error;
        },
      );
      return flushing;
    };
    const markLost = () => {
      if (lost) return;
      lost = true;
      summary.lease_lost++;
      emit({ event: "lease_lost", task_id: id, title: task.title });
      child?.kill("SIGKILL");
    };
    const beat = setInterval(() => {
      heartbeat(ctx, id, { ttlMs: options.ttlMs }).catch((error) => {
        if (isLeaseLoss(error)) markLost();
      });
    }, Math.max(100, Math.floor(options.ttlMs / 3)));
    const flusher = setInterval(() => void flush(), 250);
    // Once asked to stop, running commands get `graceMs`, then SIGTERM, then SIGKILL.
    const escalation: Array<ReturnType<typeof setTimeout>> = [];
    const onStop = () => {
      escalation.push(setTimeout(() => child?.kill("SIGTERM"), options.graceMs));
      escalation.push(setTimeout(() => child?.kill("SIGKILL"), options.graceMs + 2000));
    };
    const onKill = () => child?.kill("SIGKILL");
    stop.addEventListener("abort", onStop, { once: true });
    kill.addEventListener("abort", onKill, { once: true });
    try {
      await attempts();
    } catch (error) {
      if (!(error instanceof TmError)) throw error;
      if (isLeaseLoss(error)) markLost();
      // Refused by the rules (say a dependency was added meanwhile): report, release below.
      else emit({ event: "failed", task_id: id, title: task.title, reason: error.message });
    } finally {
      clearInterval(beat);
      clearInterval(flusher);
      escalation.forEach(clearTimeout);
      stop.removeEventListener("abort", onStop);
      kill.removeEventListener("abort", onKill);
      await flush();
      if (!lost && !settled) await releaseIfHeld(task);
    }

    async function attempts(): Promise<void> {
      const detail = await retryBusy(() => showTask(ctx, id));
      for (let attempt = 1;; attempt++) {
        if (stop.aborted) return; // claimed just as the stop came: give it back unrun
        tail = [];
        child = hooks.exec({
          task: detail,
          attempt,
          env: {
            TM_TASK_ID: id,
            TM_TASK_TITLE: task.title,
            TM_TASK_PRIORITY: task.priority,
            TM_TASK_ATTEMPT: String(attempt),
            TM_AGENT_ID: ctx.agent,
            TM_DB_PATH: ctx.location.dbPath,
          },
        }, (line) => {
          pending.push(line);
          tail = [...tail.slice(-4), line];
          emit({ event: "output", task_id: id, line });
        });
        const code = await child.exited;
        child = undefined;
        await flush();
        if (progressError !== undefined) throw progressError;
        if (lost) return;
        if (code === 0) {
          await retryBusy(() => completeTask(ctx, id));
          settled = true;
          summary.completed++;
          emit({ event: "completed", task_id: id, title: task.title, attempt });
          return;
        }
        // A command killed by a signal (say, a kill of the whole session) may exit just before
        // our own stop request is delivered, so give that a moment.
        if (code > 128 && !stop.aborted) await sleep(100, stop);
        if (stop.aborted) return; // interrupted by the stop: released below, not a failure
        summary.failed_runs++;
        emit({ event: "failed", task_id: id, title: task.title, attempt, exit_code: code });
        await retryBusy(() => recordRunFailure(ctx, id, { attempt, exit_code: code, tail }));
        if (attempt > options.maxRetries) {
          const reason = `command failed ${attempt} time${
            attempt === 1 ? "" : "s"
          } (last exit code ${code})${tail.length > 0 ? `: ${tail[tail.length - 1]}` : ""}`;
          await retryBusy(() => giveUpTask(ctx, id, reason));
          settled = true;
          summary.gave_up++;
          emit({ event: "gave_up", task_id: id, title: task.title, attempt, reason });
          return;
        }
        // The lease is kept (and heartbeated) through the backoff, so that the retry really
        // waits instead of a peer re-running the task at once.
        const delay = options.backoffMs * 2 ** (attempt - 1);
        emit({ event: "retry", task_id: id, attempt: attempt + 1, delay_ms: delay });
        await sleep(delay, stop);
        if (stop.aborted || lost) return;
      }
    }
  }

  async function releaseIfHeld(task: Task): Promise<void> {
    try {
      await retryBusy(() => releaseTask(ctx, task.id));
      summary.released++;
      emit({ event: "released", task_id: task.id, title: task.title });
    } catch (error) {
      // Completed, given up or taken over: nothing of ours to give back.
      if (!(error instanceof TmError)) throw error;
    }
  }

  async function slot(): Promise<void> {
    while (!stop.aborted && !finished.signal.aborted) {
      busy++;
      let task: Task | null = null;
      try {
        // The flag values, not the narrowed set: an empty set would mean "no narrowing".
        const claim = { ttlMs: options.ttlMs, capabilities: options.capabilities };
        task = (await claimTask(ctx, null, claim)).task;
      } catch (error) {
        if (!(error instanceof TmError && (error.code === "busy" || error.code === "conflict"))) {
          throw error;
        }
      }
      if (task !== null) {
        summary.running++;
        emit({ event: "claimed", task_id: task.id, title: task.title });
        try {
          await runTask(task);
        } finally {
          summary.running--;
          busy--;
        }
        continue;
      }
      busy--;
      if (options.drain && busy === 0) {
        const outstanding = await ctx.store.read((tx) =>
          tx.agents.hasOutstandingWork(capabilities)
        );
        if (!outstanding && busy === 0) {
          finished.abort();
          break;
        }
      }
      await sleep(options.pollMs, idle);
    }
  }

  stop.addEventListener("abort", () => emit({ event: "stopping" }), { once: true });
  const slots = Array.from({ length: options.concurrency }, () =>
    slot().catch((error) => {
      halt.abort();
      throw error;
    }));
  const outcomes = await Promise.allSettled(slots);
  emit({ event: "stopped", summary: { ...summary } });
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
  if (failure !== undefined) throw failure.reason;
  return summary;
}
