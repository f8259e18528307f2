import assert from "node:assert/strict";
import { addTask, spawnTm, tempDir, tempProject, tm, tmJson } from "../_cli.ts";
import { startServe } from "./_remote.ts";

/** The environment of a remote client acting through `token`. */
function remote(url: string, token: string, extra: Record<string, string> = {}) {
  // TM_AGENT_ID "" : the token names the agent.
  return { TM_URL: url, TM_TOKEN: token, TM_AGENT_ID: "", ...extra };
}

Deno.test("remote mode prints what a local run prints, acting as the token's agent", async () => {
  await using project = await tempProject();
  await using server = await startServe(project.dir);
  await using client = await tempDir("tm-client-");
  const env = remote(server.url, await server.token("alice"));
  const added = await tm(["add", "from afar", "--json"], { cwd: client.dir, env });
  assert.equal(added.code, 0, added.stderr);
  assert.equal(JSON.parse(added.stdout).task.created_by, "alice");
  const remoteList = await tm(["list"], { cwd: client.dir, env });
  const localList = await tm(["list"], { cwd: project.dir });
  assert.equal(remoteList.stdout, localList.stdout);
  const missing = await tm(["show", "abcd1234"], { cwd: client.dir, env });
  const missingLocally = await tm(["show", "abcd1234"], { cwd: project.dir });
  assert.deepEqual(missing, missingLocally);
});

Deno.test("a TM_AGENT_ID other than the token's agent is refused with one line", async () => {
  await using project = await tempProject();
  await using server = await startServe(project.dir);
  await using client = await tempDir("tm-client-");
  const env = remote(server.url, await server.token("alice"), { TM_AGENT_ID: "mallory" });
  const result = await tm(["add", "x"], { cwd: client.dir, env });
  assert.equal(result.code, 2);
  assert.equal(
    result.stderr,
    'tm: TM_AGENT_ID "mallory" conflicts with the token\'s agent "alice" (unset TM_AGENT_ID, or use that agent\'s token)\n',
  );
  const same = await tm(["list"], { cwd: client.dir, env: { ...env, TM_AGENT_ID: "alice" } });
  assert.equal(same.code, 0, same.stderr);
});

Deno.test("an unreachable server is exit 4, retryable, naming the URL and never the token", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await using client = await tempDir("tm-client-");
  const token = "tm_secret_that_must_not_appear";
  const env = remote(`http://127.0.0.1:${port}`, token, { TM_REMOTE_RETRY: "0" });
  const result = await tm(["list", "--json"], { cwd: client.dir, env });
  assert.equal(result.code, 4);
  const [line, json] = result.stderr.trimEnd().split("\n");
  assert.match(line!, new RegExp(`^tm: tm server at http://127\\.0\\.0\\.1:${port} unavailable`));
  assert.equal(JSON.parse(json!).error.retryable, true);
  assert.ok(!result.stderr.includes(token) && !result.stdout.includes(token));
});

Deno.test("plain http:// off this machine is refused unless --insecure", async () => {
  await using client = await tempDir("tm-client-");
  const env = remote("http://tm.example.invalid:7878", "t", { TM_REMOTE_RETRY: "0" });
  const refused = await tm(["list"], { cwd: client.dir, env });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /^tm: refusing plain http:\/\/ to tm\.example\.invalid:7878/);
  const allowed = await tm(["list", "--insecure"], { cwd: client.dir, env });
  // Allowed, so it tries, and the name does not resolve: unavailable, not refused.
  assert.equal(allowed.code, 4, allowed.stderr);
});

Deno.test("a retried add with the same request id is applied once", async () => {
  await using project = await tempProject();
  await using server = await startServe(project.dir);
  await using client = await tempDir("tm-client-");
  const env = remote(server.url, await server.token("alice"), { TM_REQUEST_ID: "add-7" });
  const first = await tm(["add", "once", "--json"], { cwd: client.dir, env });
  const again = await tm(["add", "once", "--json"], { cwd: client.dir, env });
  assert.equal(first.code, 0, first.stderr);
  assert.equal(again.stdout, first.stdout);
  const listed = await tm(["list", "--json"], { cwd: project.dir });
  assert.equal(JSON.parse(listed.stdout).count, 1);
});

