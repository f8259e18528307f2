import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { addTask } from "../src/app/add_task.ts";
import { revokeToken } from "../src/app/tokens.ts";
import { openSqliteStore } from "../src/store/sqlite.ts";
import { EXTRA_OPERATIONS, openApiDocument } from "../src/server/openapi.ts";
import { runRemote } from "../src/remote/client.ts";
import { ROUTES } from "../src/server/routes.ts";
import { startServer } from "../src/server/server.ts";
import { countingEventReads } from "../src/server/_event_reads.ts";
import { addTask as addTaskCli, fakeIo, tm, tmJson } from "./_in_process.ts";
import { openEvents, rawRequest, startTestServer } from "./_server.ts";

const NEW_TASK = { title: "Write the API", priority: "high" };

Deno.test("a task created through the API is listed, shown and claimed like the CLI's", async () => {
  const t = await startTestServer();
  try {
    const created = await t.call("POST", "/api/v1/tasks", { body: NEW_TASK });
    assert.equal(created.status, 201);
    assert.equal(created.body.schema_version, 1);
    const task = created.body.task as { id: string; created_by: string; priority: string };
    assert.equal(task.created_by, "server-agent", "no token: the server's own agent");
    assert.equal(task.priority, "high");
    const list = await t.call("GET", "/api/v1/tasks?priority=high");
    assert.equal(list.body.count, 1);
    const shown = await t.call("GET", `/api/v1/tasks/${task.id.slice(0, 4)}`);
    assert.equal((shown.body.task as { id: string }).id, task.id);
    const claimed = await t.call("POST", "/api/v1/claim", { body: { ttl: "10m" } });
    assert.equal((claimed.body.task as { claimed_by: string }).claimed_by, "server-agent");
    const done = await t.call("POST", `/api/v1/tasks/${task.id}/complete`, {
      body: { summary: "shipped" },
    });
    assert.equal(done.status, 200);
    assert.equal((done.body.task as { status: string }).status, "completed");
  } finally {
    await t.close();
  }
});

Deno.test("user errors map to HTTP statuses by exit-code class, with the error object", async () => {
  const t = await startTestServer();
  try {
    const missing = await t.call("GET", "/api/v1/tasks/abcdef12");
    assert.equal(missing.status, 404);
    const error = missing.body.error as Record<string, unknown>;
    assert.deepEqual(Object.keys(error).sort(), [
      "code",
      "exit_code",
      "hint",
      "message",
      "retryable",
    ]);
    assert.equal(error.code, "not_found");
    assert.equal((await t.call("POST", "/api/v1/tasks", { body: { title: " " } })).status, 422);
    assert.equal(
      (await t.call("POST", "/api/v1/tasks", { body: { title: "x", colour: "red" } })).status,
      400,
      "an unknown field is a usage error, as an unknown flag is",
    );
    const a = await t.token("alice");
    const b = await t.token("bob");
    const task = (await t.call("POST", "/api/v1/tasks", { body: NEW_TASK, token: a })).body
      .task as { id: string };
    await t.call("POST", `/api/v1/tasks/${task.id}/claim`, { token: a });
    const conflict = await t.call("POST", `/api/v1/tasks/${task.id}/claim`, { token: b });
    assert.equal(conflict.status, 409);
    assert.equal((conflict.body.error as { code: string }).code, "conflict");
  } finally {
    await t.close();
  }
});

Deno.test("a busy database answers 503 with Retry-After and retryable true", async () => {
  const t = await startTestServer({ lockTimeoutMs: 50 });
  const other = new DatabaseSync(t.dbPath);
  try {
    other.exec("BEGIN IMMEDIATE");
    const busy = await t.call("POST", "/api/v1/tasks", { body: NEW_TASK });
    assert.equal(busy.status, 503);
    assert.equal(busy.headers.get("retry-after"), "1");
    assert.equal((busy.body.error as { retryable: boolean }).retryable, true);
  } finally {
    other.exec("ROLLBACK");
    other.close();
    await t.close();
  }
});

