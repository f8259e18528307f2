// A lead can take work back from an agent that died, and no lease outlives the project's
// maximum (issue 9, defect 7); small input checks (defect 10).
import assert from "node:assert/strict";
import { addTask, initProject, tm, tmJson } from "./_in_process.ts";

const as = (agent: string, cwd: string) => ({ cwd, env: { TM_AGENT_ID: agent } });

Deno.test("release --force frees another agent's claim; the former holder gets exit 6", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "t");
  assert.equal((await tm(["claim", id, "--ttl", "20h"], as("dead", cwd))).code, 0);
  const plain = await tm(["release", id], as("lead", cwd));
  assert.equal(plain.code, 6, plain.stderr);
  const noReason = await tm(["release", id, "--force"], as("lead", cwd));
  assert.equal(noReason.code, 2, noReason.stderr);
  const forced = await tmJson(
    ["release", id, "--force", "--reason", "agent died"],
    as("lead", cwd),
  );
  assert.equal((forced.task as { status: string }).status, "pending");
  const next = await tm(["update", id, "--status", "in_progress"], as("dead", cwd));
  assert.equal(next.code, 6, next.stderr);
  assert.match(next.stderr, /lease lost/);
  const show = await tmJson(["show", id], as("lead", cwd));
  const history = (show.task as { history: Array<{ type: string; data: unknown }> }).history;
  const revoked = history.find((event) => event.type === "lease_expired");
  assert.deepEqual(
    (revoked?.data as Record<string, unknown>)?.reason,
    "agent died",
  );
});

Deno.test("claim --steal takes a live lease; the former holder is notified and gets exit 6", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "t");
  assert.equal((await tm(["claim", id], as("slow", cwd))).code, 0);
  assert.equal((await tm(["claim", id], as("lead", cwd))).code, 6);
  const stolen = await tmJson(["claim", id, "--steal", "--reason", "reassigning"], as("lead", cwd));
  assert.equal(stolen.took_over_from, "slow");
  assert.equal((stolen.task as { claimed_by: string }).claimed_by, "lead");
  const heartbeat = await tm(["heartbeat", id], as("slow", cwd));
  assert.equal(heartbeat.code, 6, heartbeat.stderr);
  const complete = await tm(["complete", id], as("slow", cwd));
  assert.equal(complete.code, 6, complete.stderr);
  const db = await import("node:sqlite");
  const conn = new db.DatabaseSync(`${cwd}/.task-orchestrator/tasks.db`, { readOnly: true });
  const row = conn.prepare(
    "SELECT message, priority FROM notifications WHERE recipient = 'slow' ORDER BY id DESC",
  ).get() as { message: string; priority: string };
  conn.close();
  assert.match(row.message, /lead stole task .*reassigning/);
  assert.equal(row.priority, "high");
});

Deno.test("no lease longer than the maximum: claim, heartbeat and import refuse it", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "t");
  const long = await tm(["claim", id, "--ttl", "3650d"], { cwd });
  assert.equal(long.code, 5, long.stderr);
  assert.match(long.stderr, /maximum lease/);
  assert.equal((await tm(["claim", id, "--ttl", "2h"], { cwd })).code, 0);
  assert.equal((await tm(["heartbeat", id, "--ttl", "25h"], { cwd })).code, 5);
  const lowered = await tm(["heartbeat", id, "--ttl", "2h"], {
    cwd,
    env: { TM_MAX_LEASE: "1h" },
  });
  assert.equal(lowered.code, 5, lowered.stderr);
  const line = JSON.stringify({
    id: "0123abcd",
    title: "imported",
    status: "in_progress",
    claimed_by: "ghost",
    lease_expires_at: "9999-12-31T00:00:00Z",
  });
  const imported = await tm(["import", "-"], { cwd, stdin: `${line}\n` });
  assert.equal(imported.code, 5, imported.stderr);
  assert.match(imported.stderr, /line 1: field "lease_expires_at"/);
});

Deno.test("hex hours, year 0 and a bad created_at are refused with the right words", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const hex = await tm(["add", "x", "--estimated-hours", "0x10"], { cwd });
  assert.equal(hex.code, 5, hex.stderr);
  const year0 = await tm(["add", "x", "--deadline", "0000-01-01"], { cwd });
  assert.equal(year0.code, 5, year0.stderr);
  const line = JSON.stringify({ id: "0123abcd", title: "x", created_at: "yesterday" });
  const imported = await tm(["import", "-"], { cwd, stdin: `${line}\n` });
  assert.equal(imported.code, 5, imported.stderr);
  assert.match(imported.stderr, /field "created_at": invalid time/);
  assert.doesNotMatch(imported.stderr, /deadline/);
});

Deno.test("tm lsit suggests list, and tm init writes a .gitignore for the data directory", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const typo = await tm(["lsit"], { cwd });
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /did you mean "list"\?/);
  const ignore = await Deno.readTextFile(`${cwd}/.task-orchestrator/.gitignore`);
  for (const line of ["tasks.db", "private_notes/", "backups/"]) {
    assert.ok(ignore.split("\n").includes(line), line);
  }
});

Deno.test("the built-in feature template's tasks can be claimed by an agent with no capabilities", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const applied = await tmJson(["template", "apply", "feature", "--var", "feature=x"], { cwd });
  assert.equal(applied.count, 4);
  const claimed = await tmJson(["claim"], { cwd });
  assert.notEqual(claimed.task, null);
});
