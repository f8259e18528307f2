import assert from "node:assert/strict";
import { addTask, Clock, initProject, tm, tmJson } from "./_in_process.ts";

type Task = { id: string; created_by: string; created_at: string };

Deno.test("a fake Io isolates one run: its clock, environment and directory are what tm sees", async () => {
  await using first = await initProject();
  await using second = await initProject();
  const clock = new Clock(new Date("2030-01-02T03:04:05.000Z"));
  const [a, b] = await Promise.all([
    tmJson(["add", "in the first"], { cwd: first.dir, clock, env: { TM_AGENT_ID: "ann" } }),
    tmJson(["add", "in the second"], { cwd: second.dir, env: { TM_AGENT_ID: "ben" } }),
  ]);
  const one = a.task as Task;
  assert.equal(one.created_at, "2030-01-02T03:04:05.000Z");
  assert.equal(one.created_by, "ann");
  assert.equal((b.task as Task).created_by, "ben");
  assert.equal((await tmJson(["list"], { cwd: first.dir })).count, 1);
  assert.equal((await tmJson(["list"], { cwd: second.dir })).count, 1);
});

Deno.test("the movable clock expires a lease without waiting", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const clock = new Clock();
  const id = await addTask(cwd, "held");
  await tmJson(["claim", id, "--ttl", "1h"], { cwd, clock, env: { TM_AGENT_ID: "ann" } });
  const held = await tm(["claim", id], { cwd, clock, env: { TM_AGENT_ID: "ben" } });
  assert.equal(held.code, 6);
  clock.advance(60 * 60_000 + 1);
  const taken = await tmJson(["claim", id], { cwd, clock, env: { TM_AGENT_ID: "ben" } });
  assert.equal(taken.took_over_from, "ann");
});

Deno.test("a temporary project removes itself at the end of its block", async () => {
  let dir: string;
  {
    await using project = await initProject();
    dir = project.dir;
    assert.ok((await Deno.stat(`${dir}/.task-orchestrator`)).isDirectory);
  }
  await assert.rejects(() => Deno.stat(dir), Deno.errors.NotFound);
});

Deno.test("nothing under src/cli but io.ts reads the process's environment, directory, streams or clock", async () => {
  const forbidden = /Deno\.(env|cwd|stdout|stderr|stdin|args|exit)\b|new Date\(\)|console\./;
  const offenders: string[] = [];
  const dir = new URL("../src/cli/", import.meta.url);
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.name.endsWith(".ts") || entry.name.endsWith("_test.ts")) continue;
    if (entry.name === "io.ts") continue;
    const lines = (await Deno.readTextFile(new URL(entry.name, dir))).split("\n");
    lines.forEach((line, i) => {
      if (forbidden.test(line) && !line.trim().startsWith("*")) {
        offenders.push(`${entry.name}:${i + 1}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(offenders, []);
});