Deno.test("one TM_REQUEST_ID names one command: another command line with it is applied", async () => {
  await using project = await tempProject();
  await using server = await startServe(project.dir);
  await using client = await tempDir("tm-client-");
  // A script that exports the key once and runs several writes.
  const env = remote(server.url, await server.token("alice"), { TM_REQUEST_ID: "script-1" });
  for (const title of ["first", "second", "first"]) {
    const added = await tm(["add", title], { cwd: client.dir, env });
    assert.equal(added.code, 0, added.stderr);
  }
  const listed = await tm(["list", "--json"], { cwd: project.dir });
  const titles = JSON.parse(listed.stdout).tasks.map((task: { title: string }) => task.title);
  assert.deepEqual(titles.sort(), ["first", "second"]);
});

Deno.test("a broken or hostile reply is exit 4 with one line, never a crash", async () => {
  const replies = [
    () => new Response("<html>proxy error</html>", { status: 200 }),
    () => Response.json({ exit_code: "0", stdout: 1, stderr: null }),
    () => Response.json({ exit_code: 9999, stdout: "", stderr: "" }),
    () => Response.json({ exit_code: 0, stdout: "", stderr: "", outputs: [{ index: "x" }] }),
    () => new Response("{", { status: 502 }),
    () => Response.json([1, 2, 3]),
  ];
  let next = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => replies[next]!(),
  );
  try {
    await using client = await tempDir("tm-client-");
    const env = remote(`http://127.0.0.1:${server.addr.port}`, "t", { TM_REMOTE_RETRY: "0" });
    for (; next < replies.length; next++) {
      const result = await tm(["list"], { cwd: client.dir, env });
      assert.equal(result.code, 4, `reply ${next}: ${result.stderr}`);
      assert.equal(result.stderr.trimEnd().split("\n").length, 1, `reply ${next}`);
      assert.match(result.stderr, /^tm: tm server at http:\/\/127\.0\.0\.1:\d+ unavailable: /);
    }
  } finally {
    await server.shutdown();
  }
});

Deno.test("tm login keeps the token in a 0600 file git ignores; logout forgets it", async () => {
  await using project = await tempProject();
  await using server = await startServe(project.dir);
  await using client = await tempDir("tm-client-");
  const token = await server.token("bob");
  const env = { TM_AGENT_ID: "" };
  const login = await tm(["login", server.url, "--token", "-"], {
    cwd: client.dir,
    env,
    stdin: `${token}\n`,
  });
  assert.equal(login.code, 0, login.stderr);
  const file = `${client.dir}/.task-orchestrator/remote.json`;
  assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
  assert.match(
    await Deno.readTextFile(`${client.dir}/.task-orchestrator/.gitignore`),
    /remote\.json/,
  );
  const added = await tm(["add", "via login", "--json"], { cwd: client.dir, env });
  assert.equal(JSON.parse(added.stdout).task.created_by, "bob");
  assert.equal((await tm(["logout"], { cwd: client.dir, env })).code, 0);
  assert.equal((await tm(["list"], { cwd: client.dir, env })).code, 4, "local again: no project");
});

Deno.test("files travel as contents: share --file, import FILE, export --output", async () => {
  await using project = await tempProject();
  await using server = await startServe(project.dir);
  await using client = await tempDir("tm-client-");
  const env = remote(server.url, await server.token("carol"));
  const cwd = client.dir;
  const id = JSON.parse((await tm(["add", "spec", "--json"], { cwd, env })).stdout).task.id;
  await Deno.writeTextFile(`${cwd}/api.md`, "# API\n");
  const shared = await tm(["share", id, "--file", "api.md"], { cwd, env });
  assert.equal(shared.code, 0, shared.stderr);
  assert.ok(!shared.stdout.includes("tm-remote-"), "no server path shown");
  const exported = await tm(["export", "--format", "jsonl", "--output", "tasks.jsonl"], {
    cwd,
    env,
  });
  assert.equal(exported.stdout, "Exported 1 tasks to tasks.jsonl\n");
  const lines = (await Deno.readTextFile(`${cwd}/tasks.jsonl`)).trimEnd().split("\n");
  assert.equal(lines.length, 1);
  await using other = await tempProject();
  await using otherServer = await startServe(other.dir);
  const otherEnv = remote(otherServer.url, await otherServer.token("carol"));
  const imported = await tm(["import", "tasks.jsonl"], { cwd, env: otherEnv });
  assert.equal(imported.stdout, "Imported 1 tasks\n", imported.stderr);
  const missing = await tm(["share", id, "--file", "nope.md"], { cwd, env });
  assert.equal(missing.stderr, 'tm: cannot attach "nope.md": no such file\n');
});

