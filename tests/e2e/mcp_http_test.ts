/**
 * `/mcp` on a real `tm serve` process, driven by the official MCP client over Streamable HTTP:
 * the token is the identity, its scope what the tools may do.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { initProject, tmJson } from "../_cli.ts";
import { serve, stop } from "../_serve.ts";

// deno-lint-ignore no-explicit-any
type Doc = any;

async function token(cwd: string, agent: string, scope = "write"): Promise<string> {
  return (await tmJson(["token", "create", agent, "--scope", scope], { cwd })).secret as string;
}

async function connect(url: string, secret: string): Promise<Client> {
  const client = new Client({ name: "tm-http-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${secret}` } },
    }),
  );
  return client;
}

Deno.test("the official MCP client uses /mcp on tm serve as the token's agent", async () => {
  const cwd = await initProject();
  const [writer, reader] = [await token(cwd, "remote-a"), await token(cwd, "watcher", "read")];
  const { url, process } = await serve(cwd);
  try {
    const client = await connect(url, writer);
    const { tools } = await client.listTools();
    assert.equal(tools.length, 8);
    const added: Doc = await client.callTool({ name: "add", arguments: { title: "Remote work" } });
    const id = added.structuredContent.task.id;
    assert.equal(added.structuredContent.task.created_by, "remote-a");
    const claimed: Doc = await client.callTool({ name: "claim", arguments: { id } });
    assert.equal(claimed.structuredContent.task.claimed_by, "remote-a");
    const done: Doc = await client.callTool({ name: "complete", arguments: { id } });
    assert.equal(done.structuredContent.task.status, "completed");
    const shown: Doc = await tmJson(["show", id], { cwd });
    const viaMcp: Doc = await client.callTool({ name: "show", arguments: { id } });
    assert.deepEqual(viaMcp.structuredContent, shown);
    await client.close();

    const readOnly = await connect(url, reader);
    const refused: Doc = await readOnly.callTool({ name: "add", arguments: { title: "no" } });
    assert.equal(refused.isError, true);
    assert.equal(JSON.parse(refused.content[0].text).error.code, "forbidden");
    const read: Doc = await readOnly.callTool({ name: "show", arguments: { id } });
    assert.equal(read.structuredContent.task.id, id);
    await readOnly.close();
  } finally {
    await stop(process);
  }
});

Deno.test("/mcp refuses requests without a token, other methods, and answers bad JSON with -32700", async () => {
  const cwd = await initProject();
  const secret = await token(cwd, "remote-b");
  const { url, process } = await serve(cwd);
  try {
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${url}/mcp`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
      });
    const ping = '{"jsonrpc":"2.0","id":1,"method":"ping"}';
    const anonymous = await post(ping);
    assert.equal(anonymous.status, 401);
    await anonymous.body?.cancel();
    const auth = { authorization: `Bearer ${secret}` };
    const ok = await post(ping, auth);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { jsonrpc: "2.0", id: 1, result: {} });
    const note = await post('{"jsonrpc":"2.0","method":"notifications/initialized"}', auth);
    assert.equal(note.status, 202);
    assert.equal(await note.text(), "");
    const garbage = await post("{oops", auth);
    assert.equal(garbage.status, 400);
    assert.equal((await garbage.json()).error.code, -32700);
    const badVersion = await post(ping, { ...auth, "mcp-protocol-version": "1999-01-01" });
    assert.equal(badVersion.status, 400);
    await badVersion.body?.cancel();
    const get = await fetch(`${url}/mcp`, { headers: auth });
    assert.equal(get.status, 405);
    assert.equal(get.headers.get("allow"), "POST");
    await get.body?.cancel();
  } finally {
    await stop(process);
  }
});
