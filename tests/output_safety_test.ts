// User text never drives the terminal or a spreadsheet, and a chatty worker stores a bounded
// tail of its output (issue 9, defect 9).
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { addTask, initProject, tm } from "./_in_process.ts";

// deno-lint-ignore no-control-regex -- control characters are what this looks for
const ESCAPES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

Deno.test("escape sequences in descriptions, documents, notes and summaries are shown inert", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const evil = "line one\n\u001b[2J\u001b]0;pwned\u0007 \u009b31m red\r";
  const id = await addTask(cwd, "t", ["-d", evil]);
  const show = await tm(["show", id], { cwd });
  assert.equal(show.code, 0, show.stderr);
  assert.doesNotMatch(show.stdout, ESCAPES);
  assert.match(show.stdout, /\\u001b\[2J/);
  await Deno.writeTextFile(`${cwd}/doc.md`, `# doc\n${evil}\n`);
  assert.equal((await tm(["share", id, "see doc", "--file", "doc.md"], { cwd })).code, 0);
  assert.equal((await tm(["note", id, evil], { cwd })).code, 0);
  assert.equal((await tm(["share", id, evil], { cwd })).code, 0);
  const context = await tm(["context", id], { cwd });
  assert.equal(context.code, 0, context.stderr);
  assert.doesNotMatch(context.stdout, ESCAPES);
  assert.equal((await tm(["complete", id, "--summary", evil], { cwd })).code, 0);
  assert.doesNotMatch((await tm(["show", id], { cwd })).stdout, ESCAPES);
  // JSON keeps the text exactly.
  const json = JSON.parse((await tm(["show", id, "--json"], { cwd })).stdout);
  assert.equal(json.task.description, evil);
});

Deno.test("CSV cells that start with = + - @ are made inert; numbers stay numbers", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  await addTask(cwd, '=HYPERLINK("http://x")', ["-d", "@@SUM(A1)"]);
  await addTask(cwd, "+1 plain", ["--estimated-hours", "2"]);
  const csv = (await tm(["export", "--format", "csv"], { cwd })).stdout;
  assert.match(csv, /"'=HYPERLINK\(""http:\/\/x""\)"/);
  assert.match(csv, /'@SUM\(A1\)/);
  assert.match(csv, /'\+1 plain/);
  assert.match(csv, /,2,/);
});

Deno.test("a worker stores a bounded tail of a task's output with a truncation marker", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "chatty");
  const result = await tm(["worker", "--exec", "yes | head -5000", "--drain"], { cwd });
  assert.equal(result.code, 0, result.stderr);
  const db = new DatabaseSync(`${cwd}/.task-orchestrator/tasks.db`, { readOnly: true });
  const rows = db.prepare("SELECT message FROM progress WHERE task_id = ? ORDER BY rowid").all(
    id,
  ) as Array<{ message: string }>;
  db.close();
  assert.ok(rows.length <= 1001, `${rows.length} progress rows`);
  assert.ok(rows.some((r) => /\[tm: 4000 lines of output not stored\]/.test(r.message)));
});
