import assert from "node:assert/strict";
import { addTask, initProject, tm, tmJson } from "./_in_process.ts";

Deno.test("export jsonl -> import into a new project keeps ids, dependencies and details, byte for byte", async () => {
  await using sourceProject = await initProject();
  const source = sourceProject.dir;
  const a = await addTask(source, "design", [
    "-p",
    "high",
    "--tag",
    "api",
    "--file",
    "src/a.ts:3:9",
  ]);
  const b = await addTask(source, 'build, "quoted"\nline', [
    "--depends-on",
    a,
    "--criteria",
    '[{"criterion":"tests pass","measurable":"passed == true"}]',
    "--deadline",
    "2027-01-02",
    "--estimated-hours",
    "4.5",
  ]);
  await tm(["criteria", b, "--set", "passed=true"], { cwd: source });
  await tm(["criteria", b, "--check", "1", "--pass", "--note", "CI green"], { cwd: source });
  await tm(["progress", a, "60% schema drafted"], { cwd: source });
  await tm(["complete", a, "--summary", "schema v1 agreed", "--actual-hours", "2"], {
    cwd: source,
  });
  await tm(["feedback", a, "--quality", "4", "--timeliness", "5", "--note", "clear"], {
    cwd: source,
  });
  const first = await tm(["export", "--format", "jsonl"], { cwd: source });
  const again = await tm(["export", "--format", "jsonl"], { cwd: source });
  assert.equal(first.stdout, again.stdout, "export is deterministic");

  await using targetProject = await initProject();
  const target = targetProject.dir;
  const imported = await tm(["import", "-"], { cwd: target, stdin: first.stdout });
  assert.equal(imported.stdout, "Imported 2 tasks\n", imported.stderr);
  const roundTrip = await tm(["export", "--format", "jsonl"], { cwd: target });
  assert.equal(roundTrip.stdout, first.stdout);
  const shown = (await tmJson(["show", b], { cwd: target })).task as Record<string, unknown>;
  assert.deepEqual(shown.dependencies, [{ id: a, title: "design", status: "completed" }]);
  assert.equal(shown.status, "pending");
  // The core loop's records travel too: checks, values, progress, summary, feedback.
  const [recordA, recordB] = roundTrip.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(recordB.criteria[0].status, "passed");
  assert.equal(recordB.criteria[0].note, "CI green");
  assert.deepEqual(recordB.values.map((v: { name: string; value: unknown }) => [v.name, v.value]), [
    ["passed", true],
  ]);
  assert.equal(recordA.progress[0].percent, 60);
  assert.equal(recordA.completion.summary, "schema v1 agreed");
  assert.equal(recordA.feedback[0].quality, 4);
  // And each task's history, in its order, with the source's agents and times.
  assert.deepEqual(recordA.history.map((e: { type: string }) => e.type), [
    "created",
    "progress",
    "completed",
    "feedback",
  ]);
  assert.equal(recordA.history[0].created_at, recordA.created_at);
});

Deno.test("import refuses the whole file on a bad line, naming the line, and writes nothing", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const existing = await addTask(cwd, "already here");
  const good = (id: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ id, title: `t ${id}`, ...extra });
  const cases: Array<[string, number, RegExp]> = [
    [[good("aaaa0001"), "{not json"].join("\n"), 5, /line 2: not valid JSON/],
    [
      [good("aaaa0001"), good("aaaa0002", { priority: "urgent" })].join("\n"),
      5,
      /line 2: field "priority": invalid priority/i,
    ],
    [
      [good("aaaa0001"), "", good(existing)].join("\n"),
      5,
      new RegExp(`line 3: task "${existing}" already exists`),
    ],
    [
      [good("aaaa0001", { dependencies: ["bbbb0000"] })].join("\n"),
      3,
      /line 1: invalid dependency ID "bbbb0000"/i,
    ],
    [
      [
        good("aaaa0001", { dependencies: ["aaaa0002"] }),
        good("aaaa0002", { dependencies: ["aaaa0001"] }),
      ].join("\n"),
      5,
      /dependency cycle/,
    ],
    [
      [good("aaaa0001"), good("aaaa0001")].join("\n"),
      5,
      /line 2: task id "aaaa0001" already appears on line 1/,
    ],
    [good("xyz"), 5, /line 1: field "id"/],
    [
      good("aaaa0001", { feedback: [{ agent: "x", quality: 9, created_at: "2026-01-01" }] }),
      5,
      /line 1: field "feedback.quality": expected a whole number from 1 to 5/,
    ],
    [good("aaaa0001", { criteria: [{ criterion: "c", status: "maybe" }] }), 5, /invalid status/i],
  ];
  for (const [text, code, pattern] of cases) {
    const result = await tm(["import", "-"], { cwd, stdin: text });
    assert.equal(result.code, code, result.stderr);
    assert.match(result.stderr, pattern);
  }
  assert.equal((await tmJson(["list"], { cwd })).count, 1);
});

Deno.test("export formats: json document, csv with a header, markdown title, --output file", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  await addTask(cwd, 'comma, "quote"', ["-d", "multi\nline"]);
  const json = JSON.parse((await tm(["export"], { cwd })).stdout);
  assert.equal(json.schema_version, 1);
  assert.equal(json.tasks.length, 1);
  const csv = (await tm(["export", "--format", "csv"], { cwd })).stdout;
  assert.match(csv, /^id,title,status,priority,/);
  assert.match(csv, /"comma, ""quote"""/);
  assert.match(csv, /"multi\nline"/);
  const md = (await tm(["export", "--format", "markdown"], { cwd })).stdout;
  assert.match(md, /^# Task Orchestrator Export\n/);
  const out = await tm(["export", "--format", "jsonl", "--output", "out/tasks.jsonl"], { cwd });
  assert.equal(out.code, 4, "a missing directory is an I/O error");
  await Deno.mkdir(`${cwd}/out`);
  const written = await tm(["export", "--format", "jsonl", "--output", "out/tasks.jsonl"], { cwd });
  assert.equal(written.stdout, "Exported 1 tasks to out/tasks.jsonl\n");
  assert.equal(
    JSON.parse(await Deno.readTextFile(`${cwd}/out/tasks.jsonl`)).title,
    'comma, "quote"',
  );
});
