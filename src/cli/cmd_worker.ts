/**
 * `tm worker --exec CMD`: a worker loop that claims matching ready work and runs CMD for
 * each task. Streams a progress line (TTY), one line per event (other text), or JSON Lines.
 *
 * @module
 */

import { runWorker, type WorkerEvent, type WorkerOptions } from "../app/worker.ts";
import { parseCapabilities } from "../core/capability.ts";
import { formatDuration, parseDuration } from "../core/duration.ts";
import { usageError } from "../core/errors.ts";
import { JSON_SCHEMA_VERSION } from "../version.ts";
import { leaseTtl } from "./cmd_claim.ts";
import { defineCommand } from "./command.ts";
import type { Io } from "./io.ts";
import { oneLine } from "./output.ts";
import { shellExecutor } from "./worker_exec.ts";

/** The value of option `--name`: a whole number of at least `min`. */
function wholeNumber(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min) {
    throw usageError(`invalid --${name} "${value}": expected a whole number >= ${min}`);
  }
  return Number(value);
}

/** The value of option `--name`: a duration in milliseconds. */
function duration(value: string | undefined, name: string, fallback: number): number {
  return value === undefined ? fallback : parseDuration(value, `--${name}`);
}

function textLine(event: WorkerEvent): string | null {
  const task = event.task_id === undefined ? "" : ` ${event.task_id}`;
  const title = event.title === undefined ? "" : ` ${oneLine(event.title)}`;
  switch (event.event) {
    case "output":
      return `  ${event.task_id}| ${oneLine(event.line ?? "")}`;
    case "failed":
      return `failed${task} (attempt ${event.attempt}, exit code ${event.exit_code})`;
    case "retry":
      return `retry${task} (attempt ${event.attempt}) in ${formatDuration(event.delay_ms ?? 0)}`;
    case "gave_up":
      return `gave up${task}: blocked: ${oneLine(event.reason ?? "")}`;
    case "stopped": {
      const s = event.summary!;
      return `stopped: ${s.completed} completed, ${s.failed_runs} failed runs, ${s.gave_up} given up, ${s.released} released, ${s.lease_lost} leases lost`;
    }
    case "started":
      return `started (capabilities: ${event.capabilities?.join(", ") || "none"})`;
    case "stopping":
      return "stopping: no new claims; waiting for running commands";
    case "waiting":
      return `waiting: ${event.reason ?? ""}`;
    default:
      return `${event.event.replace("_", " ")}${task}${title}`;
  }
}

/** Print worker events: JSON Lines, a rewritten progress line on a TTY, or plain lines. */
export function eventPrinter(io: Io, json: boolean): (event: WorkerEvent) => void {
  if (json) {
    return (event) =>
      io.stdout(`${JSON.stringify({ schema_version: JSON_SCHEMA_VERSION, ...event })}\n`);
  }
  if (!io.isTerminal()) {
    return (event) => {
      const line = textLine(event);
      if (line !== null) io.stdout(`${line}\n`);
    };
  }
  let done = 0, failed = 0, running = 0;
  let last = "";
  return (event) => {
    if (event.event === "claimed") running++;
    if (event.event === "completed") done++;
    if (event.event === "gave_up") failed++;
    if (["completed", "gave_up", "released", "lease_lost"].includes(event.event)) {
      running = Math.max(0, running - 1);
    }
    if (event.event === "output") last = `${event.task_id}: ${oneLine(event.line ?? "")}`;
    else if (event.task_id !== undefined) last = `${event.event} ${event.task_id}`;
    if (event.event === "stopped" || event.event === "gave_up" || event.event === "failed") {
      io.stdout(`\r\x1b[2K${textLine(event)}\n`);
    }
    if (event.event !== "stopped") {
      const status = `worker: ${done} done, ${failed} given up, ${running} running | ${last}`;
      io.stdout(`\r\x1b[2K${status.slice(0, 120)}`);
    }
  };
}

