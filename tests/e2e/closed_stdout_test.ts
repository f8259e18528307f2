import assert from "node:assert/strict";
import { addTask, tempProject, tm, tmClosingStdout, tmJson } from "../_cli.ts";

type Task = { id: string; status: string; claimed_by: string | null };

Deno.test("a worker whose stdout is closed stops cleanly and leaves no task held", async () => {
  await using project = await tempProject();
  const cwd = project.dir;
  for (const title of ["w1", "w2", "w3"]) await addTask(cwd, title);
  const env = { TM_AGENT_ID: "alice" };
  // Like `tm worker ... | head -2`: the reader goes away while the command runs.
  const { lines, code, stderr } = await tmClosingStdout(
    ["worker", "--exec", "sleep 0.3; echo a; echo b", "--drain", "--json"],
    { cwd, env, lines: 2 },
  );
  assert.deepEqual(lines.map((line) => JSON.parse(line).event), ["started", "claimed"]);
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /BrokenPipe|Uncaught/);
  const tasks = (await tmJson(["list"], { cwd })).tasks as Task[];
  assert.deepEqual(tasks.filter((t) => t.status === "in_progress" || t.claimed_by !== null), []);
  // It stopped claiming: at most the one task it held was finished.
  assert.ok(tasks.filter((t) => t.status === "pending").length >= 2);
});

Deno.test("watch --follow exits quietly when its stdout is closed", async () => {
  await using project = await tempProject();
  const cwd = project.dir;
  const api = await addTask(cwd, "API");
  const bob = { cwd, env: { TM_AGENT_ID: "bob" } };
  await tmJson(["join", api], bob);
  await tmJson(["discover", api, "first finding"], { cwd });
  const started = Date.now();
  // The first line proves the watcher is past its first batch; once the reader is gone, the
  // next notification is written to a closed pipe.
  const { lines, code, stderr } = await tmClosingStdout(
    ["watch", "--follow", "--json", "--timeout", "30"],
    {
      ...bob,
      lines: 1,
      afterClose: async () => {
        assert.equal((await tm(["discover", api, "second finding"], { cwd })).code, 0);
      },
    },
  );
  assert.equal(JSON.parse(lines[0]!).type, "discovered");
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "");
  assert.ok(Date.now() - started < 20_000, "it stopped on its own, not at --timeout");
});
