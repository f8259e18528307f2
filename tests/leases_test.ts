import assert from "node:assert/strict";
import { addTask, Clock, initProject, tm, tmJson } from "./_in_process.ts";

type Task = { id: string; claimed_by: string | null; lease_expires_at: string | null };

function errorCode(stderr: string): string {
  const line = stderr.split("\n").find((l) => l.startsWith("{"))!;
  return JSON.parse(line).error.code;
}

Deno.test("an expired lease is taken over and the former holder gets lease_lost on every write", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  // The clock moves past a lease instead of a sleep racing it.
  const clock = new Clock();
  const a = { cwd, clock, env: { TM_AGENT_ID: "alice" } };
  const b = { cwd, clock, env: { TM_AGENT_ID: "bob" } };
  const id = await addTask(cwd, "contended");
  await tmJson(["claim", id, "--ttl", "1s"], a);
  const early = await tm(["claim", id, "--json"], b);
  assert.equal(early.code, 6);
  assert.equal(errorCode(early.stderr), "conflict");

  clock.advance(1100);
  const ready = await tmJson(["ready"], b);
  assert.deepEqual((ready.tasks as Task[]).map((t) => t.id), [id]);
  const taken = await tmJson(["claim"], b);
  assert.equal(taken.took_over_from, "alice");
  assert.equal((taken.task as Task).claimed_by, "bob");

  for (
    const args of [["complete", id], ["heartbeat", id], ["release", id], [
      "update",
      id,
      "-p",
      "high",
    ]]
  ) {
    const lost = await tm([...args, "--json"], a);
    assert.equal(lost.code, 6, `${args.join(" ")}: ${lost.stderr}`);
    assert.equal(errorCode(lost.stderr), "lease_lost", args.join(" "));
    assert.match(lost.stderr, /lease lost/);
  }
  // Still lost after the new holder finished: never a silent overwrite.
  await tmJson(["complete", id], b);
  const after = await tm(["update", id, "--status", "pending", "--json"], a);
  assert.equal(after.code, 6);
  assert.equal(errorCode(after.stderr), "lease_lost");
  const shown = await tmJson(["show", id], b);
  assert.equal((shown.task as { status: string }).status, "completed");
  const briefing = await tmJson(["prime"], a);
  const notice =
    (briefing.notifications as Array<{ type: string; priority: string; message: string }>)
      .find((n) => n.type === "lease_expired");
  assert.deepEqual([notice!.type, notice!.priority], ["lease_expired", "high"]);
  assert.match(
    notice!.message,
    /Your lease on task [0-9a-f]{8} "contended" expired; bob claimed it/,
  );
});

Deno.test("any write by the holder renews its lease, and a re-claim clears a lost lease", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  // The clock moves past a lease instead of a sleep racing it.
  const clock = new Clock();
  const a = { cwd, clock, env: { TM_AGENT_ID: "alice" } };
  const b = { cwd, clock, env: { TM_AGENT_ID: "bob" } };
  const id = await addTask(cwd, "renewed");
  const claimed = await tmJson(["claim", id, "--ttl", "1s"], a);
  const first = (claimed.task as Task).lease_expires_at!;
  const updated = await tmJson(["update", id, "-p", "high"], a);
  const renewed = (updated.task as Task).lease_expires_at!;
  assert.ok(Date.parse(renewed) - Date.parse(first) > 60_000, `${first} -> ${renewed}`);
  // A write never shortens a longer lease.
  const long = await tmJson(["claim", id, "--ttl", "2h"], a);
  const longLease = (long.task as Task).lease_expires_at!;
  const after = await tmJson(["update", id, "-p", "low"], a);
  assert.equal((after.task as Task).lease_expires_at, longLease);

  const other = await addTask(cwd, "lost then reclaimed");
  await tmJson(["claim", other, "--ttl", "1s"], a);
  clock.advance(1100);
  await tmJson(["claim", other], b);
  await tmJson(["release", other], b);
  assert.equal((await tm(["complete", other], a)).code, 6);
  await tmJson(["claim", other], a);
  await tmJson(["complete", other], a);
});

Deno.test("a plain heartbeat never shortens a longer lease; an explicit --ttl sets it exactly", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const a = { cwd, env: { TM_AGENT_ID: "alice" } };
  const id = await addTask(cwd, "long job");
  const claimed = await tmJson(["claim", id, "--ttl", "2h"], a);
  const longLease = (claimed.task as Task).lease_expires_at!;
  const beat = await tmJson(["heartbeat", id], a);
  assert.equal((beat.task as Task).lease_expires_at, longLease);
  const before = Date.now();
  const short = await tmJson(["heartbeat", id, "--ttl", "10m"], a);
  const shortLease = Date.parse((short.task as Task).lease_expires_at!);
  assert.ok(shortLease >= before + 600_000 - 1000 && shortLease <= Date.now() + 600_000 + 1000);
});

Deno.test("a lease shorter than a second is rejected by claim, heartbeat and worker", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const a = { cwd, env: { TM_AGENT_ID: "alice" } };
  const id = await addTask(cwd, "instant");
  for (const ttl of ["0", "0s", "500ms"]) {
    const refused = await tm(["claim", id, "--ttl", ttl, "--json"], a);
    assert.equal(refused.code, 5, refused.stderr);
    assert.equal(errorCode(refused.stderr), "validation");
  }
  await tmJson(["claim", id], a);
  assert.equal((await tm(["heartbeat", id, "--ttl", "0"], a)).code, 5);
  const worker = await tm(["worker", "--exec", "true", "--drain", "--ttl", "0"], a);
  assert.equal(worker.code, 5, worker.stderr);
  const ready = await tmJson(["show", id], a);
  assert.equal((ready.task as Task).claimed_by, "alice");
});
