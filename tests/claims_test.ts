import assert from "node:assert/strict";
import { addTask, initProject, tm, tmJson } from "./_cli.ts";

const as = (agent: string) => ({ TM_AGENT_ID: agent });

Deno.test("claim without an id takes the best ready task; release gives it back", async () => {
  const cwd = await initProject();
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
  const cwd = await initProject();
  const id = await addTask(cwd, "short lease");
  assert.equal((await tm(["claim", id, "--ttl", "1s"], { cwd, env: as("slow") })).code, 0);
  assert.equal((await tm(["claim", id], { cwd, env: as("fast") })).code, 6);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const explain = await tmJson(["ready", "--explain", id], { cwd, env: as("fast") });
  assert.equal(explain.ready, true);
  const taken = await tmJson(["claim"], { cwd, env: as("fast") });
  assert.equal(taken.took_over_from, "slow");
  const lost = await tm(["heartbeat", id], { cwd, env: as("slow") });
  assert.equal(lost.code, 6);
  assert.match(lost.stderr, /lease lost: "slow"'s lease expired and "fast" took the task over/);
  const complete = await tm(["complete", id], { cwd, env: as("slow") });
  assert.equal(complete.code, 6, "the old holder cannot overwrite the new holder's work");
  const history =
    ((await tmJson(["show", id], { cwd })).task as { history: Array<{ type: string }> })
      .history.map((e) => e.type);
  assert.deepEqual(history, ["created", "claimed", "lease_expired", "claimed"]);
});

Deno.test("ready --explain names every reason and assignment routes work", async () => {
  const cwd = await initProject();
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

Deno.test("twelve simultaneous tm init on a fresh directory all succeed", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "tm-init-race-" });
  const results = await Promise.all(Array.from({ length: 12 }, () => tm(["init"], { cwd })));
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  assert.equal(results.filter((r) => r.stdout.startsWith("Initialized")).length >= 1, true);
  assert.equal((await tmJson(["list"], { cwd })).count, 0);
});