Deno.test("a token acts as its agent; wrong, revoked and missing tokens are refused", async () => {
  const t = await startTestServer({ requireToken: true });
  try {
    const alice = await t.token("alice");
    const me = await t.call("GET", "/api/v1/whoami", { token: alice });
    assert.equal(me.body.agent, "alice");
    assert.equal(me.body.scope, "write");
    const none = await t.call("GET", "/api/v1/whoami");
    assert.equal(none.status, 401);
    assert.match(none.headers.get("www-authenticate") ?? "", /^Bearer/);
    assert.equal((await t.call("GET", "/api/v1/whoami", { token: "tm_nope" })).status, 401);
    const id = (await t.call("GET", "/api/v1/whoami", { token: alice })).body.token_id as string;
    await revokeToken(t.ctx("admin"), id);
    assert.equal((await t.call("GET", "/api/v1/whoami", { token: alice })).status, 401);
  } finally {
    await t.close();
  }
});

Deno.test("a read token cannot write, and only admin manages tokens and other agents", async () => {
  const t = await startTestServer({ requireToken: true });
  try {
    const reader = await t.token("reader", "read");
    const writer = await t.token("writer", "write");
    const admin = await t.token("boss", "admin");
    assert.equal((await t.call("GET", "/api/v1/tasks", { token: reader })).status, 200);
    const refused = await t.call("POST", "/api/v1/tasks", { body: NEW_TASK, token: reader });
    assert.equal(refused.status, 403);
    assert.equal((await t.call("GET", "/api/v1/tokens", { token: writer })).status, 403);
    assert.equal((await t.call("GET", "/api/v1/tokens", { token: admin })).status, 200);
    const self = await t.call("PUT", "/api/v1/agents/writer", {
      body: { capabilities: ["ts"] },
      token: writer,
    });
    assert.equal(self.status, 200);
    const other = await t.call("PUT", "/api/v1/agents/boss", { body: {}, token: writer });
    assert.equal(other.status, 403, "nobody registers as another agent");
    const created = await t.call("POST", "/api/v1/tokens", {
      body: { agent: "ci", scope: "read" },
      token: admin,
    });
    assert.equal(created.status, 201);
    assert.match(created.body.secret as string, /^tm_[0-9a-f]{64}$/);
    const listed = await t.call("GET", "/api/v1/tokens", { token: admin });
    assert.ok(!JSON.stringify(listed.body).includes(created.body.secret as string));
    assert.ok(!JSON.stringify(listed.body).includes('"hash"'), "hashes stay in the database");
  } finally {
    await t.close();
  }
});

Deno.test("nobody reads another agent's private notes through the server", async () => {
  const t = await startTestServer({ requireToken: true });
  try {
    const alice = await t.token("alice");
    const bob = await t.token("bob");
    const task = (await t.call("POST", "/api/v1/tasks", { body: NEW_TASK, token: alice })).body
      .task as { id: string };
    const noted = await t.call("POST", `/api/v1/tasks/${task.id}/notes`, {
      body: { message: "alice's secret plan" },
      token: alice,
    });
    assert.equal(noted.status, 200);
    const mine = await t.call("GET", `/api/v1/tasks/${task.id}/context`, { token: alice });
    assert.match(mine.body.private_notes as string, /secret plan/);
    const theirs = await t.call("GET", `/api/v1/tasks/${task.id}/context`, { token: bob });
    assert.equal(theirs.status, 200);
    assert.ok(!JSON.stringify(theirs.body).includes("secret plan"));
  } finally {
    await t.close();
  }
});

Deno.test("a foreign Host and another site's Origin are refused with 403", async () => {
  const t = await startTestServer();
  try {
    const port = t.server.port;
    const foreign = await rawRequest(
      port,
      "GET /api/v1/tasks HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
    );
    assert.match(foreign, /^HTTP\/1\.1 403/);
    assert.match(foreign, /host not allowed/);
    const local = await rawRequest(
      port,
      `GET /api/v1/tasks HTTP/1.1\r\nHost: localhost:${port}\r\nConnection: close\r\n\r\n`,
    );
    assert.match(local, /^HTTP\/1\.1 200/);
    const crossSite = await t.call("POST", "/api/v1/tasks", {
      body: NEW_TASK,
      headers: { origin: "http://evil.example" },
    });
    assert.equal(crossSite.status, 403);
    const sameSite = await t.call("POST", "/api/v1/tasks", {
      body: NEW_TASK,
      headers: { origin: t.url },
    });
    assert.equal(sameSite.status, 201);
    assert.equal(crossSite.headers.get("access-control-allow-origin"), null, "CORS is off");
  } finally {
    await t.close();
  }
});

