/**
 * The vocabulary shared by the worker loop (`worker.ts`) and its task runs (`task_run.ts`):
 * options, the injected command runner, events and totals.
 *
 * @module
 */

import type { TaskDetail } from "./show_task.ts";
import type { Scheduler } from "./scheduler.ts";

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
    | "stopped"
    | "waiting";
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
  /** Clock and timers (default: the real ones, reading the context's clock). */
  scheduler?: Scheduler;
}

/** A worker's totals before it has done anything (the local loop and the remote one). */
export function emptySummary(): WorkerSummary {
  return { completed: 0, failed_runs: 0, gave_up: 0, released: 0, lease_lost: 0, running: 0 };
}