Deno.test("a server killed with SIGKILL still knows the answers it gave to writes", async () => {
  await using project = await tempProject();
  let server = await startServe(project.dir);
  await using client = await tempDir("tm-client-");
  const token = await server.token("alice");
  const env = remote(server.url, token, { TM_REQUEST_ID: "add-after-crash" });
  const first = await tm(["add", "exactly once", "--json"], { cwd: client.dir, env });
  assert.equal(first.code, 0, first.stderr);
  await server.kill();
  server = await startServe(project.dir, { port: server.port });
  try {
    const retried = await tm(["add", "exactly once", "--json"], { cwd: client.dir, env });
    assert.equal(retried.stdout, first.stdout);
    const listed = await tm(["list", "--json"], { cwd: project.dir });
    assert.equal(JSON.parse(listed.stdout).count, 1);
  } finally {
    await server[Symbol.asyncDispose]();
  }
});

Deno.test("watch --follow follows the event stream and resumes after the server restarts", async () => {
  await using project = await tempProject();
  const cwd = project.dir;
  let server = await startServe(cwd);
  await using client = await tempDir("tm-client-");
  const api = await addTask(cwd, "API");
  const ui = await addTask(cwd, "UI", ["--depends-on", api]);
  await tmJson(["join", ui], { cwd, env: { TM_AGENT_ID: "bob" } });
  await tmJson(["join", api], { cwd, env: { TM_AGENT_ID: "bob" } });
  await tmJson(["discover", api, "schema changed"], { cwd });
  const env = remote(server.url, await server.token("bob"), { TM_REMOTE_RETRY: "10" });
  const watcher = spawnTm(["watch", "--follow", "--json", "--timeout", "60"], {
    cwd: client.dir,
    env,
  });
  try {
    const lines = [await watcher.nextLine()];
    await server.kill();
    // While the server is down, another process makes a notification for bob.
    await tmJson(["sync", api, "halfway"], { cwd });
    server = await startServe(cwd, { port: server.port });
    lines.push(await watcher.nextLine());
    await tmJson(["complete", api], { cwd });
    lines.push(await watcher.nextLine(), await watcher.nextLine());
    watcher.kill("SIGTERM");
    const { code, stderr } = await watcher.finish();
    assert.equal(code, 0, stderr);
    const notes = lines.map((line) => JSON.parse(line!));
    assert.deepEqual(notes.map((n) => [n.schema_version, n.type, n.task_id]), [
      [1, "discovered", api],
      [1, "sync_point", api],
      [1, "completed", api],
      [1, "unblocked", ui],
    ]);
  } finally {
    await server[Symbol.asyncDispose]();
  }
});

Deno.test("worker --exec runs commands on the client and completes tasks on the server", async () => {
  await using project = await tempProject();
  const cwd = project.dir;
  await using server = await startServe(cwd);
  await using client = await tempDir("tm-client-");
  const ids = [await addTask(cwd, "one"), await addTask(cwd, "two"), await addTask(cwd, "bad")];
  const env = remote(server.url, await server.token("robot"));
  const result = await tm([
    "worker",
    "--exec",
    'echo "working on $TM_TASK_TITLE"; test "$TM_TASK_TITLE" != bad',
    "--drain",
    "--concurrency",
    "2",
    "--max-retries",
    "0",
    "--json",
  ], { cwd: client.dir, env });
  assert.equal(result.code, 0, result.stderr);
  const events = result.stdout.trimEnd().split("\n").map((line) => JSON.parse(line));
  assert.ok(events.every((e) => e.schema_version === 1));
  assert.equal(events.at(-1).event, "stopped");
  assert.deepEqual(events.at(-1).summary, {
    completed: 2,
    failed_runs: 1,
    gave_up: 1,
    released: 0,
    lease_lost: 0,
    running: 0,
  });
  assert.ok(events.some((e) => e.event === "output" && e.line === "working on one"));
  const shown = await Promise.all(ids.map((id) => tmJson(["show", id], { cwd })));
  const tasks = shown.map((s) => s.task as { status: string; claimed_by: string | null });
  assert.deepEqual(tasks.map((t) => t.status), ["completed", "completed", "blocked"]);
});

