import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { addTask, initProject, tm, tmJson } from "./_in_process.ts";

/** The task's progress log, read from the database (show lists only the latest events). */
function progressLog(cwd: string, id: string) {
  const db = new DatabaseSync(`${cwd}/.task-orchestrator/tasks.db`, { readOnly: true });
  try {
    const rows = db.prepare(
      "SELECT agent, message, percent FROM progress WHERE task_id = ? ORDER BY id",
    ).all(id) as Array<{ agent: string; message: string; percent: number | null }>;
    const events = db.prepare(
      "SELECT agent, data ->> 'source' AS source FROM events WHERE task_id = ? AND type = 'progress' ORDER BY id",
    ).all(id) as Array<{ agent: string; source: string | null }>;
    return { rows, events };
  } finally {
    db.close();
  }
}

function numbers(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
}

// One suite, two modes: `deno task test:remote` runs the same worker through a tm server, so
// the remote worker must leave the very progress lines the local one leaves.
Deno.test("a worker copies its command's output to the progress log: the head, a marker, the tail", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "print a lot");
  const result = await tm([
    "worker",
    "--exec",
    'echo first; echo "150% is not a percent"; echo " 40% done"; echo; seq 1 1200; ' +
    "printf 'y%.0s' $(seq 1 5000); echo",
    "--drain",
    "--poll",
    "50ms",
  ], { cwd, env: { TM_AGENT_ID: "w1" } });
  assert.equal(result.code, 0, result.stderr);
  const task = (await tmJson(["show", id], { cwd })).task as { status: string };
  assert.equal(task.status, "completed");
  const { rows, events } = progressLog(cwd, id);
  // 500 lines as they came, then (of the 705 after them) a marker and the last 500.
  assert.deepEqual(rows.map((r) => r.message), [
    "first",
    "150% is not a percent",
    " 40% done",
    "",
    ...numbers(1, 496),
    "[tm: 205 lines of output not stored]",
    ...numbers(702, 1200),
    `${"y".repeat(4096)} [line truncated]`,
  ]);
  assert.ok(rows.every((r) => r.agent === "w1"));
  assert.equal(events.length, rows.length);
  assert.ok(events.every((e) => e.agent === "w1" && e.source === "worker"));
  assert.deepEqual(
    rows.filter((r) => r.percent !== null).map((r) => [r.message, r.percent]),
    [[" 40% done", 40]],
    "a leading NN% is the percent, one over 100 stays text",
  );
});

Deno.test("a worker started with TM_REQUEST_ID in its environment still makes every call anew", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const ids = [await addTask(cwd, "one"), await addTask(cwd, "two")];
  // TM_REQUEST_ID names one command; a worker's claims, heartbeats and completions are many.
  const result = await tm(["worker", "--exec", "echo ran", "--drain", "--poll", "50ms"], {
    cwd,
    env: { TM_AGENT_ID: "w1", TM_REQUEST_ID: "one-key-for-the-whole-script" },
  });
  assert.equal(result.code, 0, result.stderr);
  for (const id of ids) {
    const task = (await tmJson(["show", id], { cwd })).task as { status: string };
    assert.equal(task.status, "completed", id);
    assert.deepEqual(progressLog(cwd, id).rows.map((r) => r.message), ["ran"]);
  }
});

Deno.test("a worker records each failed run and its giving up, and tells the task's creator", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "always fails");
  const result = await tm([
    "worker",
    "--exec",
    "echo trying; echo boom; exit 3",
    "--max-retries",
    "1",
    "--backoff",
    "10ms",
    "--drain",
    "--poll",
    "50ms",
  ], { cwd, env: { TM_AGENT_ID: "w1" } });
  assert.equal(result.code, 0, result.stderr);
  const task = (await tmJson(["show", id], { cwd })).task as {
    status: string;
    claimed_by: string | null;
    history: Array<{ type: string; agent: string; data: Record<string, unknown> | null }>;
  };
  assert.equal(task.status, "blocked");
  assert.equal(task.claimed_by, null);
  const records = task.history.filter((e) => e.type === "run_failed" || e.type === "gave_up");
  assert.deepEqual(records.map(({ type, agent, data }) => [type, agent, data]), [
    ["run_failed", "w1", { attempt: 1, exit_code: 3, tail: ["trying", "boom"] }],
    ["run_failed", "w1", { attempt: 2, exit_code: 3, tail: ["trying", "boom"] }],
    ["gave_up", "w1", { reason: "command failed 2 times (last exit code 3): boom" }],
  ]);
  const watch = await tm(["watch"], { cwd });
  assert.match(watch.stdout, new RegExp(`Task ${id} "always fails" is blocked: command failed 2`));
});

Deno.test("progress --run-failed and --gave-up refuse a malformed or mixed request with exit 2", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "T");
  for (
    const args of [
      ["--run-failed", "two"],
      ["--run-failed", "0:1"],
      ["--gave-up", " "],
      ["--gave-up", "why", "--worker-lines"],
      ["--run-failed", "1:1", "a message"],
    ]
  ) {
    const result = await tm(["progress", id, ...args], { cwd });
    assert.equal(result.code, 2, args.join(" "));
    assert.match(result.stderr, /^tm: .*\n$/);
  }
  assert.equal(
    ((await tmJson(["show", id], { cwd })).task as { status: string }).status,
    "pending",
  );
});

Deno.test("progress --gave-up shows escape codes in the reason as text, not to the terminal", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "T");
  const result = await tm(["progress", id, "--gave-up", "bad\x1b[2Jrun"], { cwd });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, `Task ${id} given up: bad\\u001b[2Jrun\n`);
});
