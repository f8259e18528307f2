import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { addTask, initProject, spawnTm, startTm, tm, tmJson, waitFor } from "./_cli.ts";

type Task = {
  id: string;
  status: string;
  claimed_by: string | null;
  lease_expires_at: string | null;
};
type Event = { event: string; task_id?: string; attempt?: number; delay_ms?: number };

function jsonLines(stdout: string): Event[] {
  return stdout.trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}

async function status(cwd: string, id: string): Promise<Task> {
  return (await tmJson(["show", id], { cwd })).task as Task;
}

Deno.test("a worker runs the command with the task, logs its output and completes it", async () => {
  const cwd = await initProject();
  const id = await addTask(cwd, "say hello");
  const result = await tm([
    "worker",
    "--exec",
    'read -r json; echo "id=$TM_TASK_ID title=$TM_TASK_TITLE agent=$TM_AGENT_ID"; echo "$json" | grep -c say >&2',
    "--drain",
    "--poll",
    "50ms",
    "--json",
  ], { cwd, env: { TM_AGENT_ID: "w1" } });
  assert.equal(result.code, 0, result.stderr);
  const events = jsonLines(result.stdout);
  assert.deepEqual(events.map((e) => e.event), [
    "started",
    "claimed",
    "output",
    "output",
    "completed",
    "stopped",
  ]);
  assert.equal((await status(cwd, id)).status, "completed");
  const shown = await tmJson(["show", id], { cwd });
  const progress = (shown.task as { history: Array<{ type: string; data: { message: string } }> })
    .history.filter((e) => e.type === "progress").map((e) => e.data.message).sort();
  assert.deepEqual(progress, ["1", `id=${id} title=say hello agent=w1`]);
});

Deno.test("a failing command is retried with backoff, then the task is blocked with the reason", async () => {
  const cwd = await initProject();
  const id = await addTask(cwd, "always fails");
  const result = await tm(
    [
      "worker",
      "--exec",
      'echo "broken $TM_TASK_ATTEMPT"; exit 3',
      "--drain",
      "--max-retries",
      "2",
      "--backoff",
      "50ms",
      "--poll",
      "50ms",
      "--json",
    ],
    { cwd },
  );
  assert.equal(result.code, 0, result.stderr);
  const events = jsonLines(result.stdout).filter((e) =>
    ["failed", "retry", "gave_up"].includes(e.event)
  );
  assert.deepEqual(events.map((e) => [e.event, e.attempt, e.delay_ms]), [
    ["failed", 1, undefined],
    ["retry", 2, 50],
    ["failed", 2, undefined],
    ["retry", 3, 100],
    ["failed", 3, undefined],
    ["gave_up", 3, undefined],
  ]);
  const task = await status(cwd, id);
  assert.equal(task.status, "blocked");
  assert.equal(task.claimed_by, null);
  const explain = await tmJson(["show", id], { cwd });
  const gaveUp = (explain.task as { history: Array<{ type: string; data: { reason: string } }> })
    .history.find((e) => e.type === "gave_up")!;
  assert.equal(gaveUp.data.reason, "command failed 3 times (last exit code 3): broken 3");
  const why = await tmJson(["ready", "--explain", id], { cwd });
  assert.deepEqual(why.reasons, [
    "a worker gave up on it: command failed 3 times (last exit code 3): broken 3 " +
    "(tm update ID --status pending retries it)",
  ]);
});

Deno.test("a worker under SIGTERM kills an overrunning command and releases its task", async () => {
  const cwd = await initProject();
  const id = await addTask(cwd, "slow");
  const worker = startTm(
    ["worker", "--exec", "echo begun; exec sleep 30", "--grace", "100ms", "--json"],
    { cwd, env: { TM_AGENT_ID: "w1" } },
  );
  await waitFor(async () => (await status(cwd, id)).status === "in_progress" ? true : undefined);
  // Let the command start before the signal.
  await waitFor(async () => {
    const shown = await tmJson(["show", id], { cwd });
    return (shown.task as { history: Array<{ type: string }> }).history
        .some((e) => e.type === "progress")
      ? true
      : undefined;
  });
  worker.child.kill("SIGTERM");
  const result = await worker.done;
  assert.equal(result.code, 0, result.stderr);
  const events = jsonLines(result.stdout).map((e) => e.event);
  assert.deepEqual(events.slice(-3), ["stopping", "released", "stopped"]);
  const task = await status(cwd, id);
  assert.equal(task.status, "pending");
  assert.equal(task.claimed_by, null);
});

