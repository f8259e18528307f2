import assert from "node:assert/strict";
import { addTask, Clock, initProject, tm, tmJson } from "./_in_process.ts";

const as = (agent: string) => ({ TM_AGENT_ID: agent });

Deno.test("claim without an id takes the best ready task; release gives it back", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  await addTask(cwd, "low", ["-p", "low"]);
  const urgent = await addTask(cwd, "urgent", ["-p", "critical"]);
  const claimed = await tmJson(["claim"], { cwd, env: as("a") });
  const task = claimed.task as Record<string, unknown>;
  assert.equal(task.id, urgent);
  assert.equal(task.status, "in_progress");
  assert.equal(task.claimed_by, "a");
  const ready = await tmJson(["ready"], { cwd, env: as("b") });
  assert.equal(ready.count, 1, "a held task is not offered");
  const refused = await tm(["release", urgent], { cwd, env: as("b") });
  assert.equal(refused.code, 6);
  const released = await tmJson(["release", urgent], { cwd, env: as("a") });
  assert.equal((released.task as Record<string, unknown>).status, "pending");
  assert.equal((await tmJson(["ready"], { cwd, env: as("b") })).count, 2);
});

Deno.test("an expired lease makes the task claimable; the old holder is told and loses it", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "short lease");
  // The clock moves past the lease instead of a sleep racing it.
  const clock = new Clock();
  assert.equal((await tm(["claim", id, "--ttl", "1s"], { cwd, clock, env: as("slow") })).code, 0);
  assert.equal((await tm(["claim", id], { cwd, clock, env: as("fast") })).code, 6);
  clock.advance(1100);
  const explain = await tmJson(["ready", "--explain", id], { cwd, clock, env: as("fast") });
  assert.equal(explain.ready, true);
  const taken = await tmJson(["claim"], { cwd, clock, env: as("fast") });
  assert.equal(taken.took_over_from, "slow");
  const lost = await tm(["heartbeat", id], { cwd, clock, env: as("slow") });
  assert.equal(lost.code, 6);
  assert.match(lost.stderr, /lease lost: "slow"'s lease expired and "fast" took the task over/);
  const complete = await tm(["complete", id], { cwd, clock, env: as("slow") });
  assert.equal(complete.code, 6, "the old holder cannot overwrite the new holder's work");
  const history =
    ((await tmJson(["show", id], { cwd })).task as { history: Array<{ type: string }> })
      .history.map((e) => e.type);
  assert.deepEqual(history, ["created", "claimed", "lease_expired", "claimed"]);
});

Deno.test("ready --explain names every reason and assignment routes work", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const dep = await addTask(cwd, "dependency");
  const waiting = await addTask(cwd, "waiting", ["--depends-on", dep, "--assignee", "zoe"]);
  const explain = await tmJson(["ready", "--explain", waiting], { cwd, env: as("me") });
  assert.equal(explain.ready, false);
  assert.deepEqual(explain.reasons, [
    `open dependency ${dep} "dependency" (pending)`,
    "assigned to zoe",
  ]);
  await tm(["complete", dep], { cwd });
  assert.equal((await tmJson(["ready"], { cwd, env: as("me") })).count, 0);
  const mine = await tmJson(["ready", "--mine"], { cwd, env: as("zoe") });
  assert.deepEqual((mine.tasks as Array<{ id: string }>).map((t) => t.id), [waiting]);
  assert.equal((await tm(["claim", waiting], { cwd, env: as("me") })).code, 6);
  assert.equal((await tm(["claim", waiting], { cwd, env: as("zoe") })).code, 0);
});
