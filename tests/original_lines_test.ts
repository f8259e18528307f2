/**
 * The original tm's command lines (research/original.md §5) run unchanged under tm.
 */
import assert from "node:assert/strict";
import { addTask, initProject, tm, tmJson } from "./_in_process.ts";

interface Shown {
  id: string;
  status: string;
  dependencies: Array<{ id: string }>;
  files: Array<{ path: string; line_start: number | null; line_end: number | null }>;
  meta: Record<string, string>;
}

async function show(cwd: string, id: string): Promise<Shown> {
  return (await tmJson(["show", id], { cwd })).task as Shown;
}

Deno.test("--depends-on and --file take several values after one flag", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const a = await addTask(cwd, "A");
  const b = await addTask(cwd, "B");
  const c = await addTask(cwd, "C");
  const added = await tm(
    ["add", "X", "--depends-on", a, b, c, "--file", "a.py:1", "b.py:2", "-p", "high"],
    { cwd },
  );
  assert.equal(added.code, 0, added.stderr);
  const id = /Task created with ID: ([0-9a-f]{8})/.exec(added.stdout)![1]!;
  const task = await show(cwd, id);
  assert.deepEqual(task.dependencies.map((d) => d.id).sort(), [a, b, c].sort());
  assert.equal(task.status, "blocked");
  assert.deepEqual(task.files.map((f) => `${f.path}:${f.line_start}`), ["a.py:1", "b.py:2"]);
});

Deno.test("a variadic flag before the title leaves the title alone", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const result = await tm(["add", "--file", "a.py", "Fix the parser"], { cwd });
  assert.equal(result.code, 0, result.stderr);
  const id = /([0-9a-f]{8})/.exec(result.stdout)![1]!;
  const shown = await tmJson(["show", id], { cwd });
  assert.equal((shown.task as { title: string }).title, "Fix the parser");
});

Deno.test("a reversed line range is read as the range it names", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "X", ["--file", "file.py:100:50"]);
  assert.deepEqual((await show(cwd, id)).files, [
    { path: "file.py", line_start: 50, line_end: 100 },
  ]);
});

Deno.test("--meta, --phase and --context are kept, shown, filtered and exported", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "Backend work", [
    "--meta",
    "specialist:backend",
    "--meta",
    "phase:1",
    "--phase",
    "2",
    "--context",
    "WHY: users wait. WHAT: cache. DONE: p95 < 100ms",
  ]);
  const other = await addTask(cwd, "Frontend work", ["--meta", "specialist:frontend"]);
  assert.deepEqual((await show(cwd, id)).meta, { phase: "2", specialist: "backend" });
  const text = await tm(["show", id], { cwd });
  assert.match(text.stdout, /^meta\.specialist: backend$/m);
  assert.match(text.stdout, /^meta\.phase: 2$/m);
  const ids = async (args: string[]) =>
    ((await tmJson(["list", ...args], { cwd })).tasks as Array<{ id: string }>).map((t) => t.id);
  assert.deepEqual(await ids(["--meta", "specialist:backend"]), [id]);
  assert.deepEqual((await ids(["--meta", "specialist"])).sort(), [id, other].sort());
  assert.deepEqual(await ids(["--meta", "phase=2"]), [id]);
  const context = await tm(["context", id], { cwd });
  assert.match(context.stdout, /\[share\] WHY: users wait\. WHAT: cache\. DONE: p95 < 100ms/);
  const exported = await tm(["export", "--format", "jsonl"], { cwd });
  const records = exported.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(records.find((r) => r.id === id).meta, { phase: "2", specialist: "backend" });
});

Deno.test("metadata survives an export and an import into another project", async () => {
  await using from = await initProject();
  await using to = await initProject();
  const id = await addTask(from.dir, "T", ["--meta", "owner:ops"]);
  const exported = await tm(["export", "--format", "jsonl"], { cwd: from.dir });
  const imported = await tm(["import", "-"], { cwd: to.dir, stdin: exported.stdout });
  assert.equal(imported.code, 0, imported.stderr);
  assert.deepEqual((await show(to.dir, id)).meta, { owner: "ops" });
});

Deno.test("a metadata key with spaces is refused with exit 5", async () => {
  await using project = await initProject();
  const result = await tm(["add", "T", "--meta", "two words:x"], { cwd: project.dir });
  assert.equal(result.code, 5);
  assert.match(result.stderr, /^tm: Invalid meta "two words:x"/);
});

Deno.test("complete --summary and feedback --note take the words that follow", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "T");
  const done = await tm(
    ["complete", id, "--summary", "Fixed", "the", "bug", "--actual-hours", "2"],
    {
      cwd,
    },
  );
  assert.equal(done.code, 0, done.stderr);
  const shown = (await tmJson(["show", id], { cwd })).task as {
    completion: { summary: string };
    actual_hours: number;
  };
  assert.equal(shown.completion.summary, "Fixed the bug");
  assert.equal(shown.actual_hours, 2);
  const feedback = await tmJson(["feedback", id, "--note", "nice", "work", "--quality", "4"], {
    cwd,
  });
  assert.equal((feedback.feedback as { note: string }).note, "nice work");
});

Deno.test("sync takes a free-text checkpoint, quoted or as several words", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "T");
  const quoted = await tm(["sync", id, "Milestone reached"], { cwd });
  assert.equal(quoted.code, 0, quoted.stderr);
  assert.equal(quoted.stdout, `Created sync point for task ${id}\n`);
  const words = await tmJson(["sync", id, "API", "frozen", "for", "v2"], { cwd });
  assert.equal((words.entry as { text: string }).text, "API frozen for v2");
  const waited = await tmJson(["sync", id, "--wait", "Milestone", "reached", "--timeout", "0"], {
    cwd,
  });
  assert.equal(waited.reached, true);
  const blank = await tm(["sync", id, "  "], { cwd });
  assert.equal(blank.code, 5);
});

Deno.test("context starts with a Task: line, as the original's did", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "T");
  const result = await tm(["context", id], { cwd });
  assert.equal(result.stdout.split("\n")[0], `Task: ${id}`);
});

Deno.test("the error phrases scripts grep appear case for case in one-line errors", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "T");
  const cases: Array<[string[], number, string]> = [
    [["add", "t", "-p", "urgent"], 5, "Invalid priority"],
    [["add", "t", "--depends-on", "zz"], 5, "Invalid dependency ID"],
    [["add", "t", "--depends-on", "ffffffff"], 3, "Invalid dependency ID"],
    [["show", "xyz"], 5, "Invalid task ID"],
    [["update", id, "--status", "done"], 5, "Invalid status"],
    [["show", "ffffffff"], 3, "not found"],
    [["add", " "], 5, "Task title cannot be empty"],
    [["add", "x".repeat(501)], 5, "Task title too long"],
  ];
  for (const [args, code, phrase] of cases) {
    const result = await tm(args, { cwd });
    assert.equal(result.code, code, `tm ${args.join(" ")}: ${result.stderr}`);
    const lines = result.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, result.stderr);
    assert.ok(lines[0]!.startsWith("tm: ") && lines[0]!.includes(phrase), lines[0]);
  }
});
