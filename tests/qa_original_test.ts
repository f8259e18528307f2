/**
 * Lines the original tool's shell suites grep, found by exploratory QA against
 * research/original.md (findings in the QA notes); each test pins one of them.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { initProject, tempDir, tm } from "./_in_process.ts";

Deno.test("a project whose database file went missing says the database is not found", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  await Deno.remove(`${cwd}/.task-orchestrator/tasks.db`);
  const result = await tm(["list"], { cwd });
  assert.equal(result.code, 4);
  assert.match(result.stderr, /^tm: database ".*tasks\.db" not found: it is missing/);
});

Deno.test("a directory without a project says the data directory is not found", async () => {
  await using dir = await tempDir();
  const result = await tm(["list"], { cwd: dir.dir });
  assert.equal(result.code, 4);
  assert.match(result.stderr, /^tm: not initialised: \.task-orchestrator directory not found/);
});

Deno.test("the whole output line of add is taken as the task id it names", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  // The original's suites do `ID=$(tm add X)` and pass "$ID" on.
  const added = (await tm(["add", "Task for feedback"], { cwd })).stdout.trimEnd();
  const id = /([0-9a-f]{8})$/.exec(added)![1]!;
  const completed = await tm(["complete", added], { cwd });
  assert.equal(completed.code, 0, completed.stderr);
  assert.equal(completed.stdout, `Task ${id} completed\n`);
  const feedback = await tm(["feedback", added, "--quality", "4"], { cwd });
  assert.equal(feedback.code, 0, feedback.stderr);
  assert.match((await tm(["show", added], { cwd })).stdout, new RegExp(`^id: ${id}$`, "m"));
});

Deno.test("text that only starts like add's output line is still an invalid id", async () => {
  await using project = await initProject();
  const result = await tm(["show", "Task created with ID: xyz"], { cwd: project.dir });
  assert.equal(result.code, 5);
  assert.match(result.stderr, /Invalid task ID/);
});

Deno.test("config --show starts with the original's Current configuration line", async () => {
  await using project = await initProject();
  const shown = await tm(["config", "--show"], { cwd: project.dir });
  assert.match(shown.stdout, /^Current configuration:\nFeatures:\n/);
  const changed = await tm(["config", "--disable", "feedback"], { cwd: project.dir });
  assert.doesNotMatch(changed.stdout, /Current configuration/);
});

Deno.test("migrate --status names the pending migrations even when there are none", async () => {
  await using project = await initProject();
  const status = await tm(["migrate", "--status"], { cwd: project.dir });
  assert.match(status.stdout, /^Pending migrations: 0\nUp to date\n/m);
});

Deno.test("a malformed task id reads both Invalid task ID and not found", async () => {
  await using project = await initProject();
  const result = await tm(["show", "invalid_id"], { cwd: project.dir });
  assert.equal(result.code, 5);
  assert.match(result.stderr, /Invalid task ID "invalid_id" \(not found: /);
});

Deno.test("watch --limit N prints the N oldest and leaves the rest unread", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = (await tm(["add", "A"], { cwd, env: { TM_AGENT_ID: "alice" } })).stdout.slice(-9, -1);
  await tm(["join", id], { cwd, env: { TM_AGENT_ID: "bob" } });
  for (const text of ["first", "second"]) {
    await tm(["discover", id, text], { cwd, env: { TM_AGENT_ID: "bob" } });
  }
  const one = await tm(["watch", "--limit", "1"], { cwd, env: { TM_AGENT_ID: "alice" } });
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, /^=== 1 New Notification\(s\) ===\n\[DISCOVERED\] .*: first\n$/);
  const rest = await tm(["watch"], { cwd, env: { TM_AGENT_ID: "alice" } });
  assert.match(rest.stdout, /^=== 1 New Notification\(s\) ===\n\[DISCOVERED\] .*: second\n$/);
});

/** Add a task referencing a file and complete it with --impact-review. */
async function completeReviewed(cwd: string): Promise<{ id: string; stdout: string }> {
  const id = (await tm(["add", "Fix", "--file", "src/critical.py:100"], { cwd })).stdout.slice(
    -9,
    -1,
  );
  const done = await tm(["complete", id, "--impact-review"], { cwd });
  assert.equal(done.code, 0, done.stderr);
  return { id, stdout: done.stdout };
}

Deno.test("complete --impact-review prints the original's Impact Review header", async () => {
  await using project = await initProject();
  const done = await completeReviewed(project.dir);
  assert.match(done.stdout, /^Task [0-9a-f]{8} completed\n=== Impact Review ===\nImpact: 0 direct/);
});

Deno.test("assign warns of a specialist mismatch with TM_AGENT_SPECIALTY and still assigns", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const added = await tm(["add", "Build UI", "--meta", "specialist:frontend"], { cwd });
  const id = added.stdout.slice(-9, -1);
  const env = { TM_AGENT_SPECIALTY: "backend" };
  const wrong = await tm(["assign", id, "bob"], { cwd, env });
  assert.equal(wrong.code, 0, wrong.stderr);
  assert.equal(wrong.stdout, `Task ${id} assigned to bob\n`);
  assert.equal(
    wrong.stderr,
    "tm: warning: specialist mismatch (required=frontend, agent=backend)\n",
  );
  const right = await tm(["assign", id, "carol"], { cwd, env: { TM_AGENT_SPECIALTY: "frontend" } });
  assert.equal(right.stderr, "");
});

