import assert from "node:assert/strict";
import { initProject, tm, tmJson } from "./_in_process.ts";

type Applied = {
  key: string;
  task: { id: string; status: string; priority: string };
  capabilities: string[];
  depends_on: string[];
};

const RELEASE = `name: release
variables:
  version: { description: the version }
  priority: { default: high }
tasks:
  - key: notes
    title: "Notes for {{version}}"
    priority: "{{priority}}"
    capabilities: [docs]
    criteria: [{ criterion: "every change listed", measurable: "reviewed" }]
  - key: tag
    title: "Tag {{version}}"
    depends_on: [notes]
`;

Deno.test("template apply creates linked tasks with capabilities, priorities and criteria", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  await Deno.mkdir(`${cwd}/.task-orchestrator/templates`, { recursive: true });
  await Deno.writeTextFile(`${cwd}/.task-orchestrator/templates/release.yaml`, RELEASE);
  const list = await tmJson(["template", "list"], { cwd });
  assert.deepEqual((list.templates as Array<{ name: string }>).map((t) => t.name), [
    "bugfix",
    "feature",
    "release",
  ]);
  const out = await tmJson(["template", "apply", "release", "--var", "version=1.2.0"], { cwd });
  const [notes, tag] = out.tasks as Applied[];
  assert.equal(out.count, 2);
  assert.deepEqual(
    [notes!.key, notes!.task.status, notes!.task.priority, notes!.capabilities],
    ["notes", "pending", "high", ["docs"]],
  );
  assert.deepEqual([tag!.key, tag!.task.status, tag!.depends_on], ["tag", "blocked", [
    notes!.task.id,
  ]]);
  const shown = await tmJson(["show", notes!.task.id], { cwd });
  assert.deepEqual((shown.task as { criteria: unknown[] }).criteria, [
    {
      position: 1,
      criterion: "every change listed",
      measurable: "reviewed",
      status: "unverified",
      note: null,
      checked_by: null,
      checked_at: null,
      result: "failed",
      reason: 'no value recorded for "reviewed"',
    },
  ]);
  const feature = await tmJson(["template", "apply", "feature", "--var", "feature=search"], {
    cwd,
  });
  assert.equal(feature.count, 4);
});

Deno.test("a template with a cycle, an unknown key or bad variables writes nothing", async (t) => {
  await using project = await initProject();
  const cwd = project.dir;
  const dir = `${cwd}/.task-orchestrator/templates`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/loop.yaml`,
    "tasks:\n  - {key: a, title: A, depends_on: [b]}\n  - {key: b, title: B, depends_on: [a]}\n",
  );
  await Deno.writeTextFile(
    `${dir}/dangling.yaml`,
    "tasks:\n  - {key: a, title: A, depends_on: [zz]}\n",
  );
  const refusals: string[] = [];
  for (
    const args of [
      ["loop"],
      ["dangling"],
      ["feature"],
      ["feature", "--var", "feature=x", "--var", "colour=red"],
      ["feature", "--var", "feature=x", "--var", "priority=urgent"],
    ]
  ) {
    const result = await tm(["template", "apply", ...args], { cwd });
    assert.equal(result.code, 5, `${args.join(" ")}: ${result.stderr}`);
    refusals.push(result.stderr.trim());
  }
  await t.assertSnapshot(refusals);
  assert.equal((await tm(["template", "apply", "missing"], { cwd })).code, 3);
  const list = await tmJson(["list"], { cwd });
  assert.deepEqual(list.tasks, []);
});
