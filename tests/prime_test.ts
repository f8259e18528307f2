import assert from "node:assert/strict";
import { initProject, tempDir, tm, tmJson } from "./_in_process.ts";

/** A simple token estimate: about four characters per token. */
function tokens(text: string): number {
  return Math.ceil(text.length / 4);
}

Deno.test("tm prime stays under 1.5k tokens on a busy project and shows what matters", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const me = { cwd, env: { TM_AGENT_ID: "busy-agent" } };
  const long = "x".repeat(480);
  const now = Date.now();
  // 60 tasks with the longest titles: 12 held by me, 48 ready.
  const lines = Array.from({ length: 60 }, (_, i) =>
    JSON.stringify({
      id: (0x20000000 + i).toString(16),
      title: `${i} ${long}`,
      ...(i < 12
        ? {
          status: "in_progress",
          claimed_by: "busy-agent",
          lease_expires_at: new Date(now + 600_000).toISOString(),
        }
        : {}),
    }));
  await Deno.writeTextFile(`${cwd}/tasks.jsonl`, lines.join("\n") + "\n");
  assert.equal((await tm(["import", `${cwd}/tasks.jsonl`], { cwd })).code, 0);
  await Deno.mkdir(`${cwd}/.task-orchestrator/templates`, { recursive: true });
  const many = Array.from(
    { length: 30 },
    (_, i) => `  - {key: t${i}, title: "${i} {{t}}", assignee: "{{who}}"}`,
  );
  await Deno.writeTextFile(
    `${cwd}/.task-orchestrator/templates/many.yaml`,
    `variables: {t: {}, who: {}}\ntasks:\n${many.join("\n")}\n`,
  );
  // 30 notifications with long messages: tasks created and assigned to me by someone else.
  const applied = await tm([
    "template",
    "apply",
    "many",
    "--var",
    `t=${long}`,
    "--var",
    "who=busy-agent",
  ], {
    cwd,
    env: { TM_AGENT_ID: "lead" },
  });
  assert.equal(applied.code, 0, applied.stderr);
  await tmJson(["agent", "register", "busy-agent", "--capability", "python,db,frontend"], { cwd });

  const text = await tm(["prime"], me);
  assert.equal(text.code, 0, text.stderr);
  assert.ok(tokens(text.stdout) <= 1500, `prime text is ~${tokens(text.stdout)} tokens`);
  assert.match(text.stdout, /# tm briefing for busy-agent \(capabilities: db, frontend, python\)/);
  assert.match(text.stdout, /## Notifications: 30 unread/);
  assert.match(text.stdout, /lease until \d\d:\d\dZ \(10m left\)/);
  const json = await tmJson(["prime"], me);
  assert.ok(
    tokens(JSON.stringify(json)) <= 1500,
    `prime JSON is ~${tokens(JSON.stringify(json))} tokens`,
  );
  assert.equal((json.held as unknown[]).length, 5);
  assert.equal(json.held_more, true);
  assert.equal((json.ready as unknown[]).length, 5);
  assert.equal(json.unread_count, 30);
  assert.equal((json.notifications as unknown[]).length, 3);
  assert.equal((json.next_commands as string[]).length, 5);
  // Reading the briefing marks nothing read.
  assert.equal((await tmJson(["prime"], me)).unread_count, 30);
});

Deno.test("tm onboard prints the AGENTS.md snippet", async (t) => {
  await using temp = await tempDir();
  const cwd = temp.dir;
  const result = await tm(["onboard"], { cwd });
  assert.equal(result.code, 0);
  await t.assertSnapshot(result.stdout);
});
