/**
 * Editing: tags, files and metadata on update, `tm tags`, long text from files and stdin,
 * and `tm edit` in an editor.
 */
import assert from "node:assert/strict";
import { run } from "../src/cli/run.ts";
import { addTask, fakeIo, initProject, tm, tmJson } from "./_in_process.ts";

interface Shown {
  title: string;
  description: string | null;
  tags: string[];
  files: Array<{ path: string; line_start: number | null; line_end: number | null }>;
  meta: Record<string, string>;
}

async function show(cwd: string, id: string): Promise<Shown> {
  return (await tmJson(["show", id], { cwd })).task as Shown;
}

Deno.test("update adds and removes tags and files, and sets metadata", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "T", [
    "--tag",
    "old",
    "keep",
    "--file",
    "a.ts:1",
    "a.ts:5",
    "b.ts",
  ]);
  const result = await tmJson([
    "update",
    id,
    "--tag",
    "new",
    "--untag",
    "old",
    "--remove-file",
    "a.ts",
    "--add-file",
    "c.ts:3:1",
    "--meta",
    "owner:ops",
  ], { cwd });
  assert.deepEqual((result.changed as string[]).sort(), ["files", "meta", "tags"]);
  const task = await show(cwd, id);
  assert.deepEqual(task.tags, ["keep", "new"]);
  assert.deepEqual(task.files, [
    { path: "b.ts", line_start: null, line_end: null },
    { path: "c.ts", line_start: 1, line_end: 3 },
  ]);
  assert.deepEqual(task.meta, { owner: "ops" });
  const again = await tmJson(["update", id, "--tag", "new", "--untag", "absent"], { cwd });
  assert.deepEqual(again.changed, []);
  const history = await tmJson(["show", id], { cwd });
  const events = (history.task as { history: Array<{ type: string }> }).history;
  assert.equal(events.filter((e) => e.type === "updated").length, 1);
});

Deno.test("update --remove-file with lines removes only that reference", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "T", ["--file", "a.ts:1", "a.ts:5"]);
  assert.equal((await tm(["update", id, "--remove-file", "a.ts:5"], { cwd })).code, 0);
  assert.deepEqual((await show(cwd, id)).files, [{ path: "a.ts", line_start: 1, line_end: null }]);
});

Deno.test("tm tags lists tags with counts, most used first", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  assert.equal((await tm(["tags"], { cwd })).stdout, "No tags\n");
  const done = await addTask(cwd, "A", ["--tag", "api", "web"]);
  await addTask(cwd, "B", ["--tag", "api"]);
  assert.equal((await tm(["complete", done], { cwd })).code, 0);
  const text = await tm(["tags"], { cwd });
  assert.equal(text.stdout, "api  2 tasks (1 open)\nweb  1 task (0 open)\n");
  const json = await tmJson(["tags"], { cwd });
  assert.deepEqual(json.tags, [
    { tag: "api", count: 2, open: 1 },
    { tag: "web", count: 1, open: 0 },
  ]);
});

Deno.test("long text comes from @FILE or stdin; @@ keeps a leading @", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const big = "line of a long spec\n".repeat(20_000); // 400 KB: more than one argv may carry
  await Deno.writeTextFile(`${cwd}/spec.md`, big);
  const fromFile = await addTask(cwd, "Spec", ["-d", "@spec.md"]);
  assert.equal((await show(cwd, fromFile)).description, big);
  const piped = await tm(["update", fromFile, "-d", "-"], { cwd, stdin: "from stdin\n" });
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal((await show(cwd, fromFile)).description, "from stdin\n");
  const literal = await addTask(cwd, "Mention", ["-d", "@@bob"]);
  assert.equal((await show(cwd, literal)).description, "@bob");
  const sentence = await addTask(cwd, "Sentence", ["-d", "@bob please look"]);
  assert.equal((await show(cwd, sentence)).description, "@bob please look");
  await Deno.writeTextFile(`${cwd}/notes.md`, "shared from a file");
  assert.equal((await tm(["share", fromFile, "@notes.md"], { cwd })).code, 0);
  const context = await tmJson(["context", fromFile], { cwd });
  const entries = context.entries as Array<{ text: string }>;
  assert.equal(entries.at(-1)!.text, "shared from a file");
  const missing = await tm(["add", "T", "-d", "@nope.md"], { cwd });
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /^tm: cannot read the description from "nope\.md": no such file/);
});

