/**
 * Bulk changes: several ids or a `--where` selection, one transaction, all or nothing.
 */
import assert from "node:assert/strict";
import { addTask, initProject, tm, tmJson } from "./_in_process.ts";

async function statuses(cwd: string, ids: string[]): Promise<string[]> {
  const tasks = (await tmJson(["list"], { cwd })).tasks as Array<{ id: string; status: string }>;
  return ids.map((id) => tasks.find((t) => t.id === id)?.status ?? "gone");
}

Deno.test("complete takes several ids and reports each, with its --summary", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const a = await addTask(cwd, "A");
  const b = await addTask(cwd, "B");
  const waiting = await addTask(cwd, "C", ["--depends-on", a, b]);
  const result = await tm(["complete", a, b, "--summary", "both", "done"], { cwd });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    `Task ${a} completed\nTask ${b} completed\nUnblocked: ${waiting}\n`,
  );
  assert.deepEqual(await statuses(cwd, [a, b, waiting]), ["completed", "completed", "pending"]);
});

Deno.test("a refused task in a batch changes nothing and names the task", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const free = await addTask(cwd, "Free");
  const held = await addTask(cwd, "Held");
  assert.equal((await tm(["claim", held], { cwd, env: { TM_AGENT_ID: "bob" } })).code, 0);
  const result = await tm(["complete", free, held], { cwd });
  assert.equal(result.code, 6);
  assert.equal(result.stdout, "");
  assert.match(
    result.stderr,
    new RegExp(
      `^tm: cannot complete task "${held}": held by "bob".*\\(task 2 of 2: nothing was changed\\)`,
    ),
  );
  assert.deepEqual(await statuses(cwd, [free, held]), ["pending", "in_progress"]);
  const json = await tm(["complete", free, held, "--json"], { cwd });
  const error = JSON.parse(json.stderr.trim().split("\n")[1]!).error;
  assert.equal(error.details.input, held);
  assert.deepEqual(error.details.done_before, [free]);
});

Deno.test("update --where changes every selected task in one go, with a JSON report", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const a = await addTask(cwd, "A", ["--tag", "sprint"]);
  const b = await addTask(cwd, "B", ["--tag", "sprint"]);
  const other = await addTask(cwd, "C");
  const result = await tmJson(["update", "--where", "tag=sprint open", "-p", "high"], { cwd });
  assert.equal(result.count, 2);
  const results = result.results as Array<{ task: { id: string; priority: string } }>;
  assert.deepEqual(results.map((r) => [r.task.id, r.task.priority]), [[a, "high"], [b, "high"]]);
  const text = await tm(["update", "--where", "--tag sprint", "--untag", "sprint"], { cwd });
  assert.equal(text.stdout, `Task ${a} updated\nTask ${b} updated\n`);
  const none = await tm(["update", "--where", "tag=sprint", "-p", "low"], { cwd });
  assert.equal(none.stdout, "No tasks found\n");
  const shown = await tmJson(["show", other], { cwd });
  assert.equal((shown.task as { priority: string }).priority, "medium");
});

Deno.test("assign, release and delete take several ids too", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const a = await addTask(cwd, "A");
  const b = await addTask(cwd, "B");
  const assigned = await tm(["assign", a, b, "carol"], { cwd });
  assert.equal(assigned.stdout, `Task ${a} assigned to carol\nTask ${b} assigned to carol\n`);
  const env = { TM_AGENT_ID: "carol" };
  assert.equal((await tm(["claim", a], { cwd, env })).code, 0);
  assert.equal((await tm(["claim", b], { cwd, env })).code, 0);
  const released = await tm(["release", "--where", "mine status=in_progress"], { cwd, env });
  assert.equal(released.stdout, `Task ${a} released\nTask ${b} released\n`);
  const deleted = await tmJson(["delete", a, b], { cwd });
  assert.equal(deleted.count, 2);
  assert.deepEqual(await statuses(cwd, [a, b]), ["gone", "gone"]);
});

Deno.test("ids and --where together, or neither, are usage errors", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const a = await addTask(cwd, "A");
  const both = await tm(["delete", a, "--where", "open"], { cwd });
  assert.equal(both.code, 2);
  assert.match(both.stderr, /give task ids or --where, not both/);
  const neither = await tm(["complete"], { cwd });
  assert.equal(neither.code, 2);
  assert.match(neither.stderr, /missing argument ID/);
  const noAgent = await tm(["assign", a], { cwd });
  assert.equal(noAgent.code, 2);
  assert.match(noAgent.stderr, /missing argument AGENT/);
  const badWhere = await tm(["delete", "--where", "colour=red"], { cwd });
  assert.equal(badWhere.code, 2);
});
