import assert from "node:assert/strict";
import { addTask, initProject, tempDir, tm, tmJson } from "./_in_process.ts";

async function taskCount(cwd: string): Promise<number> {
  return (await tmJson(["list"], { cwd })).count as number;
}

/** A user error: the documented exit code, exactly one stderr line, nothing on stdout. */
async function expectError(
  cwd: string,
  args: string[],
  code: number,
  pattern: RegExp,
): Promise<void> {
  const result = await tm(args, { cwd });
  assert.equal(result.code, code, `tm ${args.join(" ")}: ${result.stderr}`);
  assert.equal(result.stdout, "", `stdout must stay empty on error: ${args.join(" ")}`);
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one stderr line expected:\n${result.stderr}`);
  assert.match(lines[0]!, /^tm: /);
  assert.match(lines[0]!, pattern);
}

Deno.test("titles and descriptions keep quotes, newlines, unicode and 100 KB intact", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const title = `He said "ship it" & left 'early'\nsecond line \u{1F680} 日本語 \\ $HOME`;
  const description = "x".repeat(50_000) + "\n" + "é".repeat(25_000) + "\tend\r\n";
  const id = await addTask(cwd, title, ["-d", description]);
  const shown = (await tmJson(["show", id], { cwd })).task as Record<string, unknown>;
  assert.equal(shown.title, title.trim());
  assert.equal(shown.description, description);
  const list = await tm(["list"], { cwd });
  assert.equal(list.stdout.split("\n").filter((l) => l !== "").length, 1, "one line per task");
  assert.ok(list.stdout.includes("\\n"), "the newline in the title is escaped in list output");
});

Deno.test("bad values are refused with their exit code and nothing is written", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const dep = await addTask(cwd, "existing");
  const cases: Array<[string[], number, RegExp]> = [
    [["add", ""], 5, /title cannot be empty/],
    [["add", "x".repeat(501)], 5, /title too long \(max 500 characters\)/],
    [["add", "t", "-p", "urgent"], 5, /invalid priority "urgent"/i],
    [["add", "t", "--depends-on", "ffffffff"], 3, /invalid dependency ID "ffffffff"/i],
    [["add", "t", "--depends-on", `${dep},zz`], 5, /invalid dependency ID "zz"/i],
    [["add", "t", "--deadline", "next friday"], 5, /invalid deadline/],
    [["add", "t", "--estimated-hours", "-2"], 5, /invalid --estimated-hours/],
    [["add", "t", "--criteria", "[{oops"], 5, /invalid criteria JSON/],
    [["add", "t", "--file", "a.ts:0:2"], 5, /lines start at 1/],
    [["add", "t", "--assignee", "../etc"], 5, /invalid assignee/],
    [["add", "t", "--nope"], 2, /unknown option --nope/],
    [["add"], 2, /missing argument TITLE/],
    [["add", "a", "b"], 2, /unexpected argument "b"/],
    [["list", "--status", "done"], 5, /invalid status "done"/i],
    [["list", "--limit", "-1"], 2, /invalid --limit "-1"/],
    [["frobnicate"], 2, /unknown command "frobnicate"/],
    [["lst"], 2, /did you mean "list"/],
  ];
  for (const [args, code, pattern] of cases) await expectError(cwd, args, code, pattern);
  assert.equal(await taskCount(cwd), 1, "no failed command left a task behind");
});

Deno.test("unknown and ambiguous ids are told apart", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const lines = ["abcd0001", "abcd0002", "abce0003"].map((id) =>
    JSON.stringify({ id, title: `task ${id}` })
  ).join("\n");
  const imported = await tm(["import", "-"], { cwd, stdin: lines });
  assert.equal(imported.code, 0, imported.stderr);
  await expectError(cwd, ["show", "ffffffff"], 3, /task "ffffffff" not found/);
  await expectError(cwd, ["show", "abcd"], 5, /ambiguous task ID prefix "abcd"/);
  await expectError(cwd, ["show", "ab"], 5, /invalid task ID "ab"/i);
  const unique = await tmJson(["show", "abce"], { cwd });
  assert.equal((unique.task as { id: string }).id, "abce0003");
  await expectError(cwd, ["complete", "ffff"], 3, /not found/);
  await expectError(cwd, ["dep", "add", "abcd0001", "ffff0000"], 3, /invalid dependency ID/i);
});

Deno.test("dep add refuses a cycle, names it, and leaves the graph unchanged", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const a = await addTask(cwd, "a");
  const b = await addTask(cwd, "b", ["--depends-on", a]);
  const c = await addTask(cwd, "c", ["--depends-on", b]);
  await expectError(
    cwd,
    ["dep", "add", a, c],
    5,
    new RegExp(`would create a cycle: ${a} -> ${c} -> ${b} -> ${a}`),
  );
  await expectError(cwd, ["dep", "add", a, a], 5, /cycle/);
  const shown = (await tmJson(["show", a], { cwd })).task as {
    dependencies: unknown[];
    status: string;
  };
  assert.deepEqual(shown.dependencies, []);
  assert.equal(shown.status, "pending");
});

Deno.test("an uninitialised project is exit 4 with a hint to run tm init", async () => {
  await using temp = await tempDir();
  const cwd = temp.dir;
  await expectError(cwd, ["list"], 4, /not initialised.*tm init/);
});
