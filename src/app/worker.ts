/**
 * The worker loop (`tm worker --exec`): slots that claim matching ready work and run it
 * (each claimed task is a {@link TaskRun}), wait for work when idle, exit when draining and
 * nothing is left, and stop cleanly. Running the command is injected ({@link Executor}) so
 * this layer starts no process itself, and so are the timers ({@link Scheduler}), so tests
 * drive the loop with a test clock.
 *
 * @module
 */

import { routingCapabilities } from "./agents.ts";
import type { AppContext } from "./context.ts";
import { type Scheduler, sleep, systemScheduler } from "./scheduler.ts";
import { type TaskOutcome, TaskRun, type TaskRunDeps } from "./task_run.ts";
import {
  emptySummary,
  type WorkerEvent,
  type WorkerHooks,
  type WorkerOptions,
  type WorkerSummary,
} from "./worker_types.ts";

export type {
  Executor,
  RunningCommand,
  WorkerEvent,
  WorkerHooks,
  WorkerOptions,
  WorkerSummary,
} from "./worker_types.ts";

/**
 * Run the worker loop until stopped (or, with `drain`, until no matching work is left).
 * Resolves with the totals; never leaves a task it holds claimed when it returns.
 */
export async function runWorker(
  ctx: AppContext,
  options: WorkerOptions,
  hooks: WorkerHooks,
): Promise<WorkerSummary> {
  const capabilities = await ctx.store.read((tx) =>
    routingCapabilities(tx, ctx.agent, options.capabilities)
  );
  return await new WorkerLoop(ctx, options, hooks, capabilities).run();
}

/** The slots of one worker and what they share: totals, stop signals and the busy count. */
class WorkerLoop {
  readonly #ctx: AppContext;
  readonly #options: WorkerOptions;
  readonly #emitTo: (event: WorkerEvent) => void;
  /** The agent's capabilities narrowed by the options: what a draining worker waits for. */
  readonly #capabilities: string[];
  readonly #scheduler: Scheduler;
  readonly #summary: WorkerSummary = emptySummary();
  // A bug in one slot stops the others cleanly too, so nothing stays held by a dead worker.
  readonly #halt = new AbortController();
  readonly #stop: AbortSignal;
  /** Aborted when a draining worker found nothing left to do. */
  readonly #finished = new AbortController();
  readonly #runDeps: TaskRunDeps;
  /** Slots claiming or running a task; a draining worker decides only when none is. */
  #busy = 0;

  constructor(
    ctx: AppContext,
    options: WorkerOptions,
    hooks: WorkerHooks,
    capabilities: string[],
  ) {
    this.#ctx = ctx;
    this.#options = options;
    this.#emitTo = hooks.emit;
    this.#capabilities = capabilities;
    this.#scheduler = hooks.scheduler ?? systemScheduler(ctx.now);
    this.#stop = AbortSignal.any([hooks.stop, this.#halt.signal]);
    this.#runDeps = {
      ctx,
      options,
      exec: hooks.exec,
      emit: (event) => this.#emit(event),
      scheduler: this.#scheduler,
      stop: this.#stop,
      kill: hooks.kill ?? new AbortController().signal,
    };
  }

  /** Run every slot until stopped or drained; rethrows the first slot's bug. */
  async run(): Promise<WorkerSummary> {
    this.#emit({ event: "started", capabilities: this.#capabilities });
    this.#stop.addEventListener("abort", () => this.#emit({ event: "stopping" }), { once: true });
    const slots = Array.from(
      { length: this.#options.concurrency },
      () =>
        this.#slot().catch((error) => {
          this.#halt.abort();
          throw error;
        }),
    );
    const outcomes = await Promise.allSettled(slots);
    this.#emit({ event: "stopped", summary: { ...this.#summary } });
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (failure !== undefined) throw failure.reason;
    return this.#summary;
  }

  /** One slot: claim and run a task at a time; when none is ready, drain or wait a poll. */
  async #slot(): Promise<void> {
    const idle = AbortSignal.any([this.#stop, this.#finished.signal]);
    while (!idle.aborted) {
      this.#busy++;
      // The flag values, not the narrowed set: an empty set would mean "no narrowing".
      const run = await TaskRun.claim(this.#runDeps, this.#options.capabilities);
      if (run !== null) {
        await this.#runTask(run);
        continue;
      }
      this.#busy--;
      if (await this.#drained()) {
        this.#finished.abort();
        break;
      }
      await sleep(this.#scheduler, this.#options.pollMs, idle);
    }
  }

  /** Whether the current drain wait was announced (reset by each claim). */
  #saidWaiting = false;

  async #runTask(run: TaskRun): Promise<void> {
    this.#saidWaiting = false;
    this.#summary.running++;
    this.#emit({ event: "claimed", task_id: run.task.id, title: run.task.title });
    try {
      this.#tally(await run.run());
    } finally {
      this.#summary.running--;
      this.#busy--;
    }
  }

  /** Draining, no slot busy, and no matching work ready, held, or waiting on held work. */
  async #drained(): Promise<boolean> {
    if (!this.#options.drain || this.#busy > 0) return false;
    const outstanding = await this.#ctx.store.read((tx) =>
      tx.agents.hasOutstandingWork(this.#capabilities)
    );
    if (outstanding && this.#busy === 0 && !this.#saidWaiting) {
      // Said once per wait, so a draining worker that does not exit explains why.
      this.#saidWaiting = true;
      this.#emit({
        event: "waiting",
        reason: "work this worker can run waits on tasks in progress elsewhere",
      });
    }
    return !outstanding && this.#busy === 0;
  }

  #tally(outcome: TaskOutcome): void {
    this.#summary.failed_runs += outcome.failedRuns;
    if (outcome.end !== "not_held") this.#summary[outcome.end]++;
  }

  #emit(event: Omit<WorkerEvent, "at">): void {
    this.#emitTo({ ...event, at: this.#scheduler.now().toISOString() });
  }
}
