import assert from "node:assert/strict";
import { run } from "../cli/run.ts";
import type { Io } from "../cli/io.ts";
import { McpSession, RPC_ERRORS, type RpcResponse } from "./server.ts";
import { answerLine, serveStdio } from "./stdio.ts";
import { TOOLS } from "./tools.ts";

// These tests run the CLI in this process, as the MCP server does.

interface Cli {
  code: number;
  stdout: string;
  stderr: string;
}

/** `tm ARGS` in process, in `cwd`, as `agent`, with an empty environment. */
async function cli(cwd: string, args: string[], agent = "a1"): Promise<Cli> {
  const out = { stdout: "", stderr: "" };
  const io: Io = {
    stdout: (text) => void (out.stdout += text),
    stderr: (text) => void (out.stderr += text),
    env: () => undefined,
    cwd: () => cwd,
    isTerminal: () => false,
    now: () => new Date(),
    readStdin: () => Promise.resolve(""),
  };
  const code = await run([`--agent-id=${agent}`, ...args], io);
  return { code, ...out };
}

async function cliJson(cwd: string, args: string[], agent = "a1") {
  const result = await cli(cwd, ["--json", ...args], agent);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

async function project(): Promise<{ dir: string; session: McpSession; logs: string[] }> {
  const dir = await Deno.makeTempDir({ prefix: "tm-mcp-" });
  assert.equal((await cli(dir, ["init"])).code, 0);
  const logs: string[] = [];
  const session = new McpSession({
    agent: "a1",
    cwd: dir,
    env: () => undefined,
    log: (text) => void logs.push(text),
  });
  return { dir, session, logs };
}

let nextId = 1;

async function request(session: McpSession, method: string, params?: unknown) {
  const response = await session.handle({
    jsonrpc: "2.0",
    id: nextId++,
    method,
    ...(params === undefined ? {} : { params }),
  });
  assert.ok(response !== undefined, `${method} answered`);
  return response;
}

// deno-lint-ignore no-explicit-any
async function callTool(session: McpSession, name: string, args: unknown = {}): Promise<any> {
  const response = await request(session, "tools/call", { name, arguments: args });
  assert.equal(response.error, undefined, JSON.stringify(response.error));
  return response.result;
}

// deno-lint-ignore no-explicit-any
async function structured(session: McpSession, name: string, args: unknown = {}): Promise<any> {
  const result = await callTool(session, name, args);
  assert.notEqual(result.isError, true, result.content?.[0]?.text);
  assert.deepEqual(JSON.parse(result.content[0].text), result.structuredContent);
  return result.structuredContent;
}

Deno.test("tools/list offers at most 8 tools in at most 2,400 characters, inputs closed", async () => {
  const { session } = await project();
  const response = await request(session, "tools/list");
  const text = JSON.stringify(response.result);
  assert.ok(text.length <= 2400, `tools/list is ${text.length} characters`);
  const tools = (response.result as { tools: typeof TOOLS }).tools;
  assert.ok(tools.length <= 8);
  for (const tool of tools) {
    assert.equal(tool.inputSchema.additionalProperties, false, tool.name);
    assert.equal(tool.outputSchema.type, "object", tool.name);
  }
});

Deno.test("initialize agrees on the client's protocol version, or offers the newest it knows", async () => {
  const { session } = await project();
  const known = await request(session, "initialize", {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "t", version: "1" },
  });
  // deno-lint-ignore no-explicit-any
  const result = known.result as any;
  assert.equal(result.protocolVersion, "2025-06-18");
  assert.deepEqual(result.capabilities, { tools: {}, prompts: {} });
  assert.equal(result.serverInfo.name, "tm");
  const unknown = await request(session, "initialize", { protocolVersion: "1999-01-01" });
  // deno-lint-ignore no-explicit-any
  assert.equal((unknown.result as any).protocolVersion, "2025-11-25");
  const missing = await request(session, "initialize", {});
  assert.equal(missing.error?.code, RPC_ERRORS.invalidParams);
  assert.deepEqual((await request(session, "ping")).result, {});
});

