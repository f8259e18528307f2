/**
 * Full-fidelity transfer: history travels with each task (written back without hooks or
 * notifications), private notes travel only with `--include-notes` and only to their owner,
 * and `import --merge` updates the dependencies of tasks that exist.
 */
import assert from "node:assert/strict";
import { addTask, initProject, tm, tmJson } from "./_in_process.ts";

type Event = { type: string; agent: string; created_at: string };

const jsonl = async (cwd: string, extra: string[] = []) =>
  (await tm(["export", "--format", "jsonl", ...extra], { cwd })).stdout;
const records = (text: string) => text.trim().split("\n").map((l) => JSON.parse(l));

Deno.test("imported history keeps its order, times and agents, and fires no hook or notification", async () => {
  await using from = await initProject();
  await using to = await initProject();
  const bob = { TM_AGENT_ID: "bob" };
  const id = await addTask(from.dir, "API");
  assert.equal((await tm(["join", id], { cwd: from.dir, env: bob })).code, 0);
  assert.equal((await tm(["share", id, "schema drafted"], { cwd: from.dir })).code, 0);
  assert.equal((await tm(["complete", id], { cwd: from.dir })).code, 0);
  const sourceNotes = await tmJson(["watch"], { cwd: from.dir, env: bob });
  assert.ok((sourceNotes.count as number) > 0, "the source notified bob");
  const sourceHistory = ((await tmJson(["show", id], { cwd: from.dir })).task as {
    history: Event[];
  }).history.map(({ type, agent, created_at }) => [type, agent, created_at]);

  const exported = await jsonl(from.dir);
  const [record] = records(exported);
  assert.deepEqual(
    record.history.map((e: Event) => [e.type, e.agent, e.created_at]),
    sourceHistory,
  );
  assert.deepEqual(record.history.map((e: Event) => e.type), [
    "created",
    "joined",
    "shared",
    "completed",
  ]);

  const hooks = `${to.dir}/.task-orchestrator/hooks`;
  await Deno.mkdir(hooks, { recursive: true });
  for (const name of ["on-task-created", "on-task-completed", "on-task-shared"]) {
    await Deno.writeTextFile(`${hooks}/${name}`, `#!/bin/sh\ntouch "${to.dir}/${name}.ran"\n`, {
      mode: 0o755,
    });
  }
  const imported = await tm(["import", "-", "--json"], {
    cwd: to.dir,
    stdin: exported,
    env: { TM_AGENT_ID: "carol" },
  });
  assert.equal(imported.code, 0, imported.stderr);
  for (const name of ["on-task-created", "on-task-completed", "on-task-shared"]) {
    assert.equal(await Deno.stat(`${to.dir}/${name}.ran`).catch(() => null), null, name);
  }
  assert.equal((await tmJson(["watch"], { cwd: to.dir, env: bob })).count, 0);
  assert.equal((await tmJson(["watch"], { cwd: to.dir })).count, 0);
  const targetHistory = ((await tmJson(["show", id], { cwd: to.dir })).task as {
    history: Event[];
  }).history.map(({ type, agent, created_at }) => [type, agent, created_at]);
  assert.deepEqual(targetHistory, sourceHistory);
  assert.equal(await jsonl(to.dir), exported);
});

