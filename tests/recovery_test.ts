// A lost, emptied or foreign database is never taken for a new project; tm doctor describes
// the data directory and tm restore puts a backup back (issue 9, defect 3).
import assert from "node:assert/strict";
import { backup as backupTo, DatabaseSync } from "node:sqlite";
import { addTask, initProject, tm, tmJson } from "./_in_process.ts";

async function projectWithBackup(): Promise<
  { project: Awaited<ReturnType<typeof initProject>>; backup: string; id: string }
> {
  const project = await initProject();
  const id = await addTask(project.dir, "precious");
  const backup = `${project.dir}/.task-orchestrator/backups/tasks-v6-20260101T000000000Z-abc.db`;
  const db = new DatabaseSync(`${project.dir}/.task-orchestrator/tasks.db`);
  await backupTo(db, backup);
  db.close();
  return { project, backup, id };
}

function assertOneLine(stderr: string) {
  assert.doesNotMatch(stderr, /internal error| {4}at /);
  assert.equal(stderr.trimEnd().split("\n").length, 1, stderr);
}

for (
  const [label, damage, pattern] of [
    ["a zero-byte", (path: string) => Deno.writeTextFileSync(path, ""), /is empty \(0 bytes\)/],
    ["a deleted", (path: string) => Deno.removeSync(path), /is missing/],
    ["a foreign", (path: string) => {
      Deno.removeSync(path);
      const db = new DatabaseSync(path);
      db.exec("CREATE TABLE other (x)");
      db.close();
    }, /is not a tm database/],
  ] as const
) {
  Deno.test(`${label} tasks.db fails with exit 4 naming the file and the newest backup`, async () => {
    const { project, backup } = await projectWithBackup();
    await using _ = project;
    const cwd = project.dir;
    const dbPath = `${cwd}/.task-orchestrator/tasks.db`;
    damage(dbPath);
    for (const args of [["list"], ["add", "new"], ["ready"]]) {
      const result = await tm(args, { cwd });
      assert.equal(result.code, 4, `${args}: ${result.stderr}`);
      assertOneLine(result.stderr);
      assert.match(result.stderr, pattern);
      assert.ok(result.stderr.includes(dbPath), result.stderr);
      assert.ok(result.stderr.includes(`tm restore ${backup}`), result.stderr);
    }
    const doctor = await tm(["doctor", "--json"], { cwd });
    assert.equal(doctor.code, 4);
    const report = JSON.parse(doctor.stdout);
    assert.equal(report.healthy, false);
    assert.equal(report.backups[0].path, backup);
    const restore = await tmJson(["restore", backup, "--yes"], { cwd });
    assert.equal(restore.restored, true);
    const list = await tm(["list"], { cwd });
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /precious/);
  });
}

Deno.test("tm doctor reports a healthy project, lagging mirrors and stray links", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "t");
  assert.equal((await tm(["share", id, "one"], { cwd })).code, 0);
  const healthy = await tmJson(["doctor"], { cwd });
  assert.equal(healthy.healthy, true);
  assert.deepEqual((healthy.database as { integrity: string[] }).integrity, ["ok"]);
  const mirror = `${cwd}/.task-orchestrator/shared_context/task_${id}.yaml`;
  await Deno.remove(mirror);
  await Deno.symlink("/etc/passwd", `${cwd}/.task-orchestrator/private_notes/evil`);
  const sick = await tm(["doctor", "--json"], { cwd });
  assert.equal(sick.code, 4);
  const report = JSON.parse(sick.stdout);
  assert.equal(report.lagging_mirrors[0].task_id, id);
  assert.match(report.stray_files[0].reason, /symbolic link/);
  const repaired = await tm(["doctor", "--repair"], { cwd });
  assert.match(repaired.stdout, /repaired: .*task_/);
  assert.match(await Deno.readTextFile(mirror), /one/);
  // The link is reported, never removed by tm.
  assert.equal(repaired.code, 4);
  assert.ok((await Deno.lstat(`${cwd}/.task-orchestrator/private_notes/evil`)).isSymlink);
});

Deno.test("tm restore keeps a copy of the database it replaces and refuses bad backups", async () => {
  const { project, backup } = await projectWithBackup();
  await using _ = project;
  const cwd = project.dir;
  await addTask(cwd, "after the backup");
  const refused = await tm(["restore", backup], { cwd });
  assert.equal(refused.code, 2, refused.stderr);
  const result = await tmJson(["restore", backup, "--yes"], { cwd });
  const safety = result.safety_copy as string;
  assert.match(safety, /pre-restore-.*\.db$/);
  const copy = new DatabaseSync(safety, { readOnly: true });
  assert.equal((copy.prepare("SELECT count(*) AS n FROM tasks").get() as { n: number }).n, 2);
  copy.close();
  assert.doesNotMatch((await tm(["list"], { cwd })).stdout, /after the backup/);
  await Deno.writeTextFile(`${cwd}/junk.db`, "not a database at all");
  const junk = await tm(["restore", "junk.db", "--yes"], { cwd });
  assert.equal(junk.code, 5, junk.stderr);
  assertOneLine(junk.stderr);
  const missing = await tm(["restore", "nope.db", "--yes"], { cwd });
  assert.equal(missing.code, 3, missing.stderr);
  // No SQLite side files are left beside the backups.
  const names = [...Deno.readDirSync(`${cwd}/.task-orchestrator/backups`)].map((e) => e.name);
  assert.deepEqual(names.filter((name) => /-(wal|shm)$/.test(name)), []);
});
