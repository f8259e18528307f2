import assert from "node:assert/strict";
import { addTask, initProject, tm, tmJson } from "./_in_process.ts";

type Task = { id: string; title: string };

Deno.test("an agent is only offered and only claims work its capabilities cover", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const py = { cwd, env: { TM_AGENT_ID: "py" } };
  const web = { cwd, env: { TM_AGENT_ID: "web" } };
  const nobody = { cwd, env: { TM_AGENT_ID: "nobody" } };
  await tmJson(["agent", "register", "py", "--capability", "python,db"], { cwd });
  await tmJson(["agent", "register", "web", "--capability", "Frontend"], { cwd });
  const pyTask = await addTask(cwd, "python job", ["--capability", "python", "-p", "critical"]);
  const both = await addTask(cwd, "python and db", [
    "--capability",
    "python",
    "--capability",
    "db",
  ]);
  const webTask = await addTask(cwd, "web job", ["--capability", "frontend", "-p", "high"]);
  const anyone = await addTask(cwd, "anyone", ["-p", "low"]);

  const ids = async (opts: typeof py, extra: string[] = []) =>
    ((await tmJson(["ready", ...extra], opts)).tasks as Task[]).map((t) => t.id);
  assert.deepEqual(await ids(py), [pyTask, both, anyone]);
  assert.deepEqual(await ids(web), [webTask, anyone]);
  assert.deepEqual(await ids(nobody), [anyone]);
  assert.deepEqual(await ids(py, ["--capability", "python"]), [pyTask, anyone]);

  const agents = await tmJson(["agent", "list"], { cwd });
  assert.deepEqual(
    (agents.agents as Array<{ name: string; capabilities: string[] }>).map((a) => [
      a.name,
      a.capabilities,
    ]),
    [["py", ["db", "python"]], ["web", ["frontend"]]],
  );

  // Claiming without an id never hands out work the agent cannot do.
  const claimed: string[] = [];
  for (let i = 0; i < 3; i++) {
    const result = await tmJson(["claim"], web);
    if (result.task !== null) claimed.push((result.task as Task).id);
  }
  assert.deepEqual(claimed, [webTask, anyone]);
  const refused = await tm(["claim", pyTask, "--json"], web);
  assert.equal(refused.code, 5, refused.stderr);
  assert.match(refused.stderr, /capability python missing/);

  const explained = await tmJson(["ready", "--explain", both], nobody);
  assert.equal(explained.ready, false);
  assert.deepEqual(explained.reasons, [
    "capability db missing (nobody has not registered it)",
    "capability python missing (nobody has not registered it)",
  ]);
  assert.deepEqual(explained.capabilities, ["db", "python"]);

  const shown = await tmJson(["agent", "show", "web"], { cwd });
  assert.deepEqual((shown.held as Task[]).map((t) => t.id).sort(), [webTask, anyone].sort());
  assert.equal((await tm(["agent", "remove", "web"], { cwd })).code, 0);
  assert.equal((await tm(["agent", "show", "web"], { cwd })).code, 3);
  assert.equal((await tm(["agent", "register", "bad name"], { cwd })).code, 5);
});

Deno.test("ready --explain names dependency, holder and assignee reasons together", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const dep = await addTask(cwd, "dependency");
  const task = await addTask(cwd, "task", ["--depends-on", dep, "--assignee", "other"]);
  const result = await tm(["ready", "--explain", task], { cwd });
  assert.equal(result.code, 0);
  assert.match(result.stdout, /ready: no\n- open dependency [0-9a-f]{8} "dependency" \(pending\)/);
  assert.match(result.stdout, /- assigned to other/);
});

Deno.test("required capabilities show in tm show and survive export and import", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "needs gpu", ["--capability", "gpu,python"]);
  const shown = await tm(["show", id], { cwd });
  assert.match(shown.stdout, /^capabilities: gpu, python$/m);
  const exported = await tm(["export", "--format", "jsonl"], { cwd });
  assert.equal(exported.code, 0, exported.stderr);
  await using otherProject = await initProject();
  const other = otherProject.dir;
  await Deno.writeTextFile(`${other}/tasks.jsonl`, exported.stdout);
  assert.equal((await tm(["import", `${other}/tasks.jsonl`], { cwd: other })).code, 0);
  const imported = await tmJson(["show", id], { cwd: other });
  assert.deepEqual((imported.task as { capabilities: string[] }).capabilities, ["gpu", "python"]);
});
