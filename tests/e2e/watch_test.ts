import assert from "node:assert/strict";
import { addTask, spawnTm, tempProject, tm, tmJson } from "../_cli.ts";

interface Note {
  schema_version: number;
  event_id: number;
  task_id: string;
  type: string;
  message: string;
}

Deno.test("watch --follow receives an unblock caused by another process's complete", async () => {
  await using project = await tempProject();
  const cwd = project.dir;
  const api = await addTask(cwd, "API");
  const ui = await addTask(cwd, "UI", ["--depends-on", api]);
  await tmJson(["join", ui], { cwd, env: { TM_AGENT_ID: "bob" } });
  await tmJson(["discover", api, "schema changed"], { cwd });
  const watcher = spawnTm(["watch", "--follow", "--json", "--timeout", "60"], {
    cwd,
    env: { TM_AGENT_ID: "bob" },
  });
  // The first line proves the watcher is past its first batch, so the unblock below can only
  // reach it through the follow loop's wait.
  const lines = [await watcher.nextLine()];
  const done = await tmJson(["complete", api], { cwd });
  assert.deepEqual(done.unblocked, [ui]);
  lines.push(await watcher.nextLine());
  watcher.kill("SIGTERM");
  const { code, stderr } = await watcher.finish();
  assert.equal(code, 0, stderr);
  const notes = lines.map((line) => JSON.parse(line!) as Note);
  assert.deepEqual(notes.map((n) => [n.schema_version, n.type, n.task_id]), [
    [1, "discovered", api],
    [1, "unblocked", ui],
  ]);
  assert.ok(notes[0]!.event_id < notes[1]!.event_id);
  assert.match(notes[1]!.message, /is unblocked and ready to start/);
  // Delivered by --follow means read: a plain watch has nothing new.
  const after = await tm(["watch"], { cwd, env: { TM_AGENT_ID: "bob" } });
  assert.equal(after.stdout, "No new notifications\n");
});

Deno.test("watch --follow prints text lines and exits 0 on SIGINT", async () => {
  await using project = await tempProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "API");
  await tmJson(["join", id], { cwd, env: { TM_AGENT_ID: "bob" } });
  await tmJson(["sync", id, "ready"], { cwd });
  const watcher = spawnTm(["watch", "--follow"], { cwd, env: { TM_AGENT_ID: "bob" } });
  assert.equal(
    await watcher.nextLine(),
    `[SYNC_POINT] Sync point "ready" reached on task ${id} "API" by tester`,
  );
  watcher.kill("SIGINT");
  assert.deepEqual(await watcher.finish(), { code: 0, stderr: "" });
});
