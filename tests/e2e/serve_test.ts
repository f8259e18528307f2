import assert from "node:assert/strict";
import { tempProject, tm, tmJson, waitFor } from "../_cli.ts";
import { serve, stop } from "../_serve.ts";
import { openEvents } from "../_server.ts";

async function get(url: string, token?: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: await response.json() };
}

Deno.test("a task added by a separate tm process reaches the event stream within 1 s", async () => {
  await using project = await tempProject();
  const cwd = project.dir;
  const { url, process } = await serve(cwd);
  try {
    const stream = await openEvents(url);
    const added = await tm(["add", "From another process"], { cwd });
    const exited = performance.now();
    assert.equal(added.code, 0, added.stderr);
    const frame = await stream.next();
    const latency = performance.now() - exited;
    assert.equal(frame.data.type, "created");
    assert.equal(frame.data.agent, "tester");
    assert.ok(latency < 1000, `arrived ${Math.round(latency)} ms after the CLI exited`);
    await stream.close();
  } finally {
    await stop(process);
  }
});

Deno.test("tm token create gives a token the server honours, and revoke ends it", async () => {
  await using project = await tempProject();
  const cwd = project.dir;
  const created = await tmJson(["token", "create", "robot", "--scope", "read"], { cwd });
  const secret = created.secret as string;
  const id = (created.token as { id: string }).id;
  assert.equal((await tm(["token", "create", "robot", "--scope", "root"], { cwd })).code, 5);
  assert.equal((await tm(["token", "revoke", "00000000"], { cwd })).code, 3);
  assert.equal((await tm(["token", "list", "--scope", "read"], { cwd })).code, 2);
  const listed = await tm(["token", "list"], { cwd });
  assert.match(listed.stdout, new RegExp(`^${id} robot read `, "m"));
  assert.ok(!listed.stdout.includes(secret), "list never shows a token");
  const { url, process } = await serve(cwd, ["--require-token"]);
  try {
    assert.equal((await get(`${url}/api/v1/whoami`)).status, 401);
    const me = await get(`${url}/api/v1/whoami`, secret);
    assert.deepEqual(me.body, { schema_version: 1, agent: "robot", scope: "read", token_id: id });
    assert.equal((await tm(["token", "revoke", id], { cwd })).code, 0);
    assert.equal((await get(`${url}/api/v1/whoami`, secret)).status, 401);
  } finally {
    await stop(process);
  }
});

Deno.test("tm serve off loopback requires tokens without being told", async () => {
  await using project = await tempProject();
  const cwd = project.dir;
  const { url, process } = await serve(cwd, ["--host", "0.0.0.0", "--allow-host", "127.0.0.1"]);
  try {
    const port = new URL(url).port;
    assert.equal((await get(`http://127.0.0.1:${port}/api/v1/tasks`)).status, 401);
  } finally {
    await stop(process);
  }
});

Deno.test("the server runs the project's hooks for what its requests commit", async () => {
  await using project = await tempProject();
  const cwd = project.dir;
  const dir = `${cwd}/.task-orchestrator/hooks`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/on-task-created`,
    `#!/bin/sh\ncat > "${cwd}/created.tmp" && mv "${cwd}/created.tmp" "${cwd}/created.json"\n`,
    { mode: 0o755 },
  );
  const { url, process } = await serve(cwd);
  try {
    const created = await fetch(`${url}/api/v1/tasks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "Hooked" }),
    }).then((r) => r.json());
    const hooked = await waitFor(async () => {
      try {
        return JSON.parse(await Deno.readTextFile(`${cwd}/created.json`));
      } catch {
        return undefined;
      }
    });
    assert.equal(hooked.event.type, "created");
    assert.equal(hooked.event.task_id, created.task.id);
    assert.equal(hooked.event.agent, "server-agent");
  } finally {
    await stop(process);
  }
});

Deno.test("SIGTERM ends open event streams and stops tm serve with exit 0", async () => {
  await using project = await tempProject();
  const cwd = project.dir;
  const { url, process } = await serve(cwd);
  const response = await fetch(`${url}/api/v1/events`);
  const body = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  assert.match((await body.read()).value ?? "", /^retry: 2000/);
  await stop(process);
  for (;;) {
    const { done } = await body.read();
    if (done) break; // the stream ended with the server
  }
});
