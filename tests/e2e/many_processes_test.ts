/**
 * Many tm processes at once against one project: what only separate processes can show
 * (SQLite's write lock, file appends and change notices between processes). Moved here from the in-process
 * files of the same features.
 *
 * @module
 */

import assert from "node:assert/strict";
import { parse } from "npm:yaml@^2.9.1";
import { addTask, tempDir, tempProject, tm, tmJson } from "../_cli.ts";

interface Entry {
  seq: number;
  agent: string;
  text: string;
}

Deno.test("20 agents sharing into one task at once lose nothing and get one order", async () => {
  await using project = await tempProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "Shared design");
  const agents = Array.from({ length: 20 }, (_, i) => `agent-${i}`);
  const results = await Promise.all(
    agents.map((agent) =>
      tm(["share", id, `update from ${agent}: yes`], { cwd, env: { TM_AGENT_ID: agent } })
    ),
  );
  for (const result of results) {
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `Shared update for task ${id}\n`);
  }
  const context = await tmJson(["context", id], { cwd });
  const entries = context.entries as Entry[];
  assert.deepEqual(entries.map((e) => e.seq), Array.from({ length: 20 }, (_, i) => i + 1));
  assert.deepEqual(
    entries.map((e) => e.agent).sort(),
    [...agents].sort(),
  );
  for (const entry of entries) assert.equal(entry.text, `update from ${entry.agent}: yes`);
  // The mirror is regenerated from the database by the racing writers and converges.
  const mirror = parse(
    await Deno.readTextFile(`${cwd}/.task-orchestrator/shared_context/task_${id}.yaml`),
  );
  assert.equal(mirror.task_id, id);
  assert.deepEqual(
    mirror.entries.map((e: Entry) => [e.seq, e.agent, e.text]),
    entries.map((e) => [e.seq, e.agent, e.text]),
  );
  const participants = (context.participants as Array<{ agent: string }>).map((p) => p.agent);
  for (const agent of agents) assert.ok(participants.includes(agent), agent);
});

Deno.test("concurrent notes of one agent never interleave", async () => {
  await using project = await tempProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "API");
  const line = (i: number) => `note ${i} ${"x".repeat(2000)}`;
  const results = await Promise.all(
    Array.from({ length: 8 }, (_, i) => tm(["note", id, line(i)], { cwd })),
  );
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  const text = await Deno.readTextFile(
    `${cwd}/.task-orchestrator/private_notes/tester/task_${id}.md`,
  );
  const bodies = text.split(/^## \S+\n\n/m).filter((b) => b !== "").map((b) => b.trim()).sort();
  assert.deepEqual(bodies, Array.from({ length: 8 }, (_, i) => line(i)).sort());
});

Deno.test("concurrent progress updates from many processes are all kept", async () => {
  await using project = await tempProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "shared");
  const agents = Array.from({ length: 8 }, (_, i) => `agent-${i}`);
  const results = await Promise.all(
    agents.map((agent) =>
      tm(["progress", id, `${agent} here`], { cwd, env: { TM_AGENT_ID: agent } })
    ),
  );
  assert.deepEqual(results.map((r) => r.code), agents.map(() => 0));
  const shown = await tmJson(["show", id], { cwd });
  const progress = (shown.task as { progress: Array<{ agent: string }> }).progress;
  assert.deepEqual(progress.map((p) => p.agent).sort(), agents);
});

Deno.test("twelve simultaneous tm init on a fresh directory all succeed", async () => {
  await using temp = await tempDir("tm-init-race-");
  const cwd = temp.dir;
  const results = await Promise.all(Array.from({ length: 12 }, () => tm(["init"], { cwd })));
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  assert.equal(
    results.filter((r) => r.stdout.startsWith("Task database initialized")).length >= 1,
    true,
  );
  assert.equal((await tmJson(["list"], { cwd })).count, 0);
});

Deno.test("sync --wait returns once another process records the checkpoint", async () => {
  await using project = await tempProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "API");
  const waiting = tm(["sync", id, "--wait", "schema-ready", "--timeout", "30"], { cwd });
  const created = await tm(["sync", id, "schema-ready"], { cwd, env: { TM_AGENT_ID: "bob" } });
  assert.equal(created.stdout, `Created sync point for task ${id}\n`);
  const waited = await waiting;
  assert.equal(waited.code, 0, waited.stderr);
  assert.equal(waited.stdout, `Sync point schema-ready reached for task ${id}\n`);
  const again = await tmJson(["sync", id, "schema-ready"], { cwd });
  assert.equal(again.duplicate, true);
});
