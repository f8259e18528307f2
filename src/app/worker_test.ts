import assert from "node:assert/strict";
import { addTask } from "./add_task.ts";
import { registerAgent } from "./agents.ts";
import { claimTask } from "./claims.ts";
import { completeTask } from "./complete_task.ts";
import { showTask } from "./show_task.ts";
import { fakeScheduler } from "./_test_scheduler.ts";
import { testContext } from "./_test_context.ts";
import {
  type Executor,
  type RunningCommand,
  runWorker,
  type WorkerEvent,
  type WorkerOptions,
} from "./worker.ts";

const OPTIONS: WorkerOptions = {
  capabilities: [],
  concurrency: 1,
  drain: true,
  maxRetries: 1,
  ttlMs: 60_000,
  backoffMs: 1000,
  pollMs: 500,
  graceMs: 1000,
};

/** A worker on an in-memory store and a test clock, with its events and stop controls. */
async function setup(options: Partial<WorkerOptions> = {}) {
  const ctx = await testContext("w");
  const opts = { ...OPTIONS, ...options };
  // As `tm worker` does: the holder's writes renew the lease by the worker's ttl.
  ctx.leaseTtlMs = opts.ttlMs;
  const scheduler = fakeScheduler(ctx);
  const start = Date.parse("2026-01-01T00:00:00.000Z");
  const events: WorkerEvent[] = [];
  const stop = new AbortController();
  const kill = new AbortController();
  return {
    ctx,
    scheduler,
    events,
    stop,
    kill,
    /** Milliseconds of test time since the start. */
    elapsed: () => ctx.now().getTime() - start,
    /** Start the worker (not awaited: drive it with `scheduler`). */
    start: (exec: Executor) =>
      runWorker(ctx, opts, {
        exec,
        emit: (event) => events.push(event),
        stop: stop.signal,
        kill: kill.signal,
        scheduler,
      }),
    /** The event names, without output lines. */
    names: () => events.map((e) => e.event).filter((e) => e !== "output"),
    [Symbol.dispose]: () => ctx.store.close(),
  };
}

/** One run of a fake command: it ends when the test (or its signal handling) says so. */
class FakeRun {
  readonly env: Record<string, string>;
  readonly print: (line: string) => void;
  /** Signals received, with the test time of each. */
  readonly signals: Array<[string, number]> = [];
  /** What a signal does; by default the command dies of it (exit code 128 + number). */
  onSignal: (signal: "SIGTERM" | "SIGKILL") => void = (signal) =>
    this.exit(signal === "SIGTERM" ? 143 : 137);
  #exit: (code: number) => void = () => {};
  readonly #exited = new Promise<number>((resolve) => this.#exit = resolve);
  readonly #elapsed: () => number;

  constructor(env: Record<string, string>, print: (line: string) => void, elapsed: () => number) {
    this.env = env;
    this.print = print;
    this.#elapsed = elapsed;
  }

  exit(code: number): void {
    this.#exit(code);
  }

