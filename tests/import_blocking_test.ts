/**
 * Status changes that arrive by `import --merge` or `restore-task` block and unblock what
 * depends on them exactly as `tm complete` and `tm dep add` do: with the event, and with the
 * participants told.
 */
import assert from "node:assert/strict";
import { addTask, initProject, tm, tmJson } from "./_in_process.ts";

const NEWER = "2099-01-01T00:00:00.000Z";
const bob = { TM_AGENT_ID: "bob" };

/** The project's export, one record by id. */
async function exported(cwd: string): Promise<Map<string, Record<string, unknown>>> {
  const text = (await tm(["export", "--format", "jsonl"], { cwd })).stdout;
  const records = text.trim().split("\n").map((line) => JSON.parse(line));
  return new Map(records.map((r) => [r.id as string, r]));
}

/** Merge newer copies of records, each changed by `changes`. */
async function mergeNewer(cwd: string, changes: Record<string, Record<string, unknown>>) {
  const records = await exported(cwd);
  const stdin = Object.entries(changes).map(([id, change]) =>
    JSON.stringify({ ...records.get(id), ...change, updated_at: NEWER })
  ).join("\n");
  const result = await tm(["import", "--merge", "-"], { cwd, stdin });
  assert.equal(result.code, 0, result.stderr);
}

const statusOf = async (cwd: string, id: string) =>
  ((await tmJson(["show", id], { cwd })).task as { status: string }).status;

const historyOf = async (cwd: string, id: string) =>
  ((await tmJson(["show", id], { cwd })).task as { history: Array<{ type: string }> }).history
    .map((e) => e.type);

Deno.test("a merge that completes a task unblocks its dependents and tells their assignee", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const api = await addTask(cwd, "API");
  const ui = await addTask(cwd, "UI", ["--depends-on", api, "--assignee", "bob"]);
  assert.equal(await statusOf(cwd, ui), "blocked");
  await tm(["watch"], { cwd, env: bob });

  await mergeNewer(cwd, { [api]: { status: "completed", completed_at: NEWER } });

  assert.equal(await statusOf(cwd, ui), "pending");
  assert.equal((await historyOf(cwd, ui)).at(-1), "unblocked");
  const watch = await tm(["watch"], { cwd, env: bob });
  assert.match(
    watch.stdout,
    new RegExp(`\\[UNBLOCKED\\] Task ${ui} "UI" is unblocked and ready to start`),
  );
});

Deno.test("a merge that re-opens a completed task blocks its pending dependents again", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const api = await addTask(cwd, "API");
  const ui = await addTask(cwd, "UI", ["--depends-on", api]);
  assert.equal((await tm(["complete", api], { cwd })).code, 0);
  assert.equal(await statusOf(cwd, ui), "pending");

  await mergeNewer(cwd, { [api]: { status: "pending", completed_at: null } });

  assert.equal(await statusOf(cwd, ui), "blocked");
  assert.equal((await historyOf(cwd, ui)).at(-1), "blocked");
  const ready = (await tmJson(["ready"], { cwd })).tasks as Array<{ id: string }>;
  assert.deepEqual(ready.map((t) => t.id), [api]);
});

Deno.test("a merge that gives a pending task a dependency on an open task blocks it, recorded", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const api = await addTask(cwd, "API");
  const ui = await addTask(cwd, "UI");

  await mergeNewer(cwd, { [ui]: { dependencies: [api] } });

  assert.equal(await statusOf(cwd, ui), "blocked");
  assert.equal((await historyOf(cwd, ui)).at(-1), "blocked");
});

Deno.test("restoring a task whose dependency finished meanwhile unblocks it and tells its assignee", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const api = await addTask(cwd, "API");
  const ui = await addTask(cwd, "UI", ["--depends-on", api, "--assignee", "bob"]);
  assert.equal((await tm(["delete", ui], { cwd })).code, 0);
  assert.equal((await tm(["complete", api], { cwd })).code, 0);
  await tm(["watch"], { cwd, env: bob });

  assert.equal((await tm(["restore-task", ui], { cwd })).code, 0);

  assert.equal(await statusOf(cwd, ui), "pending");
  assert.equal((await historyOf(cwd, ui)).at(-1), "unblocked");
  assert.match((await tm(["watch"], { cwd, env: bob })).stdout, /\[UNBLOCKED\] Task/);
});
