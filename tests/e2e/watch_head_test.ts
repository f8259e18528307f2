// `tm watch --follow --json --since 0 | head -1` ends once head does, without waiting for
// another notification (issue 9, defect 8).
import assert from "node:assert/strict";
import { addTask, tempProject, tmClosingStdout, tmJson } from "../_cli.ts";

Deno.test("watch --follow --json ends within a second of its reader going away", async () => {
  await using project = await tempProject();
  const cwd = project.dir;
  const api = await addTask(cwd, "API");
  const bob = { cwd, env: { TM_AGENT_ID: "bob" } };
  await tmJson(["join", api], bob);
  await tmJson(["discover", api, "finding"], { cwd });
  let closedAt = 0;
  const { lines, code, stderr } = await tmClosingStdout(
    ["watch", "--follow", "--json", "--since", "0", "--timeout", "30"],
    { ...bob, lines: 1, afterClose: () => Promise.resolve(void (closedAt = Date.now())) },
  );
  const exitedAfter = Date.now() - closedAt;
  assert.equal(JSON.parse(lines[0]!).type, "discovered");
  assert.equal(code, 0, stderr);
  assert.ok(exitedAfter < 1500, `exited ${exitedAfter} ms after stdout closed`);
});