  get command(): RunningCommand {
    return {
      exited: this.#exited,
      kill: (signal) => {
        this.signals.push([signal, this.#elapsed()]);
        this.onSignal(signal);
      },
    };
  }
}

/** A command runner recording its runs; `script` decides what each run does at its start. */
function fakeCommands(elapsed: () => number, script: (run: FakeRun) => void = () => {}) {
  const runs: FakeRun[] = [];
  const exec: Executor = ({ env }, onLine) => {
    const run = new FakeRun(env, onLine, elapsed);
    runs.push(run);
    script(run);
    return run.command;
  };
  return { exec, runs };
}

Deno.test("runWorker() retries a failed run on the same lease, then completes it", async () => {
  using w = await setup();
  const task = await addTask(w.ctx, { title: "flaky" });
  const codes = [1, 0];
  const { exec, runs } = fakeCommands(w.elapsed, (run) => {
    run.print(`run ${run.env.TM_TASK_ATTEMPT}`);
    run.exit(codes.shift()!);
  });
  const summary = await w.scheduler.run(w.start(exec));
  assert.deepEqual(runs.map((r) => [r.env.TM_TASK_ID, r.env.TM_TASK_ATTEMPT]), [
    [task.id, "1"],
    [task.id, "2"],
  ]);
  assert.deepEqual(w.names(), ["started", "claimed", "failed", "retry", "completed", "stopped"]);
  assert.equal(summary.completed, 1);
  const detail = await showTask(w.ctx, task.id);
  assert.equal(detail.status, "completed");
  assert.deepEqual(
    detail.history.filter((e) => e.type === "claimed" || e.type === "progress").map((e) => e.type),
    ["claimed", "progress", "progress"],
  );
});

Deno.test("runWorker() releases a task whose command is interrupted by a stop request", async () => {
  using w = await setup({ drain: false, graceMs: 0 });
  const task = await addTask(w.ctx, { title: "long" });
  const { exec, runs } = fakeCommands(w.elapsed, () => queueMicrotask(() => w.stop.abort()));
  const summary = await w.scheduler.run(w.start(exec));
  assert.deepEqual(
    [runs[0]!.signals[0]?.[0], summary.released, summary.failed_runs],
    ["SIGTERM", 1, 0],
  );
  const detail = await showTask(w.ctx, task.id);
  assert.deepEqual([detail.status, detail.claimed_by], ["pending", null]);
});

Deno.test("runWorker() never runs a task needing a capability outside its narrowed set", async () => {
  using w = await setup({ capabilities: ["gpu"] });
  await registerAgent(w.ctx, "w", ["python"]);
  const python = await addTask(w.ctx, { title: "python", capabilities: ["python"] });
  const plain = await addTask(w.ctx, { title: "plain" });
  const { exec, runs } = fakeCommands(w.elapsed, (run) => run.exit(0));
  await w.scheduler.run(w.start(exec));
  assert.deepEqual(runs.map((r) => r.env.TM_TASK_ID), [plain.id]);
  assert.equal((await showTask(w.ctx, python.id)).status, "pending");
});

Deno.test("runWorker() heartbeats a run longer than its lease so no one can take it over", async () => {
  using w = await setup({ ttlMs: 3000 });
  const task = await addTask(w.ctx, { title: "long run" });
  const { exec, runs } = fakeCommands(w.elapsed);
  const worker = w.start(exec);
  await w.scheduler.advance(10_000);
  // Without heartbeats the 3 s lease would have ended 7 s ago.
  await assert.rejects(claimTask(w.ctx.as("thief"), task.id), /held by "w"/);
  const beats = (await showTask(w.ctx, task.id)).history.filter((e) => e.type === "heartbeat");
  assert.equal(beats.length, 10, "one heartbeat per third of the lease");
  runs[0]!.exit(0);
  const summary = await w.scheduler.run(worker);
  assert.deepEqual([summary.completed, summary.lease_lost], [1, 0]);
  assert.equal((await showTask(w.ctx, task.id)).status, "completed");
});

Deno.test("runWorker() streams output lines to the progress log while the command runs", async () => {
  using w = await setup();
  const task = await addTask(w.ctx, { title: "chatty" });
  const { exec, runs } = fakeCommands(w.elapsed);
  const worker = w.start(exec);
  await w.scheduler.settle();
  runs[0]!.print("first");
  runs[0]!.print("second");
  const progress = async () =>
    (await showTask(w.ctx, task.id)).history.filter((e) => e.type === "progress").length;
  assert.equal(await progress(), 0, "lines are written in batches, not one write each");
  await w.scheduler.advance(250);
  assert.equal(await progress(), 2);
  assert.deepEqual(
    w.events.filter((e) => e.event === "output").map((e) => [e.task_id, e.line]),
    [[task.id, "first"], [task.id, "second"]],
  );
  runs[0]!.exit(0);
  await w.scheduler.run(worker);
});

Deno.test("runWorker() backs off doubling delays on the lease, then blocks the task with the reason", async () => {
  using w = await setup({ maxRetries: 2, backoffMs: 5000 });
  const task = await addTask(w.ctx, { title: "always fails" });
  const started: number[] = [];
  const { exec } = fakeCommands(w.elapsed, (run) => {
    started.push(w.elapsed());
    run.print(`broken ${run.env.TM_TASK_ATTEMPT}`);
    run.exit(3);
  });
  const worker = w.start(exec);
  await w.scheduler.advance(1000);
  // During the backoff the task stays held: a peer cannot re-run it at once.
  await assert.rejects(claimTask(w.ctx.as("peer"), task.id), /held by "w"/);
  const summary = await w.scheduler.run(worker);
  assert.deepEqual(started, [0, 5000, 15_000]);
  assert.deepEqual(
    w.events.filter((e) => ["failed", "retry", "gave_up"].includes(e.event))
      .map((e) => [e.event, e.attempt, e.delay_ms ?? e.exit_code]),
    [
      ["failed", 1, 3],
      ["retry", 2, 5000],
      ["failed", 2, 3],
      ["retry", 3, 10_000],
      ["failed", 3, 3],
      ["gave_up", 3, undefined],
    ],
  );
  assert.deepEqual([summary.failed_runs, summary.gave_up, summary.released], [3, 1, 0]);
  const detail = await showTask(w.ctx, task.id);
  assert.deepEqual([detail.status, detail.claimed_by], ["blocked", null]);
  const gaveUp = detail.history.find((e) => e.type === "gave_up")!;
  assert.deepEqual(gaveUp.data, { reason: "command failed 3 times (last exit code 3): broken 3" });
  assert.equal(detail.history.filter((e) => e.type === "run_failed").length, 3);
});

Deno.test("runWorker() lets a command that ends within the grace period complete after a stop", async () => {
  using w = await setup({ graceMs: 5000 });
  const task = await addTask(w.ctx, { title: "nearly done" });
  const { exec, runs } = fakeCommands(w.elapsed);
  const worker = w.start(exec);
  await w.scheduler.advance(1000);
  w.stop.abort();
  await w.scheduler.advance(3000);
  runs[0]!.exit(0);
  const summary = await w.scheduler.run(worker);
  assert.deepEqual(runs[0]!.signals, []);
  assert.deepEqual([summary.completed, summary.released], [1, 0]);
  assert.deepEqual(w.names(), ["started", "claimed", "stopping", "completed", "stopped"]);
  assert.equal((await showTask(w.ctx, task.id)).status, "completed");
});

Deno.test("runWorker() sends SIGTERM after the grace period, SIGKILL 2s later, then releases", async () => {
  using w = await setup({ graceMs: 5000 });
  const task = await addTask(w.ctx, { title: "stubborn" });
  const { exec, runs } = fakeCommands(w.elapsed, (run) => {
    run.onSignal = (signal) => signal === "SIGKILL" && run.exit(137);
  });
  const worker = w.start(exec);
  await w.scheduler.advance(1000);
  w.stop.abort();
  const summary = await w.scheduler.run(worker);
  assert.deepEqual(runs[0]!.signals, [["SIGTERM", 6000], ["SIGKILL", 8000]]);
  assert.deepEqual([summary.released, summary.failed_runs], [1, 0]);
  assert.deepEqual(w.names(), ["started", "claimed", "stopping", "released", "stopped"]);
  const detail = await showTask(w.ctx, task.id);
  assert.deepEqual([detail.status, detail.claimed_by], ["pending", null]);
});

Deno.test("runWorker() kills the command at once on a second stop request", async () => {
  using w = await setup({ graceMs: 30_000 });
  await addTask(w.ctx, { title: "interrupted twice" });
  const { exec, runs } = fakeCommands(w.elapsed);
  const worker = w.start(exec);
  await w.scheduler.advance(1000);
  w.stop.abort();
  await w.scheduler.advance(1000);
  w.kill.abort();
  const summary = await w.scheduler.run(worker);
  assert.deepEqual(runs[0]!.signals, [["SIGKILL", 2000]]);
  assert.equal(summary.released, 1);
});

Deno.test("runWorker() stopped during a backoff releases the task without running it again", async () => {
  using w = await setup({ backoffMs: 60_000 });
  const task = await addTask(w.ctx, { title: "fails once" });
  const { exec, runs } = fakeCommands(w.elapsed, (run) => run.exit(1));
  const worker = w.start(exec);
  await w.scheduler.advance(1000);
  w.stop.abort();
  const summary = await w.scheduler.run(worker);
  assert.equal(runs.length, 1);
  assert.ok(w.elapsed() < 60_000, "the stop cut the backoff short");
  assert.deepEqual([summary.failed_runs, summary.released], [1, 1]);
  assert.equal((await showTask(w.ctx, task.id)).status, "pending");
});

Deno.test("runWorker() reports a lease taken over meanwhile, kills its command and leaves the task", async () => {
  using w = await setup({ ttlMs: 3000 });
  const task = await addTask(w.ctx, { title: "starved" });
  const { exec, runs } = fakeCommands(w.elapsed);
  const worker = w.start(exec);
  await w.scheduler.settle();
  // The clock jumps past the lease without the worker's timers running (a stalled process).
  w.ctx.advance(5000);
  const rescuer = w.ctx.as("rescuer");
  await claimTask(rescuer, task.id);
  await w.scheduler.advance(1000); // the next heartbeat finds the lease lost
  assert.deepEqual(runs[0]!.signals.map(([signal]) => signal), ["SIGKILL"]);
  assert.equal((await showTask(w.ctx, task.id)).claimed_by, "rescuer");
  await completeTask(rescuer, task.id);
  const summary = await w.scheduler.run(worker);
  assert.deepEqual([summary.lease_lost, summary.released, summary.failed_runs], [1, 0, 0]);
  assert.deepEqual(w.names(), ["started", "claimed", "lease_lost", "stopped"]);
});

Deno.test("a draining runWorker() exits at once when nothing can run", async () => {
  using w = await setup();
  const { exec, runs } = fakeCommands(w.elapsed);
  const summary = await w.scheduler.run(w.start(exec));
  assert.deepEqual([runs.length, w.elapsed()], [0, 0]);
  assert.deepEqual(w.names(), ["started", "stopped"]);
  assert.deepEqual(Object.entries(summary).filter(([, count]) => count !== 0), []);
});

Deno.test("a draining runWorker() waits for held work its tasks depend on, then finishes", async () => {
  using w = await setup();
  const human = w.ctx.as("human");
  const first = await addTask(w.ctx, { title: "done by hand" });
  const second = await addTask(w.ctx, { title: "done by the worker", dependsOn: [first.id] });
  await claimTask(human, first.id);
  let exited = false;
  const { exec, runs } = fakeCommands(w.elapsed, (run) => run.exit(0));
  const worker = w.start(exec).finally(() => exited = true);
  await w.scheduler.advance(10 * OPTIONS.pollMs);
  assert.equal(exited, false, "the worker left while work it waits for was held");
  await completeTask(human, first.id);
  await w.scheduler.run(worker);
  assert.deepEqual(runs.map((r) => r.env.TM_TASK_ID), [second.id]);
});

Deno.test("a draining runWorker() with two slots stays while one of them runs a task", async () => {
  using w = await setup({ concurrency: 2 });
  const task = await addTask(w.ctx, { title: "only one" });
  const { exec, runs } = fakeCommands(w.elapsed);
  let exited = false;
  const worker = w.start(exec).finally(() => exited = true);
  await w.scheduler.advance(10 * OPTIONS.pollMs);
  assert.equal(exited, false, "the idle slot left while the other ran");
  runs[0]!.exit(0);
  const summary = await w.scheduler.run(worker);
  assert.equal(summary.completed, 1);
  assert.equal((await showTask(w.ctx, task.id)).status, "completed");
});
