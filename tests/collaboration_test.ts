import assert from "node:assert/strict";
import { parse } from "npm:yaml@^2.9.1";
import { addTask, initProject, tm, tmJson } from "./_in_process.ts";

interface Entry {
  seq: number;
  agent: string;
  type: string;
  text: string;
  name: string | null;
}

Deno.test("join prints the original's line, is idempotent, and tm show lists the participant", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "API");
  const joined = await tm(["join", id], { cwd, env: { TM_AGENT_ID: "bob" } });
  assert.equal(joined.code, 0, joined.stderr);
  assert.equal(joined.stdout, `Joined task: ${id}\n`);
  const again = await tmJson(["join", id], { cwd, env: { TM_AGENT_ID: "bob" } });
  assert.equal(again.joined, false);
  const shown = await tmJson(["show", id], { cwd });
  const participants = (shown.task as { participants: Array<{ agent: string; role: string }> })
    .participants;
  assert.deepEqual(participants.map((p) => [p.agent, p.role]), [
    ["tester", "creator"],
    ["bob", "joiner"],
  ]);
});

Deno.test("the YAML mirror quotes YAML 1.1 booleans and keeps documents verbatim", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "yes");
  await tmJson(["share", id, "no"], { cwd });
  await Deno.writeTextFile(`${cwd}/spec.md`, "# Spec\n\n- on: off\n");
  const attached = await tmJson(["share", id, "--file", `${cwd}/spec.md`], { cwd });
  assert.deepEqual(
    [(attached.entry as Entry).type, (attached.entry as Entry).name],
    ["document", "spec.md"],
  );
  const text = await Deno.readTextFile(`${cwd}/.task-orchestrator/shared_context/task_${id}.yaml`);
  assert.match(text, /^title: "yes"$/m);
  assert.match(text, /^ {4}text: "no"$/m);
  const mirror = parse(text, { version: "1.1" });
  assert.equal(mirror.title, "yes");
  assert.equal(mirror.entries[1].text, "# Spec\n\n- on: off\n");
});

Deno.test("a malformed YAML attachment is refused with its line and column", async (t) => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "API");
  await Deno.writeTextFile(`${cwd}/api.yaml`, "paths:\n  /users: get\n   bad: [1, 2\n");
  const result = await tm(["share", id, "--file", "api.yaml"], { cwd });
  assert.equal(result.code, 5);
  assert.equal(result.stdout, "");
  await t.assertSnapshot(result.stderr);
  const context = await tmJson(["context", id], { cwd });
  assert.deepEqual(context.entries, []);
  const other = await tm(["share", id, "--file", "notes.txt"], { cwd });
  assert.equal(other.code, 5);
  assert.match(other.stderr, /unsupported file type/);
});

Deno.test("TM_REQUEST_ID makes a share idempotent", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "API");
  const env = { TM_REQUEST_ID: "req-42" };
  const first = await tmJson(["share", id, "once"], { cwd, env });
  const second = await tmJson(["share", id, "once"], { cwd, env });
  assert.equal(first.duplicate, false);
  assert.equal(second.duplicate, true);
  assert.deepEqual(second.entry, first.entry);
  const context = await tmJson(["context", id], { cwd });
  assert.equal((context.entries as Entry[]).length, 1);
});

Deno.test("private notes are shown to their author only", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "API");
  const noted = await tm(["note", id, "remember the cache"], {
    cwd,
    env: { TM_AGENT_ID: "alice" },
  });
  assert.equal(noted.stdout, `Added private note for task ${id}\n`);
  const path = `${cwd}/.task-orchestrator/private_notes/alice/task_${id}.md`;
  assert.match(await Deno.readTextFile(path), /^## \S+Z\n\nremember the cache\n\n$/);
  const mine = await tmJson(["context", id], { cwd, env: { TM_AGENT_ID: "alice" } });
  assert.match(mine.private_notes as string, /remember the cache/);
  const theirs = await tm(["context", id, "--json"], { cwd, env: { TM_AGENT_ID: "bob" } });
  assert.equal(JSON.parse(theirs.stdout).private_notes, null);
  assert.doesNotMatch(theirs.stdout, /remember the cache/);
});

Deno.test("agent names and task ids that would escape the data directory are refused", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "API");
  const attempts: Array<[string[], Record<string, string>]> = [
    [["note", id, "x"], { TM_AGENT_ID: "../escape" }],
    [["note", id, "x"], { TM_AGENT_ID: ".." }],
    [["note", id, "x"], { TM_AGENT_ID: "/etc" }],
    [["note", id, "x"], { TM_AGENT_ID: "a".repeat(300) }],
    [["note", id, "x", "--agent-id", "../../tmp/evil"], {}],
    [["note", id, "x", "--agent-id", "/tmp/evil"], {}],
    [["note", "../../../etc/passwd", "x"], {}],
    [["note", "/etc/passwd", "x"], {}],
    [["share", `${id}/../x`, "x"], {}],
  ];
  for (const [args, env] of attempts) {
    const result = await tm(args, { cwd, env });
    assert.equal(result.code, 5, `${args.join(" ")} ${JSON.stringify(env)}: ${result.stderr}`);
    assert.match(result.stderr, /^tm: invalid (agent|task ID|--agent-id|TM_AGENT_ID)/i);
  }
  const notes = [...Deno.readDirSync(`${cwd}/.task-orchestrator/private_notes`)];
  assert.deepEqual(notes, []);
});