Deno.test("a raw request cannot make the server read or write its own files", async () => {
  await using project = await tempProject();
  await using server = await startServe(project.dir);
  await using elsewhere = await tempDir("tm-target-");
  const token = await server.token("mallory");
  const target = `${elsewhere.dir}/written-by-server.json`;
  const attempts = [
    ["export", "--output", target],
    ["report", `--output=${target}`],
    ["share", "abcd", "--file", "/etc/passwd"],
    ["import", "/etc/passwd"],
    ["list", "--db", `${project.dir}/.task-orchestrator/tasks.db`],
    ["init"],
    ["token", "create", "mallory", "--scope", "admin"],
  ];
  for (const argv of attempts) {
    const response = await fetch(`${server.url}/api/v1/run`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ argv }),
    });
    const body = await response.json();
    assert.equal(response.status, 400, `${argv.join(" ")}: ${JSON.stringify(body)}`);
    assert.equal(body.error.code, "usage");
  }
  assert.deepEqual([...Deno.readDirSync(elsewhere.dir)], []);
});

/** Whether openssl is here to make a test CA (Debian's openssl package). */
const hasOpenssl = (() => {
  try {
    return new Deno.Command("openssl", { args: ["version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();

/** A CA and a certificate it signed for 127.0.0.1/localhost, as PEM files in `dir`. */
async function testCertificates(dir: string): Promise<void> {
  const openssl = async (...args: string[]) => {
    const output = await new Deno.Command("openssl", { args, cwd: dir, stderr: "piped" }).output();
    assert.ok(output.success, new TextDecoder().decode(output.stderr));
  };
  await Deno.writeTextFile(
    `${dir}/leaf.ext`,
    "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
  );
  await openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=tm test CA",
  );
  await openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "key.pem",
    "-out",
    "leaf.csr",
    "-subj",
    "/CN=localhost",
  );
  await openssl(
    "x509",
    "-req",
    "-in",
    "leaf.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "cert.pem",
    "-days",
    "2",
    "-extfile",
    "leaf.ext",
  );
}

Deno.test({
  name: "over TLS the client verifies the server: refused without its CA, served with DENO_CERT",
  ignore: !hasOpenssl,
}, async () => {
  await using project = await tempProject();
  await using certs = await tempDir("tm-certs-");
  await testCertificates(certs.dir);
  await using server = await startServe(project.dir, {
    extra: ["--tls-cert", `${certs.dir}/cert.pem`, "--tls-key", `${certs.dir}/key.pem`],
  });
  assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  await using client = await tempDir("tm-client-");
  const env = remote(server.url, await server.token("alice"), { TM_REMOTE_RETRY: "0" });
  const untrusted = await tm(["list"], { cwd: client.dir, env });
  assert.equal(untrusted.code, 4);
  assert.match(untrusted.stderr, /unavailable: TLS failure/);
  const trusted = await tm(["add", "over tls", "--json"], {
    cwd: client.dir,
    env: { ...env, DENO_CERT: `${certs.dir}/ca.pem` },
  });
  assert.equal(trusted.code, 0, trusted.stderr);
  assert.equal(JSON.parse(trusted.stdout).task.created_by, "alice");
});

Deno.test("a server without remote mode is named in one line, exit 2", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () =>
      Response.json({ error: { code: "not_found", message: "no such route" } }, { status: 404 }),
  );
  try {
    await using client = await tempDir("tm-client-");
    const url = `http://127.0.0.1:${server.addr.port}`;
    const result = await tm(["list"], { cwd: client.dir, env: remote(url, "t") });
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /^tm: tm server at http:\/\/127\.0\.0\.1:\d+ does not offer remote mode/,
    );
    assert.equal(result.stderr.trimEnd().split("\n").length, 1);
  } finally {
    await server.shutdown();
  }
});