Deno.test("each tool's structuredContent is the CLI's --json document for the same command", async () => {
  const { dir, session } = await project();
  const added = await structured(session, "add", {
    title: "-starts with a dash",
    priority: "high",
    criteria: ["tests pass"],
  });
  const twin = await cliJson(dir, [
    "add",
    "--priority=high",
    '--criteria=["tests pass"]',
    "--",
    "-starts with a dash",
  ]);
  const normalise = (doc: { task: Record<string, unknown> }) => ({
    ...doc,
    task: { ...doc.task, id: "ID", created_at: "T", updated_at: "T" },
  });
  assert.deepEqual(normalise(added), normalise(twin));
  const id = added.task.id as string;
  assert.deepEqual(await structured(session, "show", { id }), await cliJson(dir, ["show", id]));
  assert.deepEqual(
    await structured(session, "ready", { limit: 5 }),
    await cliJson(dir, ["ready", "--limit", "5"]),
  );
  assert.deepEqual(await structured(session, "prime"), await cliJson(dir, ["prime"]));
  const claimed = await structured(session, "claim", { id, ttl: "10m" });
  assert.equal(claimed.task.claimed_by, "a1");
  assert.equal(claimed.took_over_from, null);
  const progress = await structured(session, "update", { id, progress: "40% parser done" });
  assert.equal(progress.progress.message, "40% parser done");
  const shared = await structured(session, "share", { id, message: "the API needs a cursor" });
  assert.deepEqual(
    Object.keys(shared).sort(),
    Object.keys(await cliJson(dir, ["share", id, "more"])).sort(),
  );
  const done = await structured(session, "complete", {
    id,
    evidence: ["42/42 green"],
    validate: true,
    summary: "done",
  });
  assert.equal(done.task.status, "completed");
  assert.equal(done.validation.passed, true);
  const shown = await cliJson(dir, ["show", id]);
  assert.equal(shown.task.status, "completed");
  assert.equal(shown.task.criteria[0].result, "passed");
  assert.deepEqual(await structured(session, "show", { id }), shown);
});

Deno.test("a tool error is an isError result carrying the CLI's --json error object", async () => {
  const { dir, session } = await project();
  const result = await callTool(session, "show", { id: "abcd1234" });
  assert.equal(result.isError, true);
  assert.equal(result.structuredContent, undefined);
  const cliError = await cli(dir, ["show", "abcd1234", "--json"]);
  assert.equal(cliError.code, 3);
  const jsonLine = cliError.stderr.split("\n").find((line) => line.startsWith("{"))!;
  assert.deepEqual(JSON.parse(result.content[0].text), JSON.parse(jsonLine));
  assert.equal(JSON.parse(jsonLine).error.code, "not_found");
});

Deno.test("outside an initialised project every tool answers not_initialized, and the server stays up", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tm-mcp-none-" });
  const session = new McpSession({ agent: "a1", cwd: dir, env: () => undefined, log: () => {} });
  const result = await callTool(session, "ready");
  assert.equal(result.isError, true);
  const { error } = JSON.parse(result.content[0].text);
  assert.equal(error.code, "not_initialized");
  assert.equal(error.exit_code, 4);
  assert.deepEqual((await request(session, "ping")).result, {});
});

Deno.test("a TM_REQUEST_ID in the server's environment does not make later shares duplicates", async () => {
  const { dir } = await project();
  const env = (name: string) => name === "TM_REQUEST_ID" ? "fixed-request" : undefined;
  const session = new McpSession({ agent: "a1", cwd: dir, env, log: () => {} });
  const { task } = await structured(session, "add", { title: "shared" });
  const first = await structured(session, "share", { id: task.id, message: "one" });
  const second = await structured(session, "share", { id: task.id, message: "two" });
  assert.equal(first.duplicate, false);
  assert.equal(second.duplicate, false);
  assert.notEqual(first.entry.seq, second.entry.seq);
});

Deno.test("a conflict says who holds the task, as the CLI does (exit 6, conflict)", async () => {
  const { dir, session } = await project();
  const { task } = await cliJson(dir, ["add", "contested"], "b2");
  await cliJson(dir, ["claim", task.id], "b2");
  const result = await callTool(session, "claim", { id: task.id });
  assert.equal(result.isError, true);
  const { error } = JSON.parse(result.content[0].text);
  assert.equal(error.code, "conflict");
  assert.equal(error.exit_code, 6);
  assert.equal(error.retryable, false);
  assert.match(error.message, /b2/);
});

Deno.test("arguments outside the input schema come back as usage errors the model can correct", async () => {
  const { session } = await project();
  const cases: Array<[string, unknown, RegExp]> = [
    ["show", {}, /missing argument "id"/],
    ["show", { id: "abcd", extra: 1 }, /unknown argument "extra"/],
    ["ready", { limit: 0 }, /at least 1/],
    ["ready", { limit: 2.5 }, /must be an integer/],
    ["add", { title: "x", priority: "urgent" }, /one of low, medium, high, critical/],
    ["add", { title: "x", depends_on: "abcd" }, /array of strings/],
    ["update", { id: "abcd" }, /nothing to do/],
    ["update", { id: "abcd", progress: "x", release: true }, /one change per call/],
    ["prime", { verbose: true }, /takes no arguments/],
  ];
  for (const [name, args, message] of cases) {
    const result = await callTool(session, name, args);
    assert.equal(result.isError, true, `${name} ${JSON.stringify(args)}`);
    const { error } = JSON.parse(result.content[0].text);
    assert.equal(error.code, "usage");
    assert.equal(error.exit_code, 2);
    assert.match(`${error.message} ${error.hint ?? ""}`, message);
  }
});