Deno.test("discover notifies the participants of the task, of its dependents and the discoverer", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const api = await addTask(cwd, "API", [], { TM_AGENT_ID: "alice" });
  const ui = await addTask(cwd, "UI", ["--depends-on", api], { TM_AGENT_ID: "carol" });
  await tmJson(["join", api], { cwd, env: { TM_AGENT_ID: "bob" } });
  const found = await tm(["discover", api, "auth needs a token header"], {
    cwd,
    env: { TM_AGENT_ID: "alice" },
  });
  assert.equal(found.stdout, `Discovery shared for task ${api}\n`);
  // A broadcast as in the original: the discoverer's own watch shows it too.
  for (const agent of ["alice", "bob", "carol"]) {
    const watched = await tmJson(["watch"], { cwd, env: { TM_AGENT_ID: agent } });
    const [n] = watched.notifications as Array<Record<string, unknown>>;
    assert.equal(watched.count, 1);
    assert.deepEqual([n!.type, n!.priority, n!.task_id], ["discovered", "high", api]);
    assert.match(n!.message as string, /auth needs a token header/);
  }
  const context = await tmJson(["context", ui], { cwd });
  assert.deepEqual(context.entries, []);
});

Deno.test("sync --wait gives up after its timeout with exit 4", async (t) => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "API");
  const result = await tm(["sync", id, "--wait", "never", "--timeout", "0.2", "--json"], { cwd });
  assert.equal(result.code, 4);
  const error = JSON.parse(result.stderr.split("\n")[1]!).error;
  assert.deepEqual([error.code, error.retryable], ["timeout", true]);
  await t.assertSnapshot(result.stderr.split("\n")[0]!.replace(id, "<id>"));
});

Deno.test("the collaboration commands document themselves in tm help", async (t) => {
  await using project = await initProject();
  const cwd = project.dir;
  for (const name of ["join", "share", "note", "discover", "sync", "context", "watch"]) {
    const result = await tm(["help", name], { cwd });
    assert.equal(result.code, 0, result.stderr);
    await t.assertSnapshot(result.stdout);
  }
});

Deno.test("a mirror that cannot be written is a warning; the entry is recorded", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "API");
  // A directory where the mirror file should be makes the rename fail.
  await Deno.mkdir(`${cwd}/.task-orchestrator/shared_context/task_${id}.yaml/x`, {
    recursive: true,
  });
  const result = await tm(["share", id, "still recorded"], { cwd });
  assert.equal(result.code, 0);
  assert.equal(result.stdout, `Shared update for task ${id}\n`);
  assert.match(result.stderr, /^tm: warning: shared context of task \w+ recorded, but its YAML/);
  assert.equal(result.stderr.split("\n").length, 2);
  const context = await tmJson(["context", id], { cwd });
  assert.equal((context.entries as Entry[])[0]!.text, "still recorded");
});

Deno.test("every collaboration change is an event in the task's history", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "API");
  const bob = { TM_AGENT_ID: "bob" };
  await tmJson(["join", id], { cwd, env: bob });
  await tmJson(["share", id, "s"], { cwd, env: bob });
  await Deno.writeTextFile(`${cwd}/d.md`, "doc");
  await tmJson(["share", id, "--file", "d.md"], { cwd, env: bob });
  await tmJson(["discover", id, "d"], { cwd, env: bob });
  await tmJson(["sync", id, "cp"], { cwd, env: bob });
  await tmJson(["note", id, "private"], { cwd, env: bob });
  const shown = await tmJson(["show", id], { cwd });
  const history = (shown.task as { history: Array<{ type: string; agent: string }> }).history;
  assert.deepEqual(history.map((e) => `${e.type} ${e.agent}`), [
    "created tester",
    "joined bob",
    "shared bob",
    "document_shared bob",
    "discovered bob",
    "sync_point bob",
  ]);
});

Deno.test("deleting a task removes its shared-context mirror", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "short-lived");
  await tm(["share", id, "a note for everyone"], { cwd });
  const mirror = `${cwd}/.task-orchestrator/shared_context/task_${id}.yaml`;
  assert.ok((await Deno.stat(mirror)).isFile);
  const deleted = await tm(["delete", id], { cwd });
  assert.equal(deleted.code, 0, deleted.stderr);
  await assert.rejects(() => Deno.stat(mirror), Deno.errors.NotFound);
});
