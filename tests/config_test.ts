import assert from "node:assert/strict";
import { addTask, initProject, tm, tmJson } from "./_in_process.ts";

Deno.test("config shows defaults, switches features and refuses a disabled feature's flags", async (t) => {
  await using project = await initProject();
  const cwd = project.dir;
  const shown = await tmJson(["config"], { cwd });
  assert.deepEqual(shown.features, {
    "success-criteria": true,
    feedback: true,
    telemetry: false,
    "completion-summaries": true,
    "time-tracking": true,
    deadlines: true,
  });
  const off = await tm(["config", "--disable", "deadlines", "--disable", "feedback"], { cwd });
  await t.assertSnapshot(off.stdout);
  const file = JSON.parse(await Deno.readTextFile(`${cwd}/.task-orchestrator/config/config.json`));
  assert.equal(file.features.deadlines, false);
  const refused = await tm(["add", "t", "--deadline", "2030-01-01"], { cwd });
  assert.equal(refused.code, 5);
  await t.assertSnapshot(refused.stderr);
  const id = await addTask(cwd, "plain tasks still work");
  await tm(["complete", id], { cwd });
  const feedback = await tm(["feedback", id, "--quality", "3"], { cwd });
  assert.equal(feedback.code, 5);
  assert.match(feedback.stderr, /tm config --enable feedback/);
  await tm(["config", "--enable", "deadlines"], { cwd });
  assert.equal((await tm(["add", "t", "--deadline", "2030-01-01"], { cwd })).code, 0);
});

Deno.test("config --minimal-mode turns everything off and --reset restores the defaults", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const minimal = await tmJson(["config", "--minimal-mode"], { cwd });
  assert.ok(Object.values(minimal.features as object).every((v) => v === false));
  const validate = await tm(["complete", "abcd", "--validate"], { cwd });
  assert.equal(validate.code, 5);
  assert.match(validate.stderr, /--validate is disabled: feature "success-criteria" is off/);
  const reset = await tmJson(["config", "--reset"], { cwd });
  assert.equal((reset.features as Record<string, boolean>)["success-criteria"], true);
  assert.equal((reset.features as Record<string, boolean>).telemetry, false);
});

Deno.test("an unknown feature is an error listing the valid ones", async (t) => {
  await using project = await initProject();
  const cwd = project.dir;
  const result = await tm(["config", "--enable", "warp-drive"], { cwd });
  assert.equal(result.code, 5);
  await t.assertSnapshot(result.stderr);
});

Deno.test("telemetry records one local JSON line per command only while enabled", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const log = `${cwd}/.task-orchestrator/telemetry/events.jsonl`;
  await tm(["list"], { cwd });
  await assert.rejects(() => Deno.stat(log));
  await tm(["config", "--enable", "telemetry"], { cwd });
  await tm(["add", "secret title", "-p", "high"], { cwd });
  const lines = (await Deno.readTextFile(log)).trim().split("\n").map((l) => JSON.parse(l));
  const add = lines.find((l) => l.command === "add");
  assert.deepEqual(add.flags, ["priority"]);
  assert.equal(add.exit_code, 0);
  assert.equal(typeof add.duration_ms, "number");
  assert.ok(!JSON.stringify(lines).includes("secret"), "argument values are never recorded");
});

Deno.test("import refuses records that use a disabled feature, as the flags do, and writes nothing", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  await tm(["config", "--disable", "success-criteria"], { cwd });
  const record = { id: "0000000a", title: "imported", criteria: [{ criterion: "tests pass" }] };
  const refused = await tm(["import", "-"], { cwd, stdin: `${JSON.stringify(record)}\n` });
  assert.equal(refused.code, 5);
  assert.match(
    refused.stderr,
    /^tm: line 1: field "criteria" is disabled: feature "success-criteria" is off \(enable/,
  );
  assert.equal((await tm(["list"], { cwd })).stdout, "No tasks found\n");
});