Deno.test("protocol errors use the JSON-RPC codes", async () => {
  const { session } = await project();
  const line = (text: string) => answerLine(session, new TextEncoder().encode(text));
  assert.equal((await line("{not json"))?.error?.code, RPC_ERRORS.parse);
  assert.equal(
    (await answerLine(session, new Uint8Array([0xff, 0xfe])))?.error?.code,
    RPC_ERRORS.parse,
  );
  assert.equal((await line("[]"))?.error?.code, RPC_ERRORS.invalidRequest);
  assert.equal((await line('"hello"'))?.error?.code, RPC_ERRORS.invalidRequest);
  assert.equal((await line('{"id":1,"method":"ping"}'))?.error?.code, RPC_ERRORS.invalidRequest);
  assert.equal(
    (await line('{"jsonrpc":"2.0","id":{},"method":"ping"}'))?.error?.code,
    RPC_ERRORS.invalidRequest,
  );
  assert.equal((await line('{"jsonrpc":"2.0","id":1}'))?.error?.code, RPC_ERRORS.invalidRequest);
  assert.equal((await request(session, "resources/list")).error?.code, RPC_ERRORS.methodNotFound);
  assert.equal(
    (await request(session, "tools/call", { name: "nope" })).error?.code,
    RPC_ERRORS.invalidParams,
  );
  assert.equal(
    (await request(session, "tools/call", { name: "show", arguments: [] })).error?.code,
    RPC_ERRORS.invalidParams,
  );
  assert.equal((await request(session, "ping", [1])).error?.code, RPC_ERRORS.invalidParams);
  assert.equal(
    (await request(session, "prompts/get", { name: "nope" })).error?.code,
    RPC_ERRORS.invalidParams,
  );
  // Notifications and stray responses get no answer.
  assert.equal(await line('{"jsonrpc":"2.0","method":"notifications/initialized"}'), undefined);
  assert.equal(await line('{"jsonrpc":"2.0","id":9,"result":{}}'), undefined);
});

Deno.test("a request cancelled while it waits its turn gets no response and does not run", async () => {
  const { dir, session } = await project();
  const first = session.handle({
    jsonrpc: "2.0",
    id: "a",
    method: "tools/call",
    params: { name: "add", arguments: { title: "one" } },
  });
  const second = session.handle({
    jsonrpc: "2.0",
    id: "b",
    method: "tools/call",
    params: { name: "add", arguments: { title: "two" } },
  });
  assert.equal(
    await session.handle({
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: "b" },
    }),
    undefined,
  );
  assert.equal(((await first) as RpcResponse).id, "a");
  assert.equal(await second, undefined);
  const titles = (await cliJson(dir, ["list"])).tasks.map((t: { title: string }) => t.title);
  assert.deepEqual(titles, ["one"]);
});

Deno.test("prompts offer prime, whose text is tm prime's", async () => {
  const { dir, session } = await project();
  // deno-lint-ignore no-explicit-any
  const list = (await request(session, "prompts/list")).result as any;
  assert.deepEqual(list.prompts.map((p: { name: string }) => p.name), ["prime"]);
  // deno-lint-ignore no-explicit-any
  const prompt = (await request(session, "prompts/get", { name: "prime" })).result as any;
  assert.equal(prompt.messages[0].content.text, (await cli(dir, ["prime"])).stdout.trimEnd());
});

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

Deno.test("stdio: an over-long line is refused and the next one still answered; input end stops it", async () => {
  const { session } = await project();
  const lines: string[] = [];
  const long = `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"${"y".repeat(300)}"}}`;
  await serveStdio(
    session,
    streamOf(
      long.slice(0, 100),
      long.slice(100),
      '\n{"jsonrpc":"2.0","id":2,',
      '"method":"ping"}\n\n',
      '{"jsonrpc":"2.0","id":3,"method":"ping"}',
    ),
    { write: (line) => void lines.push(line) },
    256,
  );
  const responses = lines.map((line) => JSON.parse(line));
  assert.ok(lines.every((line) => line.endsWith("\n") && !line.slice(0, -1).includes("\n")));
  assert.deepEqual(responses.map((r) => [r.id, r.error?.code ?? "ok"]), [
    [null, RPC_ERRORS.invalidRequest],
    [2, "ok"],
    [3, "ok"],
  ]);
});
