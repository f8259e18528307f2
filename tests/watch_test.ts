import assert from "node:assert/strict";
import { addTask, initProject, tm, tmJson } from "./_in_process.ts";

interface Note {
  event_id: number;
  message: string;
}

Deno.test("watch prints the original's header and lines, then nothing new", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const api = await addTask(cwd, "API");
  const ui = await addTask(cwd, "UI", ["--depends-on", api]);
  await tmJson(["join", ui], { cwd, env: { TM_AGENT_ID: "bob" } });
  await tmJson(["complete", api], { cwd });
  const first = await tm(["watch"], { cwd, env: { TM_AGENT_ID: "bob" } });
  assert.equal(first.code, 0, first.stderr);
  assert.equal(
    first.stdout,
    `=== 1 New Notification(s) ===\n[UNBLOCKED] Task ${ui} "UI" is unblocked and ready to start (${api} completed)\n`,
  );
  const second = await tm(["watch"], { cwd, env: { TM_AGENT_ID: "bob" } });
  assert.equal(second.stdout, "No new notifications\n");
});

Deno.test("watch --since resumes after an event id without gaps or duplicates", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const ids = [await addTask(cwd, "one"), await addTask(cwd, "two"), await addTask(cwd, "three")];
  for (const id of ids) await tmJson(["join", id], { cwd, env: { TM_AGENT_ID: "bob" } });
  await tmJson(["discover", ids[0]!, "first"], { cwd });
  await tmJson(["discover", ids[1]!, "second"], { cwd });
  const seen = await tmJson(["watch"], { cwd, env: { TM_AGENT_ID: "bob" } });
  const [first, second] = seen.notifications as Note[];
  await tmJson(["discover", ids[2]!, "third"], { cwd });
  const resumed = await tmJson(["watch", "--since", String(first!.event_id)], {
    cwd,
    env: { TM_AGENT_ID: "bob" },
  });
  assert.deepEqual(
    (resumed.notifications as Note[]).map((n) => n.message.replace(/.*: /, "")),
    ["second", "third"],
  );
  assert.equal((resumed.notifications as Note[])[0]!.event_id, second!.event_id);
  const end = await tmJson(["watch", "--since", String(resumed.next_since)], {
    cwd,
    env: { TM_AGENT_ID: "bob" },
  });
  assert.equal(end.count, 0);
});

Deno.test("watch --follow --timeout ends cleanly with exit 0", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const result = await tm(["watch", "--follow", "--timeout", "0.3"], { cwd });
  assert.deepEqual([result.code, result.stdout, result.stderr], [0, "", ""]);
});

Deno.test("watch rejects a bad --since and --timeout without --follow", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  assert.equal((await tm(["watch", "--since", "abc"], { cwd })).code, 2);
  assert.equal((await tm(["watch", "--timeout", "3"], { cwd })).code, 2);
});
