/**
 * One task's run by a worker, in named phases: claim it, start the command, stream its
 * output to the progress log, heartbeat while it runs, settle each exit (complete, or record
 * the failure and retry after a backoff, or give up) and give back whatever is still held.
 *
 * Every state change is its own short write transaction (claim, heartbeat, progress batch,
 * failure, complete, release); none is held while the command runs. Timers come from the
 * injected {@link Scheduler}, so tests drive them with a test clock.
 *
 * @module
 */

import { TmError } from "../core/errors.ts";
import type { Task } from "../core/task.ts";
import { claimTask, heartbeat, releaseTask } from "./claims.ts";
import { completeTask } from "./complete_task.ts";
import type { AppContext } from "./context.ts";
import { recordProgress } from "./progress_log.ts";
import { type Scheduler, sleep, type Timer } from "./scheduler.ts";
import { showTask, type TaskDetail } from "./show_task.ts";
import { giveUpTask, recordRunFailure } from "./worker_records.ts";
import type { Executor, RunningCommand, WorkerEvent, WorkerOptions } from "./worker_types.ts";
import { FLUSH_EVERY_MS, giveUpReason, WorkerOutput } from "./worker_output.ts";

/** After the grace period a command gets SIGTERM, and SIGKILL this much later. */
const TERM_TO_KILL_MS = 2000;
/** A command killed by a signal may exit just before our own stop request is delivered. */
const SIGNAL_SETTLE_MS = 100;

/** What a task run needs from the worker around it. */
export interface TaskRunDeps {
  ctx: AppContext;
  options: Pick<WorkerOptions, "ttlMs" | "backoffMs" | "maxRetries" | "graceMs">;
  exec: Executor;
  /** Report an event; the worker stamps it with the time. */
  emit(event: Omit<WorkerEvent, "at">): void;
  scheduler: Scheduler;
  /** Aborted on a stop request: no further attempt; a running command gets `graceMs`. */
  stop: AbortSignal;
  /** Aborted on a second stop request: kill the command at once. */
  kill: AbortSignal;
}

/** How a task run ended, for the worker's totals. */
export interface TaskOutcome {
  /** `not_held`: the release found the task no longer ours (completed or taken meanwhile). */
  end: "completed" | "gave_up" | "released" | "lease_lost" | "not_held";
  /** Failed runs of the command (each recorded as a `run_failed` event). */
  failedRuns: number;
}

function isLeaseLoss(error: unknown): boolean {
  return error instanceof TmError && (error.code === "lease_lost" || error.code === "conflict");
}

/** Retry a store call that failed only because the database was busy. */
async function retryBusy<T>(scheduler: Scheduler, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0;; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof TmError && error.code === "busy") || attempt >= 5) throw error;
      await sleep(scheduler, 50 * 2 ** attempt);
    }
  }
}

/** One claimed task, run by a worker slot until it is settled or given back. */
export class TaskRun {
  readonly #deps: TaskRunDeps;
  readonly #task: Task;
  /** Set once: how the run ended (undefined while the task is still ours to settle). */
  #end: TaskOutcome["end"] | undefined;
  #failedRuns = 0;
  #child: RunningCommand | undefined;
  /** The current attempt's output on its way to the progress log. */
  #output = new WorkerOutput();
  // Progress writes are chained so lines stay in order; the chain never rejects (the flush
  // timer does not await it), a failure is kept and rethrown by the attempt that wrote it.
  #flushing: Promise<void> = Promise.resolve();
  #progressError: unknown = undefined;
  #timers: Timer[] = [];

  /**
   * Claim the best ready task offered to this worker (narrowed to `capabilities`, the flag
   * values); null when none is ready, a peer won the race, or the database stayed busy.
   */
  static async claim(deps: TaskRunDeps, capabilities: readonly string[]): Promise<TaskRun | null> {
    try {
      const claim = { ttlMs: deps.options.ttlMs, capabilities };
      const { task } = await claimTask(deps.ctx, null, claim);
      return task === null ? null : new TaskRun(deps, task);
    } catch (error) {
      if (error instanceof TmError && (error.code === "busy" || error.code === "conflict")) {
        return null;
      }
      throw error;
    }
  }

