// Faults of the file system are never internal errors: a full disk, a read-only data
// directory, a file that is not a database, names too long (issue 9, defects 4 and 5).
// The full-disk and read-only cases mount a small tmpfs, so they run as root only.
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { addTask, initProject, tempDir, tm, tmJson } from "./_in_process.ts";

/** Root (mount works) — asked of `id`, since Deno.uid() needs --allow-sys. */
const isRoot = (() => {
  try {
    const out = new Deno.Command("id", { args: ["-u"], stderr: "null" }).outputSync();
    return new TextDecoder().decode(out.stdout).trim() === "0";
  } catch {
    return false;
  }
})();

async function sh(...args: string[]): Promise<boolean> {
  const out = await new Deno.Command(args[0]!, { args: args.slice(1), stderr: "null" }).output();
  return out.success;
}

function assertOneLine(stderr: string) {
  assert.doesNotMatch(stderr, /internal error| {4}at |SQLITE|sqlite3/);
  assert.equal(stderr.trimEnd().split("\n").length, 1, stderr);
}

/** A tmpfs of `size` mounted on a fresh directory; unmounted when disposed. */
async function smallDisk(size: string): Promise<AsyncDisposable & { dir: string } | null> {
  const holder = await tempDir();
  if (!await sh("mount", "-t", "tmpfs", "-o", `size=${size}`, "tmpfs", holder.dir)) {
    await holder[Symbol.asyncDispose]();
    return null;
  }
  return {
    dir: holder.dir,
    async [Symbol.asyncDispose]() {
      await sh("umount", "-l", holder.dir);
      await holder[Symbol.asyncDispose]();
    },
  };
}

async function fillDisk(dir: string): Promise<void> {
  const file = await Deno.open(`${dir}/filler`, { write: true, create: true });
  const chunk = new Uint8Array(64 * 1024);
  try {
    for (;;) await file.write(chunk);
  } catch {
    // full
  } finally {
    file.close();
  }
  // Fill the last bytes too, so even a small write fails.
  const last = await Deno.open(`${dir}/filler2`, { write: true, create: true });
  try {
    for (;;) await last.write(new Uint8Array(512));
  } catch {
    // full
  } finally {
    last.close();
  }
}

Deno.test({
  name: "share and note on a full disk either commit or write nothing, and a retry adds one entry",
  ignore: !isRoot,
  async fn() {
    await using disk = await smallDisk("2m");
    if (disk === null) return;
    const cwd = disk.dir;
    assert.equal((await tm(["init"], { cwd })).code, 0);
    const id = await addTask(cwd, "t");
    await fillDisk(cwd);
    const note = await tm(["note", id, "x".repeat(60_000)], { cwd });
    assert.equal(note.code, 4, note.stderr);
    assertOneLine(note.stderr);
    const notePath = `${cwd}/.task-orchestrator/private_notes/tester/task_${id}.md`;
    assert.equal(await Deno.stat(notePath).then(() => true, () => false), false, "empty note");
    const share = await tm(["share", id, "y".repeat(60_000)], { cwd });
    assert.ok([0, 4].includes(share.code), share.stderr);
    if (share.stderr !== "") assertOneLine(share.stderr);
    await Deno.remove(`${cwd}/filler`);
    await Deno.remove(`${cwd}/filler2`);
    if (share.code !== 0) {
      assert.equal((await tm(["share", id, "retry"], { cwd })).code, 0);
    }
    const context = await tmJson(["context", id], { cwd });
    assert.equal((context.entries as unknown[]).length, 1);
    const db = new DatabaseSync(`${cwd}/.task-orchestrator/tasks.db`, { readOnly: true });
    const check = db.prepare("PRAGMA integrity_check").get() as { integrity_check: string };
    db.close();
    assert.equal(check.integrity_check, "ok");
  },
});

Deno.test({
  name: "reads work in a read-only data directory and writes fail with one line",
  ignore: !isRoot,
  async fn() {
    await using disk = await smallDisk("8m");
    if (disk === null) return;
    const cwd = disk.dir;
    assert.equal((await tm(["init"], { cwd })).code, 0);
    const id = await addTask(cwd, "readable");
    assert.equal((await tm(["share", id, "hello"], { cwd })).code, 0);
    assert.ok(await sh("mount", "-o", "remount,ro", cwd));
    for (const args of [["list"], ["show", id], ["ready"], ["export"], ["context", id]]) {
      const result = await tm(args, { cwd });
      assert.equal(result.code, 0, `${args}: ${result.stderr}`);
      assert.match(result.stdout, /readable|hello/);
    }
    for (const args of [["add", "x"], ["claim", id], ["share", id, "more"], ["note", id, "n"]]) {
      const result = await tm(args, { cwd });
      assert.equal(result.code, 4, `${args}: ${result.stderr}`);
      assertOneLine(result.stderr);
    }
  },
});

Deno.test("migrate --status on a file that is not a database is one line, exit 4", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.dir}/g.db`, "garbage ".repeat(100));
  const result = await tm(["migrate", "--status", "--db", "g.db"], { cwd: dir.dir });
  assert.equal(result.code, 4, result.stderr);
  assertOneLine(result.stderr);
  assert.match(result.stderr, /not a database/);
});

Deno.test("--db and TM_DB_PATH names over 255 bytes are one-line I/O errors", async () => {
  await using project = await initProject();
  const long = `/tmp/${"x".repeat(300)}`;
  for (
    const [args, env] of [
      [["list", "--db", long], {}],
      [["init", "--db", long], {}],
      [["migrate", "--status", "--db", long], {}],
      [["list"], { TM_DB_PATH: `${long}.db` }],
    ] as const
  ) {
    const result = await tm(args, { cwd: project.dir, env });
    assert.equal(result.code, 4, `${args}: ${result.stderr}`);
    assertOneLine(result.stderr);
  }
});
