import assert from "node:assert/strict";
import { addTask, initProject, tm, tmJson } from "./_in_process.ts";

async function installHook(cwd: string, name: string, script: string): Promise<void> {
  const dir = `${cwd}/.task-orchestrator/hooks`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/${name}`, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
}

Deno.test("hooks receive the committed event as JSON on stdin", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  await installHook(cwd, "on-task-created", `cat > "${cwd}/created.json"`);
  await installHook(cwd, "on-task-completed", `cat > "${cwd}/completed.json"`);
  const id = await addTask(cwd, "API");
  const created = JSON.parse(await Deno.readTextFile(`${cwd}/created.json`));
  assert.deepEqual(
    [created.schema_version, created.event.type, created.event.task_id, created.event.agent],
    [1, "created", id, "tester"],
  );
  assert.equal(typeof created.event.id, "number");
  await tmJson(["complete", id], { cwd });
  const completed = JSON.parse(await Deno.readTextFile(`${cwd}/completed.json`));
  assert.deepEqual([completed.event.type, completed.event.task_id], ["completed", id]);
  assert.ok(completed.event.id > created.event.id);
});

Deno.test("a failing hook is reported in one line and changes nothing", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  await installHook(cwd, "on-task-created", "echo 'no ticket system' >&2; exit 3");
  const result = await tm(["add", "API", "--json"], { cwd });
  assert.equal(result.code, 0);
  const id = JSON.parse(result.stdout).task.id;
  assert.match(
    result.stderr,
    /^tm: hook on-task-created failed for event \d+: exit code 3: no ticket system\n$/,
  );
  const shown = await tmJson(["show", id], { cwd });
  assert.equal((shown.task as { title: string }).title, "API");
});

Deno.test("a hanging hook is killed after TM_HOOK_TIMEOUT and the command succeeds", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  // The shell's child must die too: a timeout kills the hook's whole process group.
  await installHook(cwd, "on-task-shared", `sleep 30 & echo $! > "${cwd}/child.pid"; wait`);
  const id = await addTask(cwd, "API");
  const result = await tm(["share", id, "hello"], { cwd, env: { TM_HOOK_TIMEOUT: "0.5" } });
  assert.equal(result.code, 0);
  assert.equal(result.stdout, `Shared update for task ${id}\n`);
  assert.match(
    result.stderr,
    /^tm: hook on-task-shared failed for event \d+: timed out after 0.5s and was killed\n$/,
  );
  const context = await tmJson(["context", id], { cwd });
  assert.equal((context.entries as unknown[]).length, 1);
  if (Deno.build.os === "linux") {
    // Gone, or a zombie waiting for a reaper: either way no longer running.
    const pid = Number(await Deno.readTextFile(`${cwd}/child.pid`));
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => "");
    assert.ok(stat === "" || /^\d+ \(.*\) Z/.test(stat), stat);
  }
});

Deno.test("non-executable files in the hooks directory are ignored", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const dir = `${cwd}/.task-orchestrator/hooks`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/on-task-created`, "#!/bin/sh\nexit 1\n", { mode: 0o644 });
  const result = await tm(["add", "API"], { cwd });
  assert.deepEqual([result.code, result.stderr], [0, ""]);
});