Deno.test("export --include-notes carries only the exporting agent's notes, and import restores them to their owner only", async () => {
  await using from = await initProject();
  const bob = { TM_AGENT_ID: "bob" };
  const mine = await addTask(from.dir, "Mine");
  const other = await addTask(from.dir, "Bob's");
  assert.equal((await tm(["note", mine, "my secret plan"], { cwd: from.dir })).code, 0);
  assert.equal((await tm(["note", other, "bob's secret"], { cwd: from.dir, env: bob })).code, 0);

  assert.doesNotMatch(await jsonl(from.dir), /secret/, "no notes without the flag");
  const withNotes = await jsonl(from.dir, ["--include-notes"]);
  assert.doesNotMatch(withNotes, /bob's secret/, "never another agent's notes");
  const [a, b] = records(withNotes);
  assert.equal(a.private_notes.agent, "tester");
  assert.match(a.private_notes.text, /my secret plan/);
  assert.equal(b.private_notes, undefined);

  // Another agent imports: the notes are not theirs, so they are skipped and reported.
  await using elsewhere = await initProject();
  const byBob = await tm(["import", "-"], { cwd: elsewhere.dir, stdin: withNotes, env: bob });
  assert.equal(byBob.code, 0, byBob.stderr);
  assert.equal(
    byBob.stdout,
    `Imported 2 tasks\nSkipped notes on ${mine}: the private notes are tester's, not bob's\n`,
  );
  const bobsView = await tmJson(["context", mine], { cwd: elsewhere.dir, env: bob });
  assert.equal(bobsView.private_notes, null);

  // The owner imports: the notes come back, byte for byte, and only for them.
  await using to = await initProject();
  const result = await tmJson(["import", "-"], { cwd: to.dir, stdin: withNotes });
  assert.deepEqual([result.notes, result.notes_skipped], [[mine], []]);
  const view = await tmJson(["context", mine], { cwd: to.dir });
  assert.match(view.private_notes as string, /my secret plan/);
  assert.equal((await tmJson(["context", mine], { cwd: to.dir, env: bob })).private_notes, null);
  assert.equal(await jsonl(to.dir, ["--include-notes"]), withNotes);

  // Notes never overwrite the owner's other notes, even on a task a merge skips.
  assert.equal((await tm(["note", mine, "written later"], { cwd: to.dir })).code, 0);
  const again = await tmJson(["import", "--merge", "-"], { cwd: to.dir, stdin: withNotes });
  assert.deepEqual(again.notes_skipped, [{ id: mine, reason: "your own notes on it are kept" }]);
  assert.match(
    (await tmJson(["context", mine], { cwd: to.dir })).private_notes as string,
    /my secret plan[\s\S]*written later/,
  );

  // A merge restores notes on a task that exists and is not newer in the file.
  await using merged = await initProject();
  const plain = await jsonl(from.dir);
  assert.equal((await tm(["import", "-"], { cwd: merged.dir, stdin: plain })).code, 0);
  const result2 = await tm(["import", "--merge", "-"], { cwd: merged.dir, stdin: withNotes });
  assert.equal(
    result2.stdout,
    "Imported 0 tasks, updated 0, skipped 2\n" +
      `Skipped ${mine}: the existing task is as new or newer\n` +
      `Skipped ${other}: the existing task is as new or newer\n` +
      "Restored private notes on 1 tasks\n",
  );
  assert.match(
    (await tmJson(["context", mine], { cwd: merged.dir })).private_notes as string,
    /my secret plan/,
  );
});

Deno.test("import --merge replaces the dependencies of a newer copy, refusing a cycle as a whole", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const a = await addTask(cwd, "A");
  const b = await addTask(cwd, "B");
  const c = await addTask(cwd, "C", ["--depends-on", a]);
  const newer = "2099-01-01T00:00:00.000Z";
  const base = records(await jsonl(cwd));
  const byId = new Map(base.map((r) => [r.id, r]));
  const file = (changes: Array<[string, string[]]>) =>
    changes.map(([id, deps]) =>
      JSON.stringify({ ...byId.get(id), dependencies: deps, updated_at: newer })
    ).join("\n");

  const merged = await tmJson(["import", "--merge", "-"], { cwd, stdin: file([[c, [b]]]) });
  assert.deepEqual(merged.updated, [c]);
  const shown = (await tmJson(["show", c], { cwd })).task as {
    dependencies: Array<{ id: string }>;
    status: string;
  };
  assert.deepEqual(shown.dependencies.map((d) => d.id), [b]);
  assert.equal(shown.status, "blocked");

  // B depending on C closes B -> C -> B: refused, and nothing of the file is written.
  const before = await jsonl(cwd);
  const cycle = await tm(["import", "--merge", "-"], {
    cwd,
    stdin: file([[a, [b]], [b, [c]]]),
  });
  assert.equal(cycle.code, 5, cycle.stderr);
  assert.match(cycle.stderr, /dependency cycle/);
  assert.equal(await jsonl(cwd), before);

  const unknown = await tm(["import", "--merge", "-"], { cwd, stdin: file([[a, ["dddd0000"]]]) });
  assert.equal(unknown.code, 3);
  assert.match(unknown.stderr, /line 1: Invalid dependency ID "dddd0000"/);
  assert.equal(await jsonl(cwd), before);
});

Deno.test("import refuses bad history or notes, naming the line, and writes nothing", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const good = JSON.stringify({ id: "aaaa0001", title: "ok" });
  const bad = (extra: Record<string, unknown>) =>
    [good, JSON.stringify({ id: "aaaa0002", title: "t", ...extra })].join("\n");
  const cases: Array<[string, RegExp]> = [
    [
      bad({ history: [{ type: "exploded", agent: "a", created_at: "2026-01-01T00:00:00Z" }] }),
      /^tm: line 2: field "history": event 1: unknown event type "exploded"/,
    ],
    [
      bad({ history: [{ type: "created", agent: "a", created_at: "2026-01-01", data: [1] }] }),
      /^tm: line 2: field "history": event 1: "data" must be an object or null/,
    ],
    [bad({ private_notes: { agent: "a" } }), /^tm: line 2: field "private_notes": expected/],
  ];
  for (const [text, pattern] of cases) {
    const result = await tm(["import", "-"], { cwd, stdin: text });
    assert.equal(result.code, 5, result.stderr);
    assert.match(result.stderr, pattern);
  }
  assert.equal((await tmJson(["list"], { cwd })).count, 0);
});