/** The `worker` command. */
export const workerCommand = defineCommand({
  name: "worker",
  usage: `Usage: tm worker --exec CMD [OPTIONS]

A worker loop. Claims the best ready task offered to this agent (routing by capability,
as tm ready), runs "sh -c CMD" with the task as JSON on stdin and TM_TASK_ID,
TM_TASK_TITLE, TM_TASK_PRIORITY, TM_TASK_ATTEMPT, TM_AGENT_ID and TM_DB_PATH in its
environment, and streams every output line (stdout and stderr) to the task's progress
log. It heartbeats every third of the lease while the command runs.
  exit 0    -> the task is completed
  otherwise -> the failure is recorded (event run_failed) and the command is retried after
               a backoff that doubles each time (the lease is kept meanwhile); after
               --max-retries retries the task is released as blocked with the reason
               (event gave_up, high-priority notification to its participants).
The worker is one agent (TM_AGENT_ID or --agent-id): its --concurrency slots all claim
as that agent. Without --exec there is no worker: the agent itself claims and completes.

SIGINT/SIGTERM: stop claiming, give running commands --grace to finish (then SIGTERM,
then SIGKILL), complete what finished with exit 0 and release everything else; a second
signal kills at once. A closed stdout (the reader went away, e.g. | head) stops the worker
the same way. A worker killed with SIGKILL leaves its tasks held until their
lease ends; then they are claimable again (nothing is lost).

Output: a progress line on a terminal; otherwise one line per event; with --json, JSON
Lines (events started, claimed, output, completed, failed, retry, gave_up, released,
lease_lost, stopping, waiting, stopped; the last carries a summary). A draining worker
exits once nothing it can run can still become ready; while work it could run waits on
tasks in progress elsewhere it says so once ("waiting"). A task's stored output is
bounded: the first 500 lines, then the last 500, with a "[tm: N lines of output not
stored]" marker. Exit code 0 when stopped or drained.`,
  options: {
    exec: { type: "string", value: "CMD", help: "the command to run for each task (required)" },
    capability: {
      type: "string",
      multiple: true,
      value: "C",
      help: "only tasks that need nothing beyond C (of the agent's\n" +
        "registered capabilities); repeatable or comma-separated",
    },
    concurrency: { type: "string", value: "N", help: "tasks run at once (default 1)" },
    drain: {
      type: "boolean",
      help: "exit when no matching work is ready, held, or waiting on held work",
    },
    "max-retries": {
      type: "string",
      value: "N",
      help: "retries of a failing command before giving up (default 2)",
    },
    backoff: {
      type: "string",
      value: "DURATION",
      help: "first retry delay, doubling per retry (default 5s)",
    },
    ttl: {
      type: "string",
      value: "DURATION",
      help: "lease length (default $TM_LEASE_TTL or 30m); heartbeat every ttl/3",
    },
    poll: {
      type: "string",
      value: "DURATION",
      help: "how often an idle worker looks for work (default 2s)",
    },
    grace: {
      type: "string",
      value: "DURATION",
      help: "time running commands get after SIGINT/SIGTERM (default 30s)",
    },
  },
  notes: `Examples:
  tm worker --exec 'make -C "$TM_TASK_ID"' --capability build --concurrency 4
  tm worker --exec ./run-task.sh --drain --json`,
  args: [],
  authors: true,
  needs: { run: true },
  async run({ flags, app, io, json }) {
    const exec = flags.exec;
    if (exec === undefined || exec.trim() === "") {
      throw usageError("worker: --exec CMD is required", "e.g. tm worker --exec ./run-task.sh");
    }
    const ctx = await app();
    const ttlFlag = flags.ttl;
    // The default is validated where TM_LEASE_TTL is read; the floor keeps heartbeats sane.
    const ttlMs = ttlFlag === undefined ? Math.max(ctx.leaseTtlMs, 1000) : leaseTtl(ttlFlag);
    const options: WorkerOptions = {
      capabilities: parseCapabilities(flags.capability),
      concurrency: wholeNumber(flags.concurrency, "concurrency", 1, 1),
      drain: flags.drain,
      maxRetries: wholeNumber(flags.maxRetries, "max-retries", 2, 0),
      ttlMs,
      backoffMs: duration(flags.backoff, "backoff", 5000),
      pollMs: Math.max(duration(flags.poll, "poll", 2000), 10),
      graceMs: duration(flags.grace, "grace", 30_000),
    };
    const requested = options.capabilities;
    const emit = eventPrinter(io, json);
    const stop = new AbortController();
    const kill = new AbortController();
    // A closed stdout means the reader went away: stop as on SIGTERM.
    const stopping = io.stdoutClosed === undefined
      ? stop.signal
      : AbortSignal.any([stop.signal, io.stdoutClosed]);
    const onSignal = () => (stopping.aborted ? kill : stop).abort();
    const signals = ["SIGINT", "SIGTERM"] as const;
    for (const signal of signals) Deno.addSignalListener(signal, onSignal);
    try {
      // Writes of the holder renew the lease by the worker's ttl, not the default.
      await runWorker({ ...ctx, leaseTtlMs: ttlMs }, options, {
        exec: shellExecutor(exec),
        emit: (event) => {
          if (event.event === "started") {
            const unregistered = requested.filter((c) => !event.capabilities?.includes(c));
            if (unregistered.length > 0) {
              io.stderr(
                `tm: worker: "${ctx.agent}" has not registered ${
                  unregistered.join(", ")
                }: tasks needing it are not offered (tm agent register ${ctx.agent} --capability ...)\n`,
              );
            }
          }
          emit(event);
        },
        stop: stopping,
        kill: kill.signal,
      });
    } finally {
      for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
    }
    return { data: {}, text: "", streamed: true };
  },
});