Deno.test("the original's report --assessment, critical-path --dot and migrate --dry-run work", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  await tm(["add", "A", "--estimated-hours", "2"], { cwd });
  const report = await tm(["report", "--assessment"], { cwd });
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stdout, /^30-DAY ASSESSMENT REPORT\n.*last 30 days/);
  const dot = await tm(["critical-path", "--dot"], { cwd });
  assert.equal(dot.code, 0, dot.stderr);
  assert.match(dot.stdout, /^digraph critical_path \{/);
  const dryRun = await tm(["migrate", "--dry-run"], { cwd });
  assert.equal(dryRun.code, 0, dryRun.stderr);
  assert.equal(dryRun.stdout, "No pending migrations\n");
});

Deno.test("an open dependency's hint has no parentheses inside the parenthesised hint", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const first = (await tm(["add", "A"], { cwd })).stdout.slice(-9, -1);
  const second = (await tm(["add", "B", "--depends-on", first], { cwd })).stdout.slice(-9, -1);
  const refused = await tm(["complete", second], { cwd });
  assert.equal(refused.code, 5);
  assert.match(
    refused.stderr,
    /\(complete or remove its dependencies first; tm show ID lists them\)\n$/,
  );
});

Deno.test("init prints a line with lowercase initialized, as the original's suites grep", async () => {
  await using dir = await tempDir();
  const init = await tm(["init"], { cwd: dir.dir });
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout, /^Task database initialized in .*\.task-orchestrator\n$/);
});

Deno.test("a single agent's watch shows its own discovery, a broadcast as in the original", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = (await tm(["add", "A"], { cwd })).stdout.slice(-9, -1);
  assert.equal((await tm(["discover", id, "Found a memory leak"], { cwd })).code, 0);
  const watched = await tm(["watch"], { cwd });
  assert.match(watched.stdout, /^\[DISCOVERED\] .*: Found a memory leak$/m);
});

Deno.test("complete --impact-review of a task with file references records the original's discovery", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const { id } = await completeReviewed(cwd);
  const watched = await tm(["watch"], { cwd });
  assert.match(
    watched.stdout,
    /^\[DISCOVERED\] .*: Task completed with impact review - check related file references$/m,
  );
  const context = await tm(["context", id], { cwd });
  assert.match(context.stdout, /\[discovery\] Task completed with impact review/);
});

Deno.test("complete --impact-review of a task without file references records no discovery", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = (await tm(["add", "Plain"], { cwd })).stdout.slice(-9, -1);
  assert.equal((await tm(["complete", id, "--impact-review"], { cwd })).code, 0);
  assert.equal((await tm(["watch"], { cwd })).stdout, "No new notifications\n");
});

Deno.test("the collaboration_events view answers the original's sqlite3 queries", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = (await tm(["add", "Collaboration event-store test"], { cwd })).stdout.slice(-9, -1);
  for (const n of [1, 2, 3]) {
    await tm(["discover", id, `discover-${n}`], { cwd, env: { TM_AGENT_ID: `writer_${n}` } });
  }
  await tm(["share", id, "progress"], { cwd });
  const db = new DatabaseSync(`${cwd}/.task-orchestrator/tasks.db`, { readOnly: true });
  try {
    const count = db.prepare(
      "SELECT COUNT(*) AS n FROM collaboration_events WHERE task_id=? AND event_type='discovery'",
    ).get(id) as { n: number };
    assert.equal(count.n, 3);
    const rows = db.prepare(
      `SELECT id, seq, agent_id, event_type, content, request_id, created_at
       FROM collaboration_events WHERE task_id=? ORDER BY seq ASC`,
    ).all(id) as Array<Record<string, unknown>>;
    assert.deepEqual(rows.map((r) => [r.seq, r.agent_id, r.event_type, r.content]), [
      [1, "writer_1", "discovery", "discover-1"],
      [2, "writer_2", "discovery", "discover-2"],
      [3, "writer_3", "discovery", "discover-3"],
      [4, "tester", "update", "progress"],
    ]);
    const ids = rows.map((r) => r.id as number);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), "ids follow commit order");
    assert.equal(new Set(ids).size, 4);
    assert.throws(() => db.exec("DELETE FROM collaboration_events"));
  } finally {
    db.close();
  }
});

Deno.test("metrics --feedback prints the original's Feedback metrics lines", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  for (const [quality, timeliness] of [["4", "5"], ["3", "4"]]) {
    const id = (await tm(["add", "Task for metrics"], { cwd })).stdout.slice(-9, -1);
    await tm(["complete", id], { cwd });
    await tm(["feedback", id, "--quality", quality!, "--timeliness", timeliness!], { cwd });
  }
  const metrics = await tm(["metrics", "--feedback"], { cwd });
  assert.equal(metrics.code, 0, metrics.stderr);
  assert.match(
    metrics.stdout,
    /^Feedback metrics:\n {2}Average quality: 3\.5\/5\n {2}Average timeliness: 4\.5\/5\n/,
  );
});
