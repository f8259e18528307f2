import assert from "node:assert/strict";
import { openSqliteStore } from "../store/sqlite.ts";
import { addTask } from "./add_task.ts";
import { registerAgent } from "./agents.ts";
import type { AppContext } from "./context.ts";
import { showTask } from "./show_task.ts";
import { type Executor, runWorker, type WorkerEvent, type WorkerOptions } from "./worker.ts";

async function context(): Promise<AppContext> {
  return {
    store: await openSqliteStore({ path: ":memory:" }),
    agent: "w",
    location: { dataDir: "/nowhere", dbPath: ":memory:", source: "override" },
    now: () => new Date(),
    leaseTtlMs: 60_000,
  };
}

const OPTIONS: WorkerOptions = {
  capabilities: [],
  concurrency: 1,
  drain: true,
  maxRetries: 1,
  ttlMs: 60_000,
  backoffMs: 1,
  pollMs: 5,
  graceMs: 0,
};

/** An executor that answers each run with the next exit code of `codes`. */
function scripted(codes: number[], seen: Array<Record<string, string>>): Executor {
  return ({ env }, onLine) => {
    seen.push(env);
    onLine(`run ${env.TM_TASK_ATTEMPT}`);
    return { exited: Promise.resolve(codes.shift() ?? 0), kill() {} };
  };
}

Deno.test("runWorker() retries a failed run on the same lease, then completes it", async () => {
  const ctx = await context();
  try {
    const task = await addTask(ctx, { title: "flaky" });
    const seen: Array<Record<string, string>> = [];
    const events: WorkerEvent[] = [];
    const summary = await runWorker(ctx, OPTIONS, {
      exec: scripted([1, 0], seen),
      emit: (e) => events.push(e),
      stop: new AbortController().signal,
    });
    assert.deepEqual(seen.map((e) => [e.TM_TASK_ID, e.TM_TASK_ATTEMPT]), [
      [task.id, "1"],
      [task.id, "2"],
    ]);
    assert.deepEqual(events.map((e) => e.event).filter((e) => e !== "output"), [
      "started",
      "claimed",
      "failed",
      "retry",
      "completed",
      "stopped",
    ]);
    assert.equal(summary.completed, 1);
    const detail = await showTask(ctx, task.id);
    assert.equal(detail.status, "completed");
    assert.deepEqual(
      detail.history.filter((e) => e.type === "claimed" || e.type === "progress").map((e) =>
        e.type
      ),
      ["claimed", "progress", "progress"],
    );
  } finally {
    ctx.store.close();
  }
});

Deno.test("runWorker() releases a task whose command is interrupted by a stop request", async () => {
  const ctx = await context();
  try {
    const task = await addTask(ctx, { title: "long" });
    const stop = new AbortController();
    const killed: string[] = [];
    const exec: Executor = () => {
      let finish: (code: number) => void = () => {};
      const exited = new Promise<number>((resolve) => finish = resolve);
      queueMicrotask(() => stop.abort());
      return {
        exited,
        kill(signal) {
          killed.push(signal);
          finish(143);
        },
      };
    };
    const summary = await runWorker(ctx, { ...OPTIONS, drain: false }, {
      exec,
      emit: () => {},
      stop: stop.signal,
    });
    assert.deepEqual([killed[0], summary.released, summary.failed_runs], ["SIGTERM", 1, 0]);
    const detail = await showTask(ctx, task.id);
    assert.deepEqual([detail.status, detail.claimed_by], ["pending", null]);
  } finally {
    ctx.store.close();
  }
});

Deno.test("runWorker() never runs a task needing a capability outside its narrowed set", async () => {
  const ctx = await context();
  try {
    await registerAgent(ctx, "w", ["python"]);
    const python = await addTask(ctx, { title: "python", capabilities: ["python"] });
    const plain = await addTask(ctx, { title: "plain" });
    const seen: Array<Record<string, string>> = [];
    await runWorker(ctx, { ...OPTIONS, capabilities: ["gpu"] }, {
      exec: scripted([], seen),
      emit: () => {},
      stop: new AbortController().signal,
    });
    assert.deepEqual(seen.map((e) => e.TM_TASK_ID), [plain.id]);
    assert.equal((await showTask(ctx, python.id)).status, "pending");
  } finally {
    ctx.store.close();
  }
});
