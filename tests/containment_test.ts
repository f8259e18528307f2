// Nothing escapes the data directory and nothing tm owns is overwritten by an output file
// (issue 9, defects 1 and 2).
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { addTask, initProject, tempDir, tm } from "./_in_process.ts";

function assertOneLine(stderr: string) {
  assert.doesNotMatch(stderr, /internal error| {4}at /);
  assert.equal(stderr.trimEnd().split("\n").length, 1, stderr);
}

Deno.test("--output refuses the database, its -wal/-shm, a backup and other owned files", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  await addTask(cwd, "precious");
  const data = `${cwd}/.task-orchestrator`;
  await Deno.writeTextFile(`${data}/backups/tasks-v1-20260101T000000000Z-1.db`, "x");
  await Deno.symlink(`${data}/tasks.db`, `${cwd}/sneaky.db`);
  const targets = [
    ".task-orchestrator/tasks.db",
    ".task-orchestrator/tasks.db-wal",
    ".task-orchestrator/tasks.db-shm",
    `${data}/backups/tasks-v1-20260101T000000000Z-1.db`,
    ".task-orchestrator/../.task-orchestrator/config/config.json",
    "sneaky.db",
  ];
  for (const target of targets) {
    for (const args of [["export", "--format", "jsonl"], ["report"]]) {
      const result = await tm([...args, "--output", target], { cwd });
      assert.equal(result.code, 5, `${args.join(" ")} --output ${target}: ${result.stderr}`);
      assert.match(result.stderr, /refusing to write .*tm's own file/);
      assertOneLine(result.stderr);
    }
  }
  const list = await tm(["list"], { cwd });
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /precious/);
});

Deno.test("--output replaces a file atomically and keeps its mode", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  await addTask(cwd, "t");
  await Deno.writeTextFile(`${cwd}/out.jsonl`, "old");
  await Deno.chmod(`${cwd}/out.jsonl`, 0o600);
  const result = await tm(["export", "--format", "jsonl", "--output", "out.jsonl"], { cwd });
  assert.equal(result.code, 0, result.stderr);
  assert.equal((await Deno.stat(`${cwd}/out.jsonl`)).mode! & 0o777, 0o600);
  assert.match(await Deno.readTextFile(`${cwd}/out.jsonl`), /"title":"t"/);
  // Through a link, the file it names is replaced and the link stays a link.
  await Deno.symlink(`${cwd}/out.jsonl`, `${cwd}/link.jsonl`);
  assert.equal((await tm(["report", "--output", "link.jsonl"], { cwd })).code, 0);
  assert.ok((await Deno.lstat(`${cwd}/link.jsonl`)).isSymlink);
});

Deno.test("a note file linked outside the data directory is refused, not appended to", async () => {
  await using project = await initProject();
  await using outside = await tempDir();
  const cwd = project.dir;
  const id = await addTask(cwd, "t");
  const victim = `${outside.dir}/bashrc`;
  await Deno.writeTextFile(victim, "original\n");
  const notes = `${cwd}/.task-orchestrator/private_notes/tester`;
  await Deno.mkdir(notes, { recursive: true });
  await Deno.symlink(victim, `${notes}/task_${id}.md`);
  const result = await tm(["note", id, "pwned"], { cwd });
  assert.equal(result.code, 4, result.stderr);
  assert.match(result.stderr, /symbolic link/);
  assertOneLine(result.stderr);
  assert.equal(await Deno.readTextFile(victim), "original\n");
  const context = await tm(["context", id], { cwd });
  assert.equal(context.code, 4, context.stderr);
});

Deno.test("a linked agent directory or shared_context/ receives nothing", async () => {
  await using project = await initProject();
  await using outside = await tempDir();
  const cwd = project.dir;
  const id = await addTask(cwd, "t");
  const data = `${cwd}/.task-orchestrator`;
  await Deno.symlink(outside.dir, `${data}/private_notes/tester`);
  const note = await tm(["note", id, "secret"], { cwd });
  assert.equal(note.code, 4, note.stderr);
  await Deno.remove(`${data}/shared_context`, { recursive: true });
  await Deno.symlink(outside.dir, `${data}/shared_context`);
  const share = await tm(["share", id, "hello"], { cwd });
  // The entry is committed (the database is the truth); the mirror is a one-line warning.
  assert.equal(share.code, 0, share.stderr);
  assert.match(share.stderr, /warning: .*symbolic link/);
  assertOneLine(share.stderr);
  assert.deepEqual([...Deno.readDirSync(outside.dir)], []);
});

Deno.test("linked config, templates and backups directories are not followed", async () => {
  await using project = await initProject();
  await using outside = await tempDir();
  const cwd = project.dir;
  const data = `${cwd}/.task-orchestrator`;
  await Deno.remove(`${data}/config`, { recursive: true });
  await Deno.symlink(outside.dir, `${data}/config`);
  const config = await tm(["config", "--enable", "telemetry"], { cwd });
  assert.equal(config.code, 4, config.stderr);
  assertOneLine(config.stderr);
  assert.deepEqual([...Deno.readDirSync(outside.dir)], []);
  const db = new DatabaseSync(`${data}/tasks.db`, { readOnly: true });
  assert.equal(
    (db.prepare("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check,
    "ok",
  );
  db.close();
});
