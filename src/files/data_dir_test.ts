import assert from "node:assert/strict";
import { locateDataDir, mainWorktreeOf } from "./data_dir.ts";

async function git(cwd: string, ...args: string[]): Promise<void> {
  const out = await new Deno.Command("git", {
    args: ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args],
    cwd,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
}

async function tempDir(): Promise<string> {
  return await Deno.realPath(await Deno.makeTempDir({ prefix: "tm-datadir-" }));
}

Deno.test("locateDataDir() walks up from a subdirectory to the project's data directory", async () => {
  const root = await tempDir();
  await Deno.mkdir(`${root}/.task-orchestrator`);
  await Deno.mkdir(`${root}/src/deep/er`, { recursive: true });
  const found = locateDataDir(`${root}/src/deep/er`);
  assert.deepEqual(found, {
    dataDir: `${root}/.task-orchestrator`,
    dbPath: `${root}/.task-orchestrator/tasks.db`,
    source: "found",
  });
});

Deno.test("locateDataDir() without a data directory proposes the git root, else the cwd", async () => {
  const plain = await tempDir();
  assert.equal(locateDataDir(plain).dataDir, `${plain}/.task-orchestrator`);
  assert.equal(locateDataDir(plain).source, "default");
  const repo = await tempDir();
  await git(repo, "init", "-q");
  await Deno.mkdir(`${repo}/pkg`);
  assert.equal(locateDataDir(`${repo}/pkg`).dataDir, `${repo}/.task-orchestrator`);
});

Deno.test("locateDataDir() from a linked git worktree uses the main worktree's data directory", async () => {
  const main = await tempDir();
  await git(main, "init", "-q");
  await Deno.writeTextFile(`${main}/README`, "x");
  await git(main, "add", "README");
  await git(main, "commit", "-qm", "init");
  const linked = `${await tempDir()}/feature`;
  await git(main, "worktree", "add", "-q", linked);
  await Deno.mkdir(`${linked}/src`);
  assert.equal(mainWorktreeOf(linked), main);
  // Before init, the proposal is the main worktree (so tm init there is shared).
  assert.equal(locateDataDir(`${linked}/src`).dataDir, `${main}/.task-orchestrator`);
  await Deno.mkdir(`${main}/.task-orchestrator`);
  const found = locateDataDir(`${linked}/src`);
  assert.equal(found.dataDir, `${main}/.task-orchestrator`);
  assert.equal(found.source, "found");
});

Deno.test("locateDataDir() honours an override: a .db file or a data directory", async () => {
  const dir = await tempDir();
  assert.deepEqual(locateDataDir(dir, "custom/state.db"), {
    dataDir: `${dir}/custom`,
    dbPath: `${dir}/custom/state.db`,
    source: "override",
  });
  assert.deepEqual(locateDataDir(dir, "/srv/tm-data"), {
    dataDir: "/srv/tm-data",
    dbPath: "/srv/tm-data/tasks.db",
    source: "override",
  });
});
