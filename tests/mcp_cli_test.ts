import assert from "node:assert/strict";
import { findCommand } from "../src/cli/commands.ts";
import { initProject, tempDir, tm, tmJson } from "./_in_process.ts";

Deno.test("tm help mcp and tm onboard --mcp say how to configure an MCP client", async () => {
  await using project = await tempDir();
  const help = await tm(["help", "mcp"], { cwd: project.dir });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /claude mcp add tm/);
  // deno-lint-ignore no-explicit-any
  const onboard: any = await tmJson(["onboard", "--mcp"], { cwd: project.dir });
  const config = JSON.parse(onboard.snippet.match(/^\{\n[\s\S]*?\n\}$/m)[0]);
  assert.deepEqual(config.mcpServers.tm.args, ["mcp"]);
  assert.match(onboard.snippet, /codex mcp add tm/);
});

Deno.test("tm mcp keeps neither network nor process rights after dispatch, like tm list", async () => {
  const spec = await findCommand("mcp")!.load();
  assert.notEqual(spec.needs?.net, true);
  assert.notEqual(spec.needs?.run, true);
});

Deno.test("tm mcp answers each stdin line with one stdout line, as --agent-id, and ends at EOF", async () => {
  await using project = await initProject();
  const lines = [
    { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18" } },
    { jsonrpc: "2.0", method: "notifications/initialized" },
    {
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "add", arguments: { title: "x" } },
    },
  ].map((message) => JSON.stringify(message)).join("\n");
  const result = await tm(["mcp", "--agent-id", "flagged"], {
    cwd: project.dir,
    env: { TM_AGENT_ID: "from-env" },
    stdin: `${lines}\n`,
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, "");
  const responses = result.stdout.trimEnd().split("\n").map((line) => JSON.parse(line));
  assert.deepEqual(responses.map((r) => r.id), [1, 2]);
  assert.match(responses[0].result.instructions, /"flagged"/);
  assert.equal(responses[1].result.structuredContent.task.created_by, "flagged");
});

Deno.test("tm mcp without an agent name says once, on stderr, whom it acts as", async () => {
  await using project = await initProject();
  const result = await tm(["mcp"], { cwd: project.dir, env: { TM_AGENT_ID: "" }, stdin: "" });
  assert.equal(result.code, 0);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /^tm: TM_AGENT_ID not set: acting as "[^"]+"\n$/);
});