  /** A run of `task`, which the worker has just claimed. */
  constructor(deps: TaskRunDeps, task: Task) {
    this.#deps = deps;
    this.#task = task;
  }

  /** The claimed task. */
  get task(): Task {
    return this.#task;
  }

  /** Run the command until it settles, a stop, or a lost lease; never leaves the task held. */
  async run(): Promise<TaskOutcome> {
    const unwatch = this.#watch();
    try {
      await this.#attempts();
    } catch (error) {
      if (!(error instanceof TmError)) throw error;
      if (isLeaseLoss(error)) this.#markLost();
      // Refused by the rules (say a dependency was added meanwhile): report, release below.
      else this.#emit({ event: "failed", title: this.#task.title, reason: error.message });
    } finally {
      unwatch();
      await this.#flushOutput();
      if (this.#end === undefined) await this.#release();
    }
    return { end: this.#end ?? "not_held", failedRuns: this.#failedRuns };
  }

  /** Start the heartbeat and output timers and listen for stop requests; returns the undo. */
  #watch(): () => void {
    const { scheduler, stop, kill, options } = this.#deps;
    const beatMs = Math.max(100, Math.floor(options.ttlMs / 3));
    this.#timers.push(
      scheduler.setInterval(() => void this.#heartbeat(), beatMs),
      scheduler.setInterval(() => void this.#flushOutput(), FLUSH_EVERY_MS),
    );
    const onStop = () => this.#escalate();
    const onKill = () => this.#child?.kill("SIGKILL");
    stop.addEventListener("abort", onStop, { once: true });
    kill.addEventListener("abort", onKill, { once: true });
    return () => {
      for (const timer of this.#timers) timer.cancel();
      stop.removeEventListener("abort", onStop);
      kill.removeEventListener("abort", onKill);
    };
  }

  /** Once asked to stop, a running command gets `graceMs`, then SIGTERM, then SIGKILL. */
  #escalate(): void {
    const { scheduler, options } = this.#deps;
    this.#timers.push(
      scheduler.setTimeout(() => this.#child?.kill("SIGTERM"), options.graceMs),
      scheduler.setTimeout(
        () => this.#child?.kill("SIGKILL"),
        options.graceMs + TERM_TO_KILL_MS,
      ),
    );
  }

  /** Renew the lease (every third of it, also through a backoff); a lost lease ends the run. */
  async #heartbeat(): Promise<void> {
    try {
      await heartbeat(this.#deps.ctx, this.#task.id, { ttlMs: this.#deps.options.ttlMs });
    } catch (error) {
      // Anything else (a busy database, say) is retried by the next beat.
      if (isLeaseLoss(error)) this.#markLost();
    }
  }

  /** Write the buffered output lines to the progress log, after those written before. */
  #flushOutput(): Promise<void> {
    if (this.#end === "lease_lost") return this.#flushing;
    const lines = this.#output.take();
    if (lines.length === 0) return this.#flushing;
    const { ctx, scheduler } = this.#deps;
    this.#flushing = this.#flushing
      .then(() => retryBusy(scheduler, () => recordProgress(ctx, this.#task.id, lines)))
      .catch((error) => {
        if (isLeaseLoss(error)) this.#markLost();
        else this.#progressError ??= error;
      });
    return this.#flushing;
  }

  /** Another agent holds the task now: stop the command and leave the task alone. */
  #markLost(): void {
    if (this.#end !== undefined) return;
    this.#end = "lease_lost";
    this.#emit({ event: "lease_lost", title: this.#task.title });
    this.#child?.kill("SIGKILL");
  }

  /** Run the command, retrying failed runs after a backoff, until it settles or must stop. */
  async #attempts(): Promise<void> {
    const { ctx, scheduler, stop } = this.#deps;
    const detail = await retryBusy(scheduler, () => showTask(ctx, this.#task.id));
    for (let attempt = 1;; attempt++) {
      if (stop.aborted) return; // claimed just as the stop came: give it back unrun
      const code = await this.#start(detail, attempt);
      if (!(await this.#settle(code, attempt))) return;
      if (!(await this.#backoff(attempt))) return;
    }
  }

  /** Run the command once; resolves with its exit code once its output is in the log. */
  async #start(detail: TaskDetail, attempt: number): Promise<number> {
    const { ctx, exec } = this.#deps;
    const task = this.#task;
    this.#output = new WorkerOutput();
    this.#child = exec({
      task: detail,
      attempt,
      env: {
        TM_TASK_ID: task.id,
        TM_TASK_TITLE: task.title,
        TM_TASK_PRIORITY: task.priority,
        TM_TASK_ATTEMPT: String(attempt),
        TM_AGENT_ID: ctx.agent,
        TM_DB_PATH: ctx.location.dbPath,
      },
    }, (line) => this.#onLine(line));
    const code = await this.#child.exited;
    this.#child = undefined;
    this.#output.end();
    await this.#flushOutput();
    if (this.#progressError !== undefined) throw this.#progressError;
    return code;
  }

  #onLine(raw: string): void {
    this.#emit({ event: "output", line: this.#output.add(raw) });
  }

  /**
   * Settle one exit: complete on 0; otherwise record the failed run and give the task up
   * after the last retry. True when another attempt is due.
   */
  async #settle(code: number, attempt: number): Promise<boolean> {
    const { ctx, scheduler, stop, options } = this.#deps;
    const { id, title } = this.#task;
    if (this.#end === "lease_lost") return false;
    if (code === 0) {
      await retryBusy(scheduler, () => completeTask(ctx, id));
      this.#end ??= "completed";
      this.#emit({ event: "completed", title, attempt });
      return false;
    }
    // A command killed by a signal (say, a kill of the whole session) may exit just before
    // our own stop request is delivered, so give that a moment.
    if (code > 128 && !stop.aborted) await sleep(scheduler, SIGNAL_SETTLE_MS, stop);
    if (stop.aborted) return false; // interrupted by the stop: released, not a failure
    this.#failedRuns++;
    this.#emit({ event: "failed", title, attempt, exit_code: code });
    const tail = [...this.#output.tail];
    await retryBusy(scheduler, () => recordRunFailure(ctx, id, { attempt, exit_code: code, tail }));
    if (attempt <= options.maxRetries) return true;
    await this.#giveUp(code, attempt);
    return false;
  }

  /** After the last retry: block the task with the reason, so no worker loops on it. */
  async #giveUp(code: number, attempt: number): Promise<void> {
    const { ctx, scheduler } = this.#deps;
    const reason = giveUpReason(attempt, code, this.#output.tail);
    await retryBusy(scheduler, () => giveUpTask(ctx, this.#task.id, reason));
    this.#end ??= "gave_up";
    this.#emit({ event: "gave_up", title: this.#task.title, attempt, reason });
  }

  /**
   * Wait before the next attempt. The lease is kept (and heartbeated) through the backoff,
   * so that the retry really waits instead of a peer re-running the task at once. False
   * when a stop or a lost lease came meanwhile.
   */
  async #backoff(attempt: number): Promise<boolean> {
    const { scheduler, stop, options } = this.#deps;
    const delay = options.backoffMs * 2 ** (attempt - 1);
    this.#emit({ event: "retry", attempt: attempt + 1, delay_ms: delay });
    await sleep(scheduler, delay, stop);
    return !stop.aborted && this.#end === undefined;
  }

  /** Give the task back (pending, or blocked on what it waits for) if it is still ours. */
  async #release(): Promise<void> {
    const { ctx, scheduler } = this.#deps;
    try {
      await retryBusy(scheduler, () => releaseTask(ctx, this.#task.id));
      this.#end ??= "released";
      this.#emit({ event: "released", title: this.#task.title });
    } catch (error) {
      // Completed, given up or taken over: nothing of ours to give back.
      if (!(error instanceof TmError)) throw error;
    }
  }

  /** Report an event about this task (`task_id` first, as in every task event). */
  #emit(event: Omit<WorkerEvent, "at" | "task_id">): void {
    const { event: name, ...rest } = event;
    this.#deps.emit({ event: name, task_id: this.#task.id, ...rest });
  }
}
