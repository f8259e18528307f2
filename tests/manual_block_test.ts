import assert from "node:assert/strict";
import { addTask, initProject, tm, tmJson } from "./_in_process.ts";

type Task = { id: string; status: string };

async function status(cwd: string, id: string): Promise<string> {
  return ((await tmJson(["show", id], { cwd })).task as Task).status;
}

Deno.test("a task blocked by hand stays blocked when a dependency comes and goes", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const d = await addTask(cwd, "D");
  const e = await addTask(cwd, "E");
  const f = await addTask(cwd, "F");
  await tmJson(["update", d, "--status", "blocked"], { cwd });
  await tmJson(["dep", "add", d, e], { cwd });
  await tmJson(["dep", "remove", d, e], { cwd });
  assert.equal(await status(cwd, d), "blocked");
  await tmJson(["dep", "add", d, e], { cwd });
  await tmJson(["complete", e], { cwd });
  assert.equal(await status(cwd, d), "blocked");
  await tmJson(["dep", "add", d, f], { cwd });
  assert.equal((await tm(["delete", f, "--force"], { cwd })).code, 0);
  assert.equal(await status(cwd, d), "blocked");
  const explain = await tm(["ready", "--explain", d], { cwd });
  assert.match(explain.stdout, /marked blocked by hand/);
  await tmJson(["update", d, "--status", "pending"], { cwd });
  assert.equal(await status(cwd, d), "pending");
});

Deno.test("a task blocked by its dependencies is still released when they finish", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const api = await addTask(cwd, "API");
  const ui = await addTask(cwd, "UI", ["--depends-on", api]);
  const docs = await addTask(cwd, "docs");
  await tmJson(["dep", "add", docs, api], { cwd });
  assert.equal(await status(cwd, docs), "blocked");
  await tmJson(["complete", api], { cwd });
  assert.equal(await status(cwd, ui), "pending");
  assert.equal(await status(cwd, docs), "pending");
});

Deno.test("a task a worker gave up on is not released by a dependency finishing", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const env = { TM_AGENT_ID: "alice" };
  const flaky = await addTask(cwd, "flaky");
  const worker = await tm(
    ["worker", "--exec", "exit 1", "--drain", "--max-retries", "0", "--poll", "50ms"],
    { cwd, env },
  );
  assert.equal(worker.code, 0, worker.stderr);
  assert.equal(await status(cwd, flaky), "blocked");
  const other = await addTask(cwd, "other");
  await tmJson(["dep", "add", flaky, other], { cwd });
  await tmJson(["complete", other], { cwd });
  assert.equal(await status(cwd, flaky), "blocked");
});
