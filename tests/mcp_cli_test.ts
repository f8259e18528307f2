import assert from "node:assert/strict";
import { findCommand } from "../src/cli/commands.ts";
import { tempDir, tm, tmJson } from "./_in_process.ts";

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
