// Orchestration enforcement as the original had it (research/original.md §4): the checks, the
// levels, the guard of its commands and its commands, with tm's default (advisory) unchanged.
import assert from "node:assert/strict";
import { run } from "../src/cli/run.ts";
import { fakeIo, initProject, tempDir, tm, tmJson, type TmOptions } from "./_in_process.ts";

/** An executable `tm` in `dir`, as an installed tm would be. */
async function installTm(dir: string): Promise<void> {
  await Deno.writeTextFile(`${dir}/tm`, "#!/bin/sh\n");
  await Deno.chmod(`${dir}/tm`, 0o755);
}

/** Run tm with a terminal that answers `answers` in turn (confirm: "y"/"n"; ask: the text). */
async function onTerminal(args: string[], options: TmOptions, answers: string[]) {
  const io = fakeIo(options);
  const asked: string[] = [];
  const next = (question: string) => {
    asked.push(question);
    return answers.shift();
  };
  io.confirm = (question) => {
    const answer = next(question);
    return answer === undefined ? undefined : answer === "y";
  };
  io.ask = next;
  const code = await run(args, io);
  return { code, stdout: io.out.join(""), stderr: io.err.join(""), asked };
}

Deno.test("validate-orchestration says valid only with TM_AGENT_ID, a reachable tm and a database", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const missing = await tm(["validate-orchestration"], { cwd, env: { TM_AGENT_ID: "" } });
  assert.equal(missing.code, 5);
  assert.match(missing.stdout, /^🚨 ORCHESTRATION ENFORCEMENT VIOLATIONS DETECTED$/m);
  assert.match(missing.stdout, /^❌ Problem: TM_AGENT_ID not set$/m);
  assert.match(missing.stdout, /^❌ Problem: tm executable not found$/m);
  assert.doesNotMatch(missing.stdout, /database not initialized/);
  await Deno.mkdir(`${cwd}/bin`);
  await installTm(`${cwd}/bin`);
  const onPath = await tm(["validate-orchestration"], {
    cwd,
    env: { PATH: `/nowhere:${cwd}/bin` },
  });
  assert.equal(onPath.code, 0, onPath.stdout);
  assert.equal(onPath.stdout, "✅ Orchestration context is valid\n");
  await installTm(cwd);
  const json = await tmJson(["validate-orchestration"], { cwd });
  assert.deepEqual([json.valid, json.violations], [true, []]);
});

Deno.test("validate-orchestration before tm init names the missing database", async () => {
  await using temp = await tempDir();
  const cwd = temp.dir;
  await installTm(cwd);
  const result = await tm(["validate-orchestration"], { cwd, env: { TM_DB_PATH: `${cwd}/store` } });
  assert.equal(result.code, 5);
  assert.match(result.stdout, /^❌ Problem: Task Orchestrator database not initialized$/m);
  assert.doesNotMatch(result.stdout, /TM_AGENT_ID not set|tm executable not found/);
});

Deno.test("at the default level a guarded command runs as the default agent with one stderr line", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const shown = await tmJson(["config"], { cwd });
  assert.equal(shown.enforcement_level, "advisory");
  const added = await tm(["add", "no agent set"], { cwd, env: { TM_AGENT_ID: "", USER: "carol" } });
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /^Task created with ID: [0-9a-f]{8}\n$/);
  assert.equal(added.stderr, 'tm: TM_AGENT_ID not set: acting as "carol"\n');
});

Deno.test("strict blocks the guarded commands with the original's guidance, and only those", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  await installTm(cwd);
  const set = await tm(["config", "--enforcement-level", "strict"], { cwd });
  assert.equal(set.stdout, "✅ Enforcement level set to: strict\n");
  const env = { TM_AGENT_ID: "" };
  const blocked = await tm(["add", "blocked"], { cwd, env });
  assert.equal(blocked.code, 5);
  assert.equal(blocked.stdout, "", "stdout keeps results only");
  assert.match(blocked.stderr, /^🚨 ORCHESTRATION ENFORCEMENT VIOLATIONS DETECTED$/m);
  assert.match(blocked.stderr, /^❌ Problem: TM_AGENT_ID not set$/m);
  assert.match(blocked.stderr, /^🚫 Command blocked due to orchestration violations$/m);
  assert.match(
    blocked.stderr,
    /^tm: add blocked by orchestration enforcement \(strict\): TM_AGENT_ID not set \(/m,
  );
  assert.equal((await tm(["list"], { cwd, env })).stdout, "No tasks found\n", "nothing added");
  // --agent-id does not count: only the variable names the session's agent.
  assert.equal((await tm(["add", "x", "--agent-id", "bob"], { cwd, env })).code, 5);
  const json = await tm(["share", "abcd1234", "hi", "--json"], { cwd, env });
  assert.equal(json.code, 5);
  const error = JSON.parse(json.stderr.trim().split("\n").at(-1)!).error;
  assert.deepEqual(error.details.violations, ["missing_agent_id"]);
  assert.doesNotMatch(json.stderr, /🚨/, "--json: no guidance text");
  // With the variable set, the same command runs.
  assert.equal((await tm(["add", "allowed"], { cwd })).code, 0);
});