async function editWith(
  cwd: string,
  id: string,
  editor: ((path: string) => Promise<boolean | undefined>) | undefined,
) {
  const io = fakeIo({ cwd });
  const code = await run(["edit", id], editor === undefined ? io : { ...io, edit: editor });
  return { code, stdout: io.out.join(""), stderr: io.err.join("") };
}

Deno.test("tm edit changes the title and description written in the editor", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "Old title", ["-d", "old text"]);
  let seen = "";
  const result = await editWith(cwd, id, async (path) => {
    seen = await Deno.readTextFile(path);
    await Deno.writeTextFile(path, "New title\n\n# Heading\nnew text\n");
    return true;
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(seen, "Old title\n\nold text");
  assert.equal(result.stdout, `Task ${id} updated\n`);
  const task = await show(cwd, id);
  assert.equal(task.title, "New title");
  assert.equal(task.description, "# Heading\nnew text");
  const same = await editWith(cwd, id, () => Promise.resolve(true));
  assert.equal(same.stdout, `Task ${id} unchanged\n`);
});

Deno.test("tm edit without a terminal is refused clearly with exit 2", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "T");
  for (const editor of [undefined, () => Promise.resolve(undefined)]) {
    const result = await editWith(cwd, id, editor);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^tm: edit: needs a terminal .*tm update ID --title TEXT -d @FILE/);
  }
  const emptied = await editWith(cwd, id, async (path) => {
    await Deno.writeTextFile(path, "\n\nbody");
    return true;
  });
  assert.equal(emptied.code, 5);
  assert.match(emptied.stderr, /Task title cannot be empty/);
  const kept = emptied.stderr.match(/your text is kept in (\S+)/)?.[1];
  assert.equal(await Deno.readTextFile(kept!), "\n\nbody");
  await Deno.remove(kept!);
});

Deno.test("tm edit refuses to overwrite a change made while the editor was open, keeping the typed text", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "Old title", ["-d", "old text"]);
  const typed = "My title\n\nwhat I typed\n";
  const result = await editWith(cwd, id, async (path) => {
    const other = await tm(["update", id, "-d", "their text"], {
      cwd,
      env: { TM_AGENT_ID: "bob" },
    });
    assert.equal(other.code, 0, other.stderr);
    await Deno.writeTextFile(path, typed);
    return true;
  });
  assert.equal(result.code, 6);
  const kept = result.stderr.match(/your text is kept in (\S+)/)?.[1];
  assert.match(
    result.stderr,
    new RegExp(`^tm: cannot save task "${id}": its description changed while you edited it; `),
  );
  assert.equal(result.stderr.trimEnd().split("\n").length, 1);
  assert.ok(kept !== undefined, result.stderr);
  try {
    assert.equal(await Deno.readTextFile(kept), typed);
  } finally {
    await Deno.remove(kept).catch(() => {});
  }
  const task = await show(cwd, id);
  assert.equal(task.title, "Old title");
  assert.equal(task.description, "their text");
});

Deno.test("tm edit saves over a change that left the title and description alone", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "Old title", ["-d", "old text"]);
  const result = await editWith(cwd, id, async (path) => {
    assert.equal((await tm(["update", id, "--priority", "high"], { cwd })).code, 0);
    await Deno.writeTextFile(path, "New title\n\nold text");
    return true;
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal((await show(cwd, id)).title, "New title");
});

Deno.test("a description from an endless file ends with a one-line error instead of reading forever", async () => {
  await using project = await initProject();
  const result = await tm(["add", "T", "-d", "@/dev/zero"], { cwd: project.dir });
  assert.equal(result.code, 5, result.stderr);
  assert.match(result.stderr, /^tm: "\/dev\/zero" is larger than 64 MiB: not read/);
});
