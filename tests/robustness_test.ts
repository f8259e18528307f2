// Regressions from exploratory testing: inputs that crashed tm (exit 1 with a stack) or were
// silently mishandled. Each must be a clear one-line error with its documented code, or work.
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { addTask, initProject, tempDir, tm, tmJson } from "./_in_process.ts";

async function expectOneLineError(
  cwd: string,
  args: string[],
  code: number,
  pattern: RegExp,
  env?: Record<string, string>,
) {
  const result = await tm(args, { cwd, ...(env ? { env } : {}) });
  assert.equal(result.code, code, `tm ${args.join(" ")}: ${result.stderr}`);
  assert.doesNotMatch(result.stderr, /internal error|Uncaught| {4}at /);
  assert.equal(result.stderr.trimEnd().split("\n").length, 1, result.stderr);
  assert.match(result.stderr, pattern);
}

Deno.test("out-of-range numbers and durations are user errors, not crashes", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "t");
  await expectOneLineError(cwd, ["claim", id, "--ttl", "99999999999999999999"], 5, /--ttl/);
  await expectOneLineError(cwd, ["claim", id, "--ttl", "1000000000d"], 5, /longer than 10 years/);
  await expectOneLineError(cwd, ["claim", id], 5, /TM_LEASE_TTL/, {
    TM_LEASE_TTL: "99999999999999999999",
  });
  await expectOneLineError(cwd, ["metrics", "--days", "99999999999"], 2, /at most 36500/);
  await expectOneLineError(cwd, ["report", "--days", "99999999999"], 2, /at most 36500/);
  await expectOneLineError(cwd, ["list", "--limit", "99999999999999999999"], 2, /--limit/);
  await expectOneLineError(cwd, ["ready", "--limit", "99999999999999999999"], 2, /--limit/);
});

Deno.test("files that are not what they should be are I/O errors (exit 4)", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  await expectOneLineError(
    cwd,
    ["report", "--output", "/nonexistent/dir/r.txt"],
    4,
    /cannot write "\/nonexistent\/dir\/r.txt": its directory does not exist/,
  );
  await expectOneLineError(cwd, ["report", "--output", "/tmp"], 4, /it is a directory/);
  await expectOneLineError(cwd, ["list"], 4, /not initialised/, { TM_DB_PATH: "/etc/passwd" });
  await Deno.writeTextFile(`${cwd}/.task-orchestrator/tasks.db`, "garbage ".repeat(100));
  await expectOneLineError(cwd, ["list"], 4, /database error: .*not a database/);
});

Deno.test("an empty option value is a value (-d '')", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const added = await tmJson(["add", "x", "-d", ""], { cwd });
  assert.equal((added.task as { description: string }).description, "");
  const id = (added.task as { id: string }).id;
  assert.equal((await tm(["update", id, "-d", ""], { cwd })).code, 0);
});

Deno.test("a single-value option given twice is refused instead of keeping the last", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  await expectOneLineError(
    cwd,
    ["list", "--status", "pending", "--status", "blocked"],
    2,
    /option --status given twice/,
  );
  assert.equal((await tm(["add", "x", "--tag", "a", "--tag", "b"], { cwd })).code, 0);
});

Deno.test("--json holds for help and for a missing command", async () => {
  await using temp = await tempDir();
  const cwd = temp.dir;
  const help = await tm(["add", "--help", "--json"], { cwd });
  assert.equal(help.code, 0);
  const doc = JSON.parse(help.stdout);
  assert.equal(doc.command, "add");
  assert.match(doc.help, /^Usage: tm add/);
  const missing = await tm(["--json"], { cwd });
  assert.equal(missing.code, 2);
  assert.equal(missing.stdout, "");
  assert.match(missing.stderr, /^tm: missing command/);
  assert.equal(JSON.parse(missing.stderr.split("\n")[1]!).error.code, "usage");
});

Deno.test("show gives each criterion's verdict, as tm criteria and --validate do", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "k", [
    "--criteria",
    '[{"criterion":"fast","measurable":"ms < 50"}]',
  ]);
  await tm(["criteria", id, "--set", "ms=10"], { cwd });
  const shown = await tmJson(["show", id], { cwd });
  const [criterion] = (shown.task as { criteria: Array<Record<string, unknown>> }).criteria;
  assert.equal(criterion!.result, "passed");
  assert.equal(criterion!.reason, "ms < 50 is true");
  assert.match((await tm(["show", id], { cwd })).stdout, /1\. fast .*\(passed: ms < 50 is true\)/);
});

Deno.test("import keeps the assignee as a participant, so they are still notified", async () => {
  await using sourceProject = await initProject();
  const source = sourceProject.dir;
  const a = await addTask(source, "a");
  await addTask(source, "b", ["--depends-on", a, "--assignee", "bob"]);
  const jsonl = (await tm(["export", "--format", "jsonl"], { cwd: source })).stdout;
  await using targetProject = await initProject();
  const target = targetProject.dir;
  assert.equal((await tm(["import", "-"], { cwd: target, stdin: jsonl })).code, 0);
  await tm(["complete", a], { cwd: target });
  const watch = await tm(["watch"], { cwd: target, env: { TM_AGENT_ID: "bob" } });
  assert.match(watch.stdout, /\[UNBLOCKED\]/);
});

Deno.test("'none' is not an agent name; --assignee none clears the assignee", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "x", ["--assignee", "carol"]);
  const cleared = await tmJson(["update", id, "--assignee", "none"], { cwd });
  assert.equal((cleared.task as { assignee: string | null }).assignee, null);
  await expectOneLineError(cwd, ["assign", id, "none"], 5, /reserved/);
  await expectOneLineError(cwd, ["list"], 5, /invalid TM_AGENT_ID "None"/, {
    TM_AGENT_ID: "None",
  });
});

Deno.test("migrate --status on a database from a newer tm is exit 4", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const db = new DatabaseSync(`${cwd}/.task-orchestrator/tasks.db`);
  db.exec("PRAGMA user_version = 99");
  db.close();
  await expectOneLineError(cwd, ["migrate", "--status"], 4, /newer than this tm supports/);
});

Deno.test("TM_LEASE_TTL below a second is refused", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "t");
  await expectOneLineError(cwd, ["claim", id], 5, /TM_LEASE_TTL "0": at least 1s/, {
    TM_LEASE_TTL: "0",
  });
});