Deno.test("standard blocks without a terminal or in CI, and asks on a terminal", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  await installTm(cwd);
  const enabled = await tm(["config", "--enforce-usage", "true"], { cwd });
  assert.equal(enabled.stdout, "✅ Enforcement enabled (level standard)\n");
  const env = { TM_AGENT_ID: "" };
  const piped = await tm(["add", "piped"], { cwd, env });
  assert.equal(piped.code, 5);
  assert.match(
    piped.stderr,
    /^Non-interactive environment detected; command blocked in STANDARD mode\.$/m,
  );
  const yes = await onTerminal(["add", "confirmed"], { cwd, env }, ["y"]);
  assert.equal(yes.code, 0, yes.stderr);
  assert.deepEqual(yes.asked, ["Continue anyway?"]);
  assert.match(yes.stdout, /^Task created with ID:/);
  const no = await onTerminal(["add", "refused"], { cwd, env }, ["n"]);
  assert.equal(no.code, 5);
  const ci = await onTerminal(["add", "in ci"], { cwd, env: { ...env, CI: "true" } }, ["y"]);
  assert.equal(ci.code, 5);
  assert.deepEqual(ci.asked, [], "CI is never asked");
  const titles = (await tm(["list"], { cwd })).stdout;
  assert.match(titles, /confirmed/);
  assert.doesNotMatch(titles, /piped|refused|in ci/);
});

Deno.test("config sets and shows the enforcement level with the original's lines", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const bad = await tm(["config", "--enforcement-level", "lenient"], { cwd });
  assert.equal(bad.code, 5);
  assert.match(bad.stderr, /Invalid level - use: strict, standard, or advisory/);
  const badSwitch = await tm(["config", "--enforce-orchestration", "maybe"], { cwd });
  assert.equal(badSwitch.code, 5);
  assert.match(badSwitch.stderr, /Use --enforce-orchestration true\|false/);
  const off = await tm(["config", "--enforce-orchestration", "false"], { cwd });
  assert.equal(off.stdout, "✅ Enforcement disabled (level advisory)\n");
  const shown = await tm(["config", "--show-enforcement"], { cwd, env: { TM_AGENT_ID: "" } });
  assert.equal(shown.code, 0);
  assert.deepEqual(shown.stdout.trim().split("\n").slice(0, 2), [
    "Enforcement Level: advisory",
    "Currently Active: No",
  ]);
  assert.match(shown.stdout, /^❌ Violations Found: 2 \(TM_AGENT_ID not set, tm executable/m);
  await tm(["config", "--enforcement-level", "strict"], { cwd });
  await tm(["config", "--reset"], { cwd });
  const status = await tmJson(["config", "--show-enforcement"], { cwd });
  assert.equal(status.enforcement_level, "strict", "--reset is about features");
  assert.deepEqual((status.enforcement as { active: boolean }).active, true);
});

Deno.test("fix-orchestration wants --interactive and a terminal, and then really fixes", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const plain = await tm(["fix-orchestration"], { cwd });
  assert.equal(plain.code, 2);
  assert.match(plain.stderr, /Use --interactive flag: tm fix-orchestration --interactive/);
  const env = { TM_AGENT_ID: "", TM_DB_PATH: `${cwd}/store` };
  const piped = await tm(["fix-orchestration", "--interactive"], { cwd, env });
  assert.equal(piped.code, 2);
  assert.match(piped.stderr, /needs a terminal/);
  await Deno.writeTextFile(`${cwd}/tm`, "#!/bin/sh\n");
  const wizard = await onTerminal(["fix-orchestration", "--interactive"], { cwd, env }, [
    "y", // fix them now
    "2", // backend_specialist
    "y", // chmod ./tm
    "y", // tm init
  ]);
  assert.equal(wizard.code, 5, "TM_AGENT_ID can only be set in the user's shell");
  assert.match(wizard.stdout, /export TM_AGENT_ID="backend_specialist"/);
  assert.match(wizard.stdout, /^✅ Fixed 2\/3 violations$/m);
  assert.ok(((await Deno.stat(`${cwd}/tm`)).mode! & 0o111) !== 0, "./tm is executable");
  await Deno.stat(`${cwd}/store/tasks.db`);
  const after = await tm(["validate-orchestration"], { cwd, env: { TM_DB_PATH: `${cwd}/store` } });
  assert.equal(after.stdout, "✅ Orchestration context is valid\n");
});

Deno.test("tm help enforcement explains the levels; an unknown topic prints the overview, exit 0", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const help = await tm(["help", "enforcement"], { cwd });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Orchestration enforcement/);
  assert.match(help.stdout, /Guarded: add join share note discover sync context assign watch/);
  const unknown = await tm(["help", "frobnicate", "more", "words"], { cwd });
  assert.equal(unknown.code, 0);
  assert.equal(unknown.stdout, (await tm(["help"], { cwd })).stdout);
  assert.match(unknown.stderr, /^tm: warning: no help topic "frobnicate"/);
  const extra = await tm(["help", "add", "please"], { cwd });
  assert.equal(extra.stdout, (await tm(["help", "add"], { cwd })).stdout);
});

Deno.test("fix-orchestration shows escape codes in a refused agent name as text", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const env = { TM_AGENT_ID: "" };
  const wizard = await onTerminal(["fix-orchestration", "--interactive"], { cwd, env }, [
    "y", // fix them now
    "5", // custom name
    "bad\x1b[2J",
    "2", // backend_specialist
  ]);
  assert.match(wizard.stdout, /invalid agent ID "bad\\u001b\[2J"/);
  assert.ok(!wizard.stdout.includes("\x1b"), "no raw escape reaches the terminal");
});
