/**
 * Seeing work: terminal columns and colour, plain text in a pipe, `tm tree`, `tm board`.
 */
import assert from "node:assert/strict";
import { addTask, Clock, initProject, tm, tmJson } from "./_in_process.ts";
import { relativeTime } from "../src/cli/terminal.ts";

Deno.test("list keeps its plain line format in a pipe and aligns columns on a terminal", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const clock = new Clock(new Date("2026-12-01T12:00:00Z"));
  const a = await addTask(cwd, "Design the API", ["-p", "high", "--deadline", "2026-12-03T12:00Z"]);
  const b = await addTask(cwd, "Write docs");
  const piped = await tm(["list"], { cwd, clock });
  assert.equal(
    piped.stdout,
    `[${a}] Design the API - pending (high, due 2026-12-03)\n[${b}] Write docs - pending\n`,
  );
  const plain = await tm(["list"], { cwd, clock, terminal: true });
  assert.equal(
    plain.stdout,
    // 100 columns: the title gets what id, status, priority and "due in 2d" leave (62).
    `${a}  pending  high    Design the API` + " ".repeat(62 - 14) + "  due in 2d\n" +
      `${b}  pending  medium  Write docs\n`,
  );
  const colour = await tm(["list"], { cwd, clock, terminal: true, env: { NO_COLOR: "" } });
  assert.ok(colour.stdout.includes("\x1b[36mpending\x1b[0m"), colour.stdout);
  const noColor = await tm(["list", "--no-color"], { cwd, terminal: true, env: { NO_COLOR: "" } });
  assert.ok(!noColor.stdout.includes("\x1b["), noColor.stdout);
});

Deno.test("relativeTime() says how far a time is, roughly", () => {
  const now = new Date("2026-12-01T12:00:00Z");
  assert.equal(relativeTime("2026-12-03T12:00:00Z", now), "in 2d");
  assert.equal(relativeTime("2026-12-01T09:00:00Z", now), "3h ago");
  assert.equal(relativeTime("2026-12-01T12:12:00Z", now), "in 12m");
});

Deno.test("tree shows what blocks what, and one task's both directions", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const design = await addTask(cwd, "Design");
  const build = await addTask(cwd, "Build", ["--depends-on", design]);
  const docs = await addTask(cwd, "Docs", ["--depends-on", design, build]);
  const all = await tm(["tree"], { cwd });
  assert.equal(
    all.stdout,
    [
      `[${design}] Design - pending`,
      `├─ [${build}] Build - blocked`,
      `│  └─ [${docs}] Docs - blocked`,
      `└─ [${docs}] Docs - blocked (see above)`,
      "",
    ].join("\n"),
  );
  const one = await tm(["tree", build], { cwd });
  assert.equal(
    one.stdout,
    [
      `[${build}] Build - blocked`,
      "waits on:",
      `  └─ [${design}] Design - pending`,
      "blocks:",
      `  └─ [${docs}] Docs - blocked`,
      "",
    ].join("\n"),
  );
  const json = await tmJson(["tree", build], { cwd });
  assert.deepEqual(json.depends_on, [design]);
  assert.deepEqual(json.dependents, [docs]);
});

Deno.test("board groups tasks by status: sections in a pipe, columns on a terminal", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const a = await addTask(cwd, "First");
  const b = await addTask(cwd, "Second", ["--depends-on", a]);
  const piped = await tm(["board"], { cwd });
  assert.equal(
    piped.stdout,
    `== pending (1) ==\n[${a}] First\n\n== in_progress (0) ==\n\n== blocked (1) ==\n[${b}] Second\n\n== completed (0) ==\n`,
  );
  const terminal = await tm(["board"], { cwd, terminal: true });
  const lines = terminal.stdout.split("\n");
  assert.match(
    lines[0]!,
    /^pending \(1\)\s+│ in_progress \(0\)\s+│ blocked \(1\)\s+│ completed \(0\)/,
  );
  assert.ok(lines[2]!.startsWith(`${a} First`), lines[2]);
  const json = await tmJson(["board"], { cwd });
  const columns = json.columns as Record<string, Array<{ id: string }>>;
  assert.deepEqual(columns.blocked!.map((t) => t.id), [b]);
});