Deno.test("hostile requests get 4xx JSON answers and the server keeps serving", async () => {
  const t = await startTestServer({ limits: { bodyTimeoutMs: 300 } });
  try {
    const cases: Array<
      [string, Promise<{ status: number; body: Record<string, unknown> }>, number]
    > = [
      ["malformed JSON", t.call("POST", "/api/v1/tasks", { body: "{not json" }), 400],
      ["a JSON array", t.call("POST", "/api/v1/tasks", { body: "[1]" }), 400],
      ["10 MB", t.call("POST", "/api/v1/tasks", { body: "x".repeat(10 * 1024 * 1024) }), 413],
      [
        "not JSON",
        t.call("POST", "/api/v1/tasks", {
          body: "title=x",
          headers: { "content-type": "text/plain" },
        }),
        415,
      ],
      ["unknown route", t.call("GET", "/api/v1/nothing/here"), 404],
      ["unknown method", t.call("PUT", "/api/v1/tasks"), 405],
      ["preflight", t.call("OPTIONS", "/api/v1/tasks"), 405],
      ["bad query", t.call("GET", "/api/v1/tasks?limit=-3"), 400],
      ["unknown page", t.call("GET", "/etc/passwd"), 404],
    ];
    for (const [what, answer, status] of cases) {
      const { status: got, body } = await answer;
      assert.equal(got, status, what);
      assert.equal(typeof (body.error as { message: string }).message, "string", what);
    }
    // A client that sends half a request and stalls holds nobody else up.
    const stalled = await Deno.connect({ hostname: "127.0.0.1", port: t.server.port });
    await stalled.write(new TextEncoder().encode("GET /api/v1/tasks HTTP/1.1\r\nHost: 127."));
    // One that promises a body and never finishes it is cut off (408).
    const slowBody = await rawRequest(
      t.server.port,
      `POST /api/v1/tasks HTTP/1.1\r\nHost: 127.0.0.1:${t.server.port}\r\n` +
        "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    );
    assert.match(slowBody, /^HTTP\/1\.1 408/);
    // The rest of that body may never come: the client is told the connection is done.
    assert.match(slowBody, /\r\nconnection: close\r\n/i);
    assert.equal((await t.call("GET", "/api/v1/tasks")).status, 200, "still serving");
    stalled.close();
    assert.deepEqual(t.logs, [], "no internal errors");
  } finally {
    await t.close();
  }
});

Deno.test("the event stream resumes after Last-Event-ID with no gap and no repeat", async () => {
  const t = await startTestServer();
  try {
    const ids: string[] = [];
    for (const title of ["one", "two", "three"]) {
      ids.push((await addTask(t.ctx("ana"), { title })).id);
    }
    const all = await openEvents(t.url, { query: "?since=0" });
    const first = await all.next();
    const second = await all.next();
    assert.deepEqual([first.data.task_id, second.data.task_id], ids.slice(0, 2));
    await all.close();
    const resumed = await openEvents(t.url, { headers: { "last-event-id": String(second.id) } });
    const third = await resumed.next();
    assert.equal(third.id, second.id + 1);
    assert.equal(third.data.task_id, ids[2]);
    assert.equal(third.data.type, "created");
    await resumed.close();
  } finally {
    await t.close();
  }
});

Deno.test("a commit by another connection reaches a connected stream, filtered by task", async () => {
  const t = await startTestServer({ limits: { pollMs: 20 } });
  const other = await openSqliteStore({ path: t.dbPath });
  try {
    const watched = await addTask(t.ctx("ana"), { title: "watched" });
    const stream = await openEvents(t.url, { query: `?task=${watched.id}` });
    const ctx = { ...t.ctx("ben"), store: other };
    await addTask(ctx, { title: "elsewhere" });
    const { updateTask } = await import("../src/app/update_task.ts");
    await updateTask(ctx, watched.id, { priority: "critical" });
    const frame = await stream.next();
    assert.equal(frame.data.task_id, watched.id, "the other task's event was filtered out");
    assert.equal(frame.data.type, "updated");
    assert.equal(frame.data.agent, "ben");
    await stream.close();
  } finally {
    other.close();
    await t.close();
  }
});

Deno.test("an idle stream gets keep-alive comments, and streams past the cap get 503", async () => {
  const t = await startTestServer({ limits: { keepAliveMs: 30, maxStreams: 1 } });
  try {
    const stream = await openEvents(t.url);
    const refused = await fetch(`${t.url}/api/v1/events`);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get("retry-after"), "5");
    await refused.body?.cancel();
    await stream.comment("keep-alive");
    await stream.close();
    // The closed stream's slot frees up once the server notices the client left.
    for (let tries = 0;; tries++) {
      const again = await fetch(`${t.url}/api/v1/events`);
      await again.body?.cancel();
      if (again.status === 200) break;
      assert.ok(tries < 100, "the slot was never freed");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await t.close();
  }
});

Deno.test("an event stream whose client stopped reading stops reading too: nothing piles up in the server", async () => {
  const t = await startTestServer();
  const { store, loaded } = countingEventReads(t.store);
  const server = await startServer({
    context: { ...t.ctx("server-agent"), store },
    hostname: "127.0.0.1",
    port: 0,
    requireToken: false,
    limits: { pollMs: 20 },
  });
  const port = server.port;
  const stalled = await Deno.connect({ hostname: "127.0.0.1", port });
  const reading = await fetch(`${server.url}/api/v1/events`);
  try {
    await stalled.write(
      new TextEncoder().encode(`GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`),
    );
    await stalled.read(new Uint8Array(4096)); // the answer's head and first comment, then nothing
    // 40,000 events of ~1.1 KB (44 MB of frames, far more than the sockets buffer), written by
    // another connection as another tm process would.
    const count = 40_000;
    const db = new DatabaseSync(t.dbPath);
    const insert = db.prepare(
      "INSERT INTO events (task_id, type, agent, created_at, data) VALUES (NULL, 'progress', 'x', ?, ?)",
    );
    const data = JSON.stringify({ message: "x".repeat(1000) });
    db.exec("BEGIN");
    for (let i = 0; i < count; i++) insert.run(new Date().toISOString(), data);
    db.exec("COMMIT");
    const last = (db.prepare("SELECT max(id) AS id FROM events").get() as { id: number }).id;
    db.close();
    // The reading client gets every frame; by then the stalled one had the same chance to read.
    const decoder = new TextDecoder();
    let seen = "";
    for await (const chunk of reading.body!) {
      seen = seen.slice(-64) + decoder.decode(chunk, { stream: true });
      if (seen.includes(`id: ${last}\n`)) break;
    }
    // The reader reads from the database what the hub's window (the newest 2,000, read by the
    // hub) does not hold: together `count`. The rest is the stalled stream's, which stops once
    // the sockets' buffers are full (a stream reading ahead would read all 40,000).
    const stalledRead = loaded() - count;
    assert.ok(stalledRead < count / 4, `the stalled stream read ${stalledRead} of ${count} events`);
  } finally {
    stalled.close();
    await reading.body?.cancel().catch(() => {});
    await server.shutdown();
    await t.close();
  }
});

Deno.test("an event stream whose client has taken nothing for stallMs is dropped, freeing its slot", async () => {
  const t = await startTestServer({ limits: { pollMs: 20, stallMs: 300, maxStreams: 1 } });
  const stalled = await Deno.connect({ hostname: "127.0.0.1", port: t.server.port });
  try {
    await stalled.write(
      new TextEncoder().encode(
        `GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1:${t.server.port}\r\n\r\n`,
      ),
    );
    await stalled.read(new Uint8Array(4096)); // the answer's head, then nothing
    // 20 MB of frames: more than the sockets between the stream and the client can hold.
    const db = new DatabaseSync(t.dbPath);
    const insert = db.prepare(
      "INSERT INTO events (task_id, type, agent, created_at, data) VALUES (NULL, 'progress', 'x', ?, ?)",
    );
    const data = JSON.stringify({ message: "x".repeat(100_000) });
    db.exec("BEGIN");
    for (let i = 0; i < 200; i++) insert.run(new Date().toISOString(), data);
    db.exec("COMMIT");
    db.close();
    for (let tries = 0;; tries++) {
      const again = await fetch(`${t.url}/api/v1/events`);
      await again.body?.cancel();
      if (again.status === 200) break;
      assert.equal(again.status, 503);
      assert.ok(tries < 500, "the stalled stream kept its slot");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // And its connection is closed: what the sockets held, then the end.
    const buffer = new Uint8Array(1 << 20);
    let received = 0;
    for (;;) {
      const n = await stalled.read(buffer).catch(() => null);
      if (n === null) break;
      received += n;
    }
    assert.ok(received < 200 * 100_000, `${received} bytes: the stream stopped short`);
  } finally {
    stalled.close();
    await t.close();
  }
});

Deno.test("openapi.json documents every route, and every documented route answers", async () => {
  const t = await startTestServer({ commandLine: true });
  try {
    const served = await fetch(`${t.url}/openapi.json`).then((r) => r.json());
    assert.deepEqual(served, openApiDocument());
    assert.equal(served.openapi, "3.1.0");
    const documented: string[] = [];
    for (const [path, methods] of Object.entries(served.paths as Record<string, object>)) {
      for (const method of Object.keys(methods)) documented.push(`${method.toUpperCase()} ${path}`);
    }
    const routes = [...ROUTES.map((r) => `${r.method} ${r.path}`), ...EXTRA_OPERATIONS];
    assert.deepEqual(documented.sort(), routes.sort());
    for (const entry of documented) {
      const [method, path] = entry.split(" ") as [string, string];
      if (path === "/api/v1/events") continue;
      const concrete = path.replace(/\{[a-z_]+\}/g, "abcdef12");
      const answer = await t.call(method, concrete, method === "GET" ? {} : { body: {} });
      assert.notEqual(answer.status, 405, entry);
      assert.ok(
        !String((answer.body.error as { message?: string })?.message).startsWith("no such route"),
        entry,
      );
      assert.ok(answer.status < 500, `${entry}: ${answer.status}`);
    }
  } finally {
    await t.close();
  }
});

/** The ways `value` breaks the JSON schema `schema` (the keywords the document uses). */
function schemaErrors(value: unknown, schema: Record<string, unknown>, at = "$"): string[] {
  const errors: string[] = [];
  const kind = Array.isArray(value)
    ? "array"
    : value === null
    ? "null"
    : Number.isInteger(value)
    ? "integer"
    : typeof value;
  if (schema.const !== undefined && value !== schema.const) {
    errors.push(`${at}: not ${schema.const}`);
  }
  const types = schema.type === undefined ? undefined : [schema.type].flat() as string[];
  if (
    types !== undefined && !types.includes(kind) &&
    !(kind === "integer" && types.includes("number"))
  ) {
    return [...errors, `${at}: ${kind}, expected ${types.join(" or ")}`];
  }
  if (typeof value === "string" && typeof schema.pattern === "string") {
    if (!new RegExp(schema.pattern).test(value)) errors.push(`${at}: does not match the pattern`);
  }
  if (typeof value === "number" && typeof schema.minimum === "number" && value < schema.minimum) {
    errors.push(`${at}: under the minimum`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems) {
      errors.push(`${at}: too many items`);
    }
    const items = schema.items as Record<string, unknown> | undefined;
    if (items !== undefined) {
      value.forEach((v, i) => errors.push(...schemaErrors(v, items, `${at}[${i}]`)));
    }
  } else if (kind === "object") {
    const record = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const name of (schema.required ?? []) as string[]) {
      if (!(name in record)) errors.push(`${at}.${name}: missing`);
    }
    for (const [name, v] of Object.entries(record)) {
      if (properties[name] !== undefined) {
        errors.push(...schemaErrors(v, properties[name], `${at}.${name}`));
      } else if (schema.additionalProperties === false) {
        errors.push(`${at}.${name}: not documented`);
      }
    }
  }
  return errors;
}

Deno.test("what the remote client sends to /api/v1/run and what it gets back are as openapi.json documents them", async () => {
  const t = await startTestServer({ commandLine: true });
  // A tap between the client and the server keeps each request body and its answer.
  const seen: Array<{ request: unknown; status: number; reply: unknown }> = [];
  const tap = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const request = await req.json();
    const answer = await fetch(`${t.url}${new URL(req.url).pathname}`, {
      method: req.method,
      headers: req.headers,
      body: JSON.stringify(request),
    });
    const reply = await answer.json();
    seen.push({ request, status: answer.status, reply });
    return Response.json(reply, { status: answer.status });
  });
  const cwd = await Deno.makeTempDir({ prefix: "tm-run-client-" });
  try {
    await Deno.writeTextFile(`${cwd}/notes.md`, "# notes\n");
    const target = {
      url: `http://127.0.0.1:${tap.addr.port}`,
      token: await t.token("alice"),
      insecure: false,
      source: "env" as const,
    };
    const remote = (args: string[]) =>
      runRemote(args, fakeIo({ cwd, env: { TM_AGENT_ID: "alice" } }), target);
    assert.equal(await remote(["add", "Document the run route"]), 0);
    const [id] = await t.store.read((tx) => tx.tasks.list({})).then((tasks) =>
      tasks.map((x) => x.id)
    );
    assert.equal(await remote(["share", id!, "--file", "notes.md"]), 0);
    assert.equal(await remote(["export", "--format", "jsonl", "--output", "out.jsonl"]), 0);
    assert.equal(await remote(["show", "abcdef12"]), 3, "a command's failure is a 200 answer");
    assert.equal(await remote(["--db", "x.db", "list"]), 2, "a refusal is an error object");
    const operation =
      (openApiDocument().paths as Record<string, Record<string, Record<string, unknown>>>)[
        "/api/v1/run"
      ]!.post!;
    const requestSchema =
      (operation.requestBody as { content: Record<string, { schema: Record<string, unknown> }> })
        .content["application/json"]!.schema;
    const responses = operation.responses as Record<
      string,
      { content?: Record<string, { schema: Record<string, unknown> }>; $ref?: string }
    >;
    const errorSchema = (openApiDocument().components as {
      responses: { Error: { content: Record<string, { schema: Record<string, unknown> }> } };
    }).responses.Error.content["application/json"]!.schema;
    assert.equal(seen.length, 5);
    assert.ok(
      seen.some((s) => (s.reply as { outputs?: unknown[] }).outputs?.length === 1),
      "an output came back",
    );
    assert.ok(
      seen.some((s) => ((s.request as { files: unknown[] }).files.length === 1)),
      "a file went out",
    );
    for (const { request, status, reply } of seen) {
      assert.deepEqual(schemaErrors(request, requestSchema), [], JSON.stringify(request));
      assert.ok(String(status) in responses, `status ${status} is documented`);
      const schema = status === 200
        ? responses["200"]!.content!["application/json"]!.schema
        : errorSchema;
      assert.deepEqual(schemaErrors(reply, schema), [], JSON.stringify(reply));
    }
    assert.deepEqual(seen.map((s) => s.status), [200, 200, 200, 200, 400]);
  } finally {
    await tap.shutdown();
    await t.close();
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("a server off loopback refuses to start unless tokens are required", async () => {
  const store = await openSqliteStore({ path: ":memory:" });
  try {
    assert.throws(
      () =>
        startServer({
          context: {
            store,
            agent: "a",
            location: { dataDir: "/nonexistent", dbPath: ":memory:", source: "override" },
            now: () => new Date(),
            leaseTtlMs: 1000,
          },
          hostname: "0.0.0.0",
          port: 0,
          requireToken: false,
        }),
      /refusing to listen on "0\.0\.0\.0" without tokens/,
    );
  } finally {
    store.close();
  }
});

Deno.test("a document is shared through the API as tm share --file shares it, checked alike", async () => {
  const t = await startTestServer();
  try {
    const task = (await t.call("POST", "/api/v1/tasks", { body: NEW_TASK })).body.task as {
      id: string;
    };
    const shared = await t.call("POST", `/api/v1/tasks/${task.id}/share`, {
      body: { message: "see the spec", document: { name: "spec.md", text: "# Spec\n" } },
    });
    assert.equal(shared.status, 200);
    assert.deepEqual(
      [(shared.body.entry as { type: string }).type, (shared.body.entry as { name: string }).name],
      ["document", "spec.md"],
    );
    const context = await t.call("GET", `/api/v1/tasks/${task.id}/context`);
    const types = (context.body.entries as Array<{ type: string }>).map((e) => e.type);
    assert.deepEqual(types, ["share", "document"]);
    const badYaml = await t.call("POST", `/api/v1/tasks/${task.id}/share`, {
      body: { document: { name: "plan.yaml", text: "a: [1, 2" } },
    });
    assert.equal(badYaml.status, 422);
    const badName = await t.call("POST", `/api/v1/tasks/${task.id}/share`, {
      body: { document: { name: "../../etc/x.md", text: "x" } },
    });
    assert.equal(badName.status, 422);
  } finally {
    await t.close();
  }
});

Deno.test("API bodies are the same documents as tm --json for the same operation", async () => {
  const t = await startTestServer();
  try {
    const cwd = t.dir;
    const first = await addTaskCli(cwd, "Design", ["-p", "high", "--estimated-hours", "3"]);
    const second = await addTaskCli(cwd, "Build", [
      "--depends-on",
      first,
      "--criteria",
      '[{"criterion":"tests pass"}]',
    ]);
    await tm(["agent", "register", "tester", "--capability", "ts"], { cwd });
    await tm(["share", first, "a shared note"], { cwd });
    await tm(["note", first, "mine only"], { cwd });
    const tester = await t.token("tester");
    const pairs: Array<[string[], string]> = [
      [["show", first], `/api/v1/tasks/${first}`],
      [["list"], "/api/v1/tasks"],
      [["list", "--status", "blocked"], "/api/v1/tasks?status=blocked"],
      [["ready", "--limit", "5"], "/api/v1/ready?limit=5"],
      [["ready", "--mine"], "/api/v1/ready?mine"],
      [["ready", "--explain", second], `/api/v1/tasks/${second}/ready`],
      [["agent", "list"], "/api/v1/agents"],
      [["agent", "show", "tester"], "/api/v1/agents/tester"],
      [["critical-path"], "/api/v1/critical-path"],
      [["criteria", second], `/api/v1/tasks/${second}/criteria`],
      [["context", first], `/api/v1/tasks/${first}/context`],
      [["export"], "/api/v1/export"],
      [["metrics"], "/api/v1/metrics"],
      [["token", "list"], "/api/v1/tokens"],
    ];
    for (const [argv, path] of pairs) {
      const cli = await tmJson(argv, { cwd });
      const api = await t.call("GET", path, path === "/api/v1/tokens" ? {} : { token: tester });
      assert.equal(api.status, 200, path);
      assert.deepEqual(api.body, cli, `${path} vs tm ${argv.join(" ")} --json`);
    }
    // Writes: the same fields, whatever the ids and times.
    const cliAdd = await tmJson(["add", "By CLI", "-p", "low"], { cwd });
    const apiAdd = await t.call("POST", "/api/v1/tasks", {
      body: { title: "By API", priority: "low" },
    });
    assert.deepEqual(Object.keys(apiAdd.body).sort(), Object.keys(cliAdd).sort());
    assert.deepEqual(
      Object.keys(apiAdd.body.task as object).sort(),
      Object.keys(cliAdd.task as object).sort(),
    );
  } finally {
    await t.close();
  }
});
