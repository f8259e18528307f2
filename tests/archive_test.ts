/**
 * Archiving finished work and restoring deleted tasks.
 */
import assert from "node:assert/strict";
import { addTask, Clock, initProject, tm, tmJson } from "./_in_process.ts";

const DAY = 86_400_000;

async function listed(cwd: string, args: string[] = []): Promise<string[]> {
  return ((await tmJson(["list", ...args], { cwd })).tasks as Array<{ id: string }>)
    .map((t) => t.id);
}

Deno.test("archive moves finished tasks out of the default views, kept for --archived and export", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const clock = new Clock(new Date("2026-11-01T12:00:00Z"));
  const old = await addTask(cwd, "Old finished work");
  assert.equal((await tm(["complete", old], { cwd, clock })).code, 0);
  clock.advance(40 * DAY);
  const recent = await addTask(cwd, "Recent finished work");
  assert.equal((await tm(["complete", recent], { cwd, clock })).code, 0);
  const open = await addTask(cwd, "Open work");
  const result = await tm(["archive", "--older-than", "30d"], { cwd, clock });
  assert.equal(result.stdout, "Archived 1 task\n");
  assert.deepEqual(await listed(cwd), [recent, open]);
  assert.deepEqual(await listed(cwd, ["--archived"]), [old, recent, open]);
  assert.deepEqual(await listed(cwd, ["--archived", "--search", "old"]), [old]);
  assert.equal((await tm(["show", old], { cwd })).code, 0);
  const exported = await tm(["export", "--format", "jsonl"], { cwd });
  assert.equal(exported.stdout.trim().split("\n").length, 3);
  const all = await tmJson(["archive"], { cwd, clock });
  assert.deepEqual(all.archived, [recent]);
});

Deno.test("a deleted task comes back with its details and its dependencies that still exist", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const dep = await addTask(cwd, "Dependency");
  const gone = await addTask(cwd, "Dependency deleted too");
  const id = await addTask(cwd, "Deleted", [
    "--depends-on",
    dep,
    gone,
    "--tag",
    "t1",
    "--meta",
    "k:v",
    "-d",
    "details",
  ]);
  assert.equal((await tm(["delete", id], { cwd })).code, 0);
  assert.equal((await tm(["delete", gone], { cwd })).code, 0);
  const restored = await tm(["restore-task", id.slice(0, 5)], { cwd });
  assert.equal(restored.code, 0, restored.stderr);
  assert.equal(
    restored.stdout,
    `Task ${id} restored\nSkipped dependencies (deleted): ${gone}\n`,
  );
  const task = (await tmJson(["show", id], { cwd })).task as {
    description: string;
    tags: string[];
    meta: Record<string, string>;
    status: string;
    dependencies: Array<{ id: string }>;
  };
  assert.equal(task.description, "details");
  assert.deepEqual(task.tags, ["t1"]);
  assert.deepEqual(task.meta, { k: "v" });
  assert.deepEqual(task.dependencies.map((d) => d.id), [dep]);
  assert.equal(task.status, "blocked");
  const again = await tm(["restore-task", id], { cwd });
  assert.equal(again.code, 3);
});

Deno.test("a tombstone older than 30 days cannot be restored", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const clock = new Clock(new Date("2026-11-01T12:00:00Z"));
  const id = await addTask(cwd, "Deleted long ago");
  assert.equal((await tm(["delete", id], { cwd, clock })).code, 0);
  clock.advance(31 * DAY);
  const result = await tm(["restore-task", id], { cwd, clock });
  assert.equal(result.code, 3);
  assert.match(
    result.stderr,
    /deleted task ".*" not found \(deleted tasks can be restored for 30 days\)/,
  );
});
