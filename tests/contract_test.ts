import assert from "node:assert/strict";
import { addTask, initProject, remoteMode, tempDir, tm } from "./_in_process.ts";

Deno.test("--json gives exactly one JSON document with schema_version on stdout, for every command", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const a = await addTask(cwd, "a");
  const b = await addTask(cwd, "b");
  const c = await addTask(cwd, "c");
  const runs: string[][] = [
    ["init"],
    ["add", "new task", "--tag", "x"],
    ["list"],
    ["show", a],
    ["update", a, "--priority", "high"],
    ["assign", a, "alice"],
    ["dep", "add", b, c],
    ["dep", "remove", b, c],
    ["ready", "--limit", "5"],
    ["ready", "--explain", b],
    ["claim", b],
    ["heartbeat", b],
    ["release", b],
    ["complete", c],
    ["delete", a],
    ["export", "--format", "csv"],
    ["export"],
    ["help"],
    ["help", "add"],
    ["--version"],
    // Core loop
    ["criteria", b, "--add", "documented"],
    ["criteria", b, "--set", "coverage=90"],
    ["criteria", b, "--check", "1", "--pass"],
    ["criteria", b, "--list"],
    ["progress", b, "50% halfway"],
    ["feedback", c, "--quality", "4", "--timeliness", "5"],
    ["metrics"],
    ["report", "--format", "json"],
    ["critical-path", "--format", "json"],
    ["config", "--show"],
    ["migrate", "--status"],
    // Collaboration
    ["join", b],
    ["share", b, "shared text"],
    ["note", b, "private text"],
    ["discover", b, "found something"],
    ["sync", b, "checkpoint-1"],
    ["sync", b, "--wait", "checkpoint-1", "--timeout", "1"],
    ["context", b],
    ["watch"],
    // Orchestration
    ["agent", "register", "tester", "--capability", "ts"],
    ["agent", "list"],
    ["agent", "show", "tester"],
    ["template", "list"],
    ["template", "show", "bugfix"],
    ["template", "apply", "bugfix", "--var", "bug=crash"],
    ["prime"],
    ["onboard"],
    ["worker", "--exec", "true", "--drain"],
    ["agent", "remove", "tester"],
  ];
  for (const args of runs) {
    const result = await tm([...args, "--json"], { cwd });
    assert.equal(result.code, 0, `tm ${args.join(" ")}: ${result.stderr}`);
    const lines = result.stdout.trimEnd().split("\n");
    // Streaming commands (worker) print JSON Lines; every other command one document.
    if (args[0] !== "worker") {
      assert.equal(lines.length, 1, `tm ${args.join(" ")} --json printed more than one line`);
    }
    for (const line of lines) {
      const doc = JSON.parse(line);
      assert.equal(doc.schema_version, 1, `tm ${args.join(" ")}`);
    }
  }
});

Deno.test("--json errors: one text line and one JSON error object on stderr, stdout empty", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const result = await tm(["show", "ffffffff", "--json"], { cwd });
  assert.equal(result.code, 3);
  assert.equal(result.stdout, "");
  const [line, json, ...rest] = result.stderr.trimEnd().split("\n");
  assert.deepEqual(rest, []);
  assert.match(line!, /^tm: task "ffffffff" not found/);
  const doc = JSON.parse(json!);
  assert.deepEqual(
    { ...doc, error: { ...doc.error, hint: undefined } },
    {
      schema_version: 1,
      error: {
        code: "not_found",
        exit_code: 3,
        message: 'task "ffffffff" not found',
        retryable: false,
        hint: undefined,
      },
    },
  );
});

Deno.test("global options work anywhere on the line and -- ends option parsing", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const result = await tm(["--json", "add", "--agent-id", "bob", "--", "--json"], { cwd });
  assert.equal(result.code, 0, result.stderr);
  const task = JSON.parse(result.stdout).task;
  assert.equal(task.title, "--json");
  assert.equal(task.created_by, "bob");
  const dashValue = await tm(["add", "-d", "--json", "title", "--json"], { cwd });
  assert.equal(JSON.parse(dashValue.stdout).task.description, "--json");
});

// Remote mode has no default identity: the token names the agent.
Deno.test({
  name: "an unset TM_AGENT_ID is noted on stderr once, never blocks, never prompts",
  ignore: remoteMode,
}, async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const result = await tm(["add", "anon"], { cwd, env: { TM_AGENT_ID: "", USER: "carol" } });
  assert.equal(result.code, 0);
  assert.equal(result.stderr, 'tm: TM_AGENT_ID not set: acting as "carol"\n');
  const bad = await tm(["add", "x"], { cwd, env: { TM_AGENT_ID: "../../evil" } });
  assert.equal(bad.code, 5);
  assert.match(bad.stderr, /invalid TM_AGENT_ID/);
});

Deno.test("exit codes: 6 for a task held by another agent, 0 for empty results", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "contested");
  assert.equal((await tm(["claim", id], { cwd, env: { TM_AGENT_ID: "a" } })).code, 0);
  const lost = await tm(["claim", id], { cwd, env: { TM_AGENT_ID: "b" } });
  assert.equal(lost.code, 6);
  assert.match(lost.stderr, new RegExp(`cannot claim task "${id}": held by "a" until `));
  const other = await tm(["complete", id], { cwd, env: { TM_AGENT_ID: "b" } });
  assert.equal(other.code, 6);
  const empty = await tm(["ready"], { cwd, env: { TM_AGENT_ID: "b" } });
  assert.equal(empty.code, 0);
  assert.equal(empty.stdout, "No ready tasks\n");
  assert.equal((await tm(["list", "--status", "cancelled"], { cwd })).stdout, "No tasks found\n");
});

// Remote mode has no local database to point at.
Deno.test({
  name: "TM_DB_PATH points every command at one database from any directory",
  ignore: remoteMode,
}, async () => {
  await using sharedTemp = await tempDir("tm-shared-");
  const shared = sharedTemp.dir;
  const env = { TM_DB_PATH: `${shared}/state/team.db` };
  await using elsewhereTemp = await tempDir();
  const elsewhere = elsewhereTemp.dir;
  assert.equal((await tm(["list"], { cwd: elsewhere, env })).code, 4, "not initialised yet");
  const init = await tm(["init"], { cwd: elsewhere, env });
  assert.equal(init.stdout, `Task database initialized in ${shared}/state\n`);
  await tm(["add", "shared task"], { cwd: elsewhere, env });
  await using otherTemp = await tempDir();
  const other = otherTemp.dir;
  const listed = await tm(["list"], { cwd: other, env });
  assert.match(listed.stdout, /shared task - pending/);
  const viaFlag = await tm(["list", "--db", `${shared}/state/team.db`], { cwd: other });
  assert.equal(viaFlag.stdout, listed.stdout);
});
