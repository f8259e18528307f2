import assert from "node:assert/strict";
import { addTask, initProject, tm, tmJson } from "./_in_process.ts";

const CRITERIA = JSON.stringify([
  { criterion: "coverage is high", measurable: "coverage >= 80" },
  "docs written",
]);

Deno.test("complete --validate refuses failing criteria with exit 5 and passes once evidence is recorded", async (t) => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "ship it", ["--criteria", CRITERIA]);
  await tm(["criteria", id, "--set", "coverage=70"], { cwd });
  const refused = await tm(["complete", id, "--validate"], { cwd });
  assert.equal(refused.code, 5);
  await t.assertSnapshot((refused.stdout + refused.stderr).replaceAll(id, "<id>"));
  const still = await tmJson(["show", id], { cwd });
  assert.equal((still.task as { status: string }).status, "pending");

  const checked = await tmJson(
    ["criteria", id, "--set", "coverage=85", "--check", "2", "--pass", "--note", "README"],
    { cwd },
  );
  const validation = checked.validation as { passed: boolean; passed_count: number };
  assert.equal(validation.passed, true);
  assert.deepEqual(checked.values, [
    {
      name: "coverage",
      value: 85,
      set_by: "tester",
      set_at: (checked.values as [{ set_at: string }])[0].set_at,
    },
  ]);
  const done = await tmJson(["complete", id, "--validate", "--summary", "all green"], { cwd });
  assert.equal((done.validation as { passed: boolean }).passed, true);
  assert.deepEqual(done.unverified, []);
  assert.equal(done.summary, "all green");
});

Deno.test("complete --validate with --json reports the failing criteria in the error details", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "t", ["--criteria", CRITERIA]);
  const result = await tm(["complete", id, "--validate", "--json"], { cwd });
  assert.equal(result.code, 5);
  assert.equal(result.stdout, "");
  const error = JSON.parse(result.stderr.split("\n")[1]!).error;
  assert.equal(error.code, "validation");
  assert.deepEqual(
    error.details.validation.criteria.map((c: { result: string }) => c.result),
    ["failed", "unverified"],
  );
});

Deno.test("plain completion records which criteria were unverified", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "t");
  const added = await tmJson(
    ["criteria", id, "--add", "fast", "--measurable", "p95_ms < 100"],
    { cwd },
  );
  assert.equal((added.criteria as unknown[]).length, 1);
  const text = await tm(["complete", id], { cwd });
  assert.equal(text.stdout, `Task ${id} completed\nUnverified criteria: 1\n`);
  const shown = await tmJson(["show", id], { cwd });
  const completion = (shown.task as { completion: { unverified: number[]; validated: boolean } })
    .completion;
  assert.deepEqual(completion.unverified, [1]);
  assert.equal(completion.validated, false);
});

Deno.test("criteria refuses bad JSON, bad expressions and unknown criterion numbers", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const badJson = await tm(["add", "t", "--criteria", "[{oops"], { cwd });
  assert.equal(badJson.code, 5);
  assert.match(badJson.stderr, /^tm: invalid criteria JSON/);
  const badExpr = await tm(["add", "t", "--criteria", '[{"criterion":"c","measurable":"a >"}]'], {
    cwd,
  });
  assert.equal(badExpr.code, 5);
  assert.match(badExpr.stderr, /invalid measurable expression "a >"/);
  const id = await addTask(cwd, "t");
  const missing = await tm(["criteria", id, "--check", "3", "--pass"], { cwd });
  assert.equal(missing.code, 3);
  const both = await tm(["criteria", id, "--check", "1", "--pass", "--fail"], { cwd });
  assert.equal(both.code, 2);
});

Deno.test("complete --impact-review lists dependents and what became ready", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const first = await addTask(cwd, "first");
  const other = await addTask(cwd, "other");
  const second = await addTask(cwd, "second", ["--depends-on", first]);
  const third = await addTask(cwd, "third", ["--depends-on", `${first},${other}`]);
  const done = await tmJson(["complete", first, "--impact-review", "--actual-hours", "2"], {
    cwd,
  });
  const impact = done.impact as {
    dependents: Array<{ id: string }>;
    unblocked: string[];
    still_blocked: string[];
    downstream_open: number;
  };
  assert.deepEqual(impact.dependents.map((d) => d.id).sort(), [second, third].sort());
  assert.deepEqual(impact.unblocked, [second]);
  assert.deepEqual(impact.still_blocked, [third]);
  assert.equal(impact.downstream_open, 2);
  assert.equal((done.task as { actual_hours: number }).actual_hours, 2);
});