Deno.test("a worker killed with SIGKILL loses no task: it is claimable once the lease ends", async () => {
  const cwd = await initProject();
  const id = await addTask(cwd, "crash victim");
  const worker = startTm(
    ["worker", "--exec", "exec sleep 3", "--ttl", "1s"],
    { cwd, env: { TM_AGENT_ID: "doomed" } },
  );
  await waitFor(async () => (await status(cwd, id)).status === "in_progress" ? true : undefined);
  worker.child.kill("SIGKILL");
  await worker.done;
  assert.equal((await status(cwd, id)).claimed_by, "doomed");
  const other = { cwd, env: { TM_AGENT_ID: "rescuer" } };
  const claimed = await waitFor(async () => {
    const result = await tmJson(["claim"], other);
    return result.task === null ? undefined : result;
  }, 5000);
  assert.equal((claimed.task as Task).id, id);
  assert.equal(claimed.took_over_from, "doomed");
  await tmJson(["complete", id], other);
});

Deno.test("8 workers finish 100 dependent tasks exactly once, in dependency order", async () => {
  const cwd = await initProject();
  // Task i depends on i-1 within a chain of 10, and on i-10 (a grid of dependencies).
  const ids = Array.from({ length: 100 }, (_, i) => (0x10000000 + i).toString(16));
  const deps = (
    i: number,
  ) => [...(i % 10 > 0 ? [ids[i - 1]!] : []), ...(i >= 10 ? [ids[i - 10]!] : [])];
  const lines = ids.map((id, i) =>
    JSON.stringify({ id, title: `task ${i}`, dependencies: deps(i) })
  );
  const file = `${cwd}/tasks.jsonl`;
  await Deno.writeTextFile(file, lines.join("\n") + "\n");
  assert.equal((await tm(["import", file], { cwd })).code, 0);

  const workers = Array.from(
    { length: 8 },
    (_, n) =>
      startTm(["worker", "--exec", "true", "--drain", "--poll", "50ms", "--json"], {
        cwd,
        env: { TM_AGENT_ID: `worker-${n}` },
      }),
  );
  const results = await Promise.all(workers.map((w) => w.done));
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  const completedByWorkers = results.flatMap((r) => jsonLines(r.stdout))
    .filter((e) => e.event === "completed").map((e) => e.task_id!);
  assert.equal(completedByWorkers.length, 100);
  assert.equal(new Set(completedByWorkers).size, 100);

  const db = new DatabaseSync(`${cwd}/.task-orchestrator/tasks.db`, { readOnly: true });
  try {
    const rows = db.prepare(
      "SELECT task_id, type, id FROM events WHERE type IN ('claimed', 'completed') ORDER BY id",
    ).all() as Array<{ task_id: string; type: string; id: number }>;
    const claimedAt = new Map<string, number>();
    const completedAt = new Map<string, number>();
    for (const row of rows) {
      const seen = row.type === "claimed" ? claimedAt : completedAt;
      assert.ok(!seen.has(row.task_id), `${row.type} twice: ${row.task_id}`);
      seen.set(row.task_id, row.id);
    }
    assert.equal(completedAt.size, 100);
    ids.forEach((id, i) => {
      for (const dep of deps(i)) {
        assert.ok(
          completedAt.get(dep)! < claimedAt.get(id)!,
          `${id} started before ${dep} was done`,
        );
      }
    });
  } finally {
    db.close();
  }
});

