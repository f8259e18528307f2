/**
 * `tm mcp` as a process, driven by the official TypeScript MCP client: the reference
 * implementation proves the hand-written server speaks the protocol exactly.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { initProject, tmJson } from "../_cli.ts";
import { tmCommandLine } from "../_target.ts";

/** An MCP client connected to a `tm mcp` process run as `agent` in `cwd`. */
async function connect(cwd: string, agent: string): Promise<Client> {
  const line = tmCommandLine(["mcp"]);
  const transport = new StdioClientTransport({
    command: line.program,
    args: line.args,
    cwd,
    env: { NO_COLOR: "1", TM_AGENT_ID: agent, PATH: Deno.env.get("PATH") ?? "" },
    stderr: "pipe",
  });
  const client = new Client({ name: "tm-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

// deno-lint-ignore no-explicit-any
type Doc = any;

async function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<Doc> {
  const result = await client.callTool({ name, arguments: args });
  assert.notEqual(result.isError, true, JSON.stringify(result.content));
  return result.structuredContent;
}

Deno.test("the official MCP client adds, claims and completes a task through tm mcp; the CLI sees it", async () => {
  const dir = await initProject();
  const client = await connect(dir, "mcp-agent");
  try {
    assert.equal(client.getServerVersion()?.name, "tm");
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t: { name: string }) => t.name), [
      "prime",
      "ready",
      "claim",
      "show",
      "add",
      "update",
      "complete",
      "share",
    ]);
    const added = await call(client, "add", {
      title: "Write the parser",
      criteria: ["tests pass"],
    });
    const id = added.task.id;
    const claimed = await call(client, "claim", {});
    assert.equal(claimed.task.id, id);
    assert.equal(claimed.task.claimed_by, "mcp-agent");
    const done = await call(client, "complete", {
      id,
      evidence: ["12/12 green"],
      summary: "parser written",
    });
    assert.equal(done.task.status, "completed");
    const missing = await client.callTool({ name: "show", arguments: { id: "abcd1234" } });
    assert.equal(missing.isError, true);
    // deno-lint-ignore no-explicit-any
    assert.equal(JSON.parse((missing.content as any)[0].text).error.code, "not_found");
    const { prompts } = await client.listPrompts();
    assert.deepEqual(prompts.map((p: { name: string }) => p.name), ["prime"]);

    const shown: Doc = await tmJson(["show", id], { cwd: dir });
    assert.equal(shown.task.status, "completed");
    assert.equal(shown.task.claimed_by, null);
    assert.equal(shown.task.criteria[0].result, "passed");
    assert.equal(shown.task.completion.summary, "parser written");
    assert.deepEqual(await call(client, "show", { id }), shown);
  } finally {
    await client.close();
  }
});

Deno.test("two MCP clients acting as two agents claim 50 ready tasks: each exactly once", async () => {
  const dir = await initProject();
  const [a, b] = await Promise.all([connect(dir, "agent-a"), connect(dir, "agent-b")]);
  try {
    for (let i = 0; i < 50; i++) await call(a, "add", { title: `task ${i}` });
    const claimAll = async (client: Client): Promise<string[]> => {
      const ids: string[] = [];
      while (true) {
        const { task } = await call(client, "claim", {});
        if (task === null) return ids;
        ids.push(task.id);
      }
    };
    const [byA, byB] = await Promise.all([claimAll(a), claimAll(b)]);
    const all = [...byA, ...byB];
    assert.equal(all.length, 50);
    assert.equal(new Set(all).size, 50);
    const listed: Doc = await tmJson(["list", "--status", "in_progress", "--limit", "100"], {
      cwd: dir,
    });
    const holder = new Map(listed.tasks.map((t: Doc) => [t.id, t.claimed_by]));
    assert.equal(holder.size, 50);
    for (const id of byA) assert.equal(holder.get(id), "agent-a");
    for (const id of byB) assert.equal(holder.get(id), "agent-b");
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

/** Start `tm mcp` with piped stdio. */
function spawnMcp(cwd: string): Deno.ChildProcess {
  const line = tmCommandLine(["mcp"]);
  return new Deno.Command(line.program, {
    args: line.args,
    cwd,
    env: { NO_COLOR: "1", TM_AGENT_ID: "raw" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

Deno.test("tm mcp answers garbage and an over-long line with JSON-RPC errors and exits 0 when stdin closes", async () => {
  const dir = await initProject();
  const child = spawnMcp(dir);
  const writer = child.stdin.getWriter();
  const encoder = new TextEncoder();
  await writer.write(encoder.encode("not json\n"));
  await writer.write(encoder.encode(`${"x".repeat(5 * 1024 * 1024)}\n`));
  await writer.write(encoder.encode('{"jsonrpc":"2.0","id":7,"method":"ping"}\n'));
  await writer.close();
  const output = await child.output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  // Nothing but what Deno itself may say under load (a lock wait): no error, no stack.
  assert.doesNotMatch(stderr, /tm:|internal error|\n\s+at /);
  const responses = stdout.trim().split("\n").map((line) => JSON.parse(line));
  assert.deepEqual(responses.map((r) => [r.id, r.error?.code ?? "ok"]), [
    [null, -32700],
    [null, -32600],
    [7, "ok"],
  ]);
});