Deno.test("a worker heartbeats a long run so its short lease is never taken over", async () => {
  const cwd = await initProject();
  const id = await addTask(cwd, "long run");
  // The command runs until the test lets it end, so no sleep races the thief's claim.
  const finish = `${cwd}/finish`;
  const worker = startTm(
    [
      "worker",
      "--exec",
      `while [ ! -e ${finish} ]; do sleep 0.05; done`,
      "--ttl",
      "3s",
      "--drain",
      "--poll",
      "50ms",
    ],
    { cwd, env: { TM_AGENT_ID: "steady" } },
  );
  const claimed = await waitFor(async () => {
    const task = await status(cwd, id);
    return task.status === "in_progress" ? task : undefined;
  });
  const firstLease = Date.parse(claimed.lease_expires_at!);
  // Wait until the first lease is over and heartbeats (every second) have carried it on:
  // then only a worker that stopped heartbeating for 3 s would lose the task.
  await waitFor(async () => {
    const lease = Date.parse((await status(cwd, id)).lease_expires_at ?? "");
    return Date.now() > firstLease && lease > firstLease ? true : undefined;
  });
  const stolen = await tm(["claim", id], { cwd, env: { TM_AGENT_ID: "thief" } });
  assert.equal(stolen.code, 6, stolen.stderr);
  assert.match(stolen.stderr, /held by "steady"/);
  await Deno.writeTextFile(finish, "");
  assert.equal((await worker.done).code, 0);
  assert.equal((await status(cwd, id)).status, "completed");
});

Deno.test("a draining worker waits for held work its tasks depend on, then finishes", async () => {
  const cwd = await initProject();
  const first = await addTask(cwd, "done by hand");
  const second = await addTask(cwd, "done by the worker", ["--depends-on", first]);
  const human = { cwd, env: { TM_AGENT_ID: "human" } };
  await tmJson(["claim", first], human);
  const worker = spawnTm(["worker", "--exec", "true", "--drain", "--poll", "50ms", "--json"], {
    cwd,
    env: { TM_AGENT_ID: "w1" },
  });
  assert.equal(JSON.parse((await worker.nextLine())!).event, "started");
  // It says once what it waits on (issue 9), then stays quiet while it waits.
  assert.equal(JSON.parse((await worker.nextLine())!).event, "waiting");
  // Right after "started" the worker looks for work, and again every 50 ms; a worker that
  // wrongly decided to leave would print "stopped" at once. Give it 20 looks to do so.
  const next = worker.nextLine();
  let printed = false;
  next.then(() => printed = true);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal(printed, false, "the worker left while work it waits for was held");
  await tmJson(["complete", first], human);
  const lines: string[] = [];
  for (let line = await next; line !== null; line = await worker.nextLine()) lines.push(line);
  const result = await worker.finish();
  assert.equal(result.code, 0, result.stderr);
  const done = jsonLines(lines.join("\n")).filter((e) => e.event === "completed");
  assert.deepEqual(done.map((e) => e.task_id), [second]);
});

Deno.test("stopping a worker also stops what its command started in the background", async () => {
  const cwd = await initProject();
  const id = await addTask(cwd, "spawns a grandchild");
  const pidFile = `${cwd}/grandchild.pid`;
  const worker = startTm(
    ["worker", "--exec", `sleep 30 & echo $! > ${pidFile}; wait`, "--grace", "200ms"],
    { cwd, env: { TM_AGENT_ID: "w1" } },
  );
  const pid = await waitFor(async () => {
    try {
      const text = (await Deno.readTextFile(pidFile)).trim();
      return text === "" ? undefined : Number(text);
    } catch {
      return undefined;
    }
  });
  worker.kill("SIGTERM");
  const result = await worker.done;
  assert.equal(result.code, 0, result.stderr);
  const alive = await waitFor(async () => {
    const probe = await new Deno.Command("kill", { args: ["-0", String(pid)] }).output();
    return probe.success ? undefined : false;
  }, 5000);
  assert.equal(alive, false, "the background sleep was stopped with its group");
  const task = (await tmJson(["show", id], { cwd })).task as { status: string };
  assert.equal(task.status, "pending", "and the task was released");
});
