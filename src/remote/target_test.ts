import assert from "node:assert/strict";
import { TmError } from "../core/errors.ts";
import { isLoopbackHost, remoteTarget } from "./target.ts";

function envOf(values: Record<string, string>) {
  return (name: string) => values[name];
}

Deno.test("TM_URL and TM_TOKEN choose remote mode; login and logout always run locally", () => {
  const env = envOf({ TM_URL: "https://tm.example.com:7878/", TM_TOKEN: "t" });
  assert.deepEqual(remoteTarget(["list"], env, "/"), {
    url: "https://tm.example.com:7878",
    token: "t",
    insecure: false,
    source: "env",
  });
  assert.equal(remoteTarget(["login", "https://x", "--token", "t"], env, "/"), undefined);
  assert.equal(remoteTarget(["--json", "logout"], env, "/"), undefined);
});

Deno.test("half a remote configuration is a usage error, not a silent local run", () => {
  for (const values of [{ TM_URL: "https://x" }, { TM_TOKEN: "t" }]) {
    assert.throws(() => remoteTarget(["list"], envOf(values), "/"), (e: unknown) => {
      return e instanceof TmError && e.exitCode === 2;
    });
  }
});

Deno.test("a login file in the project is found from a subdirectory; a broken one is named", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/.task-orchestrator`);
    await Deno.mkdir(`${dir}/src/deep`, { recursive: true });
    const file = `${dir}/.task-orchestrator/remote.json`;
    await Deno.writeTextFile(file, JSON.stringify({ url: "http://127.0.0.1:1", token: "s" }));
    const target = remoteTarget(["list"], envOf({}), `${dir}/src/deep`);
    assert.equal(target?.source, "login");
    assert.equal(target?.token, "s");
    await Deno.writeTextFile(file, "{not json");
    assert.throws(() => remoteTarget(["list"], envOf({}), dir), /broken login file/);
    assert.equal(remoteTarget(["list"], envOf({}), "/"), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loopback means this machine, by name or address", () => {
  for (const host of ["localhost", "127.0.0.1", "127.8.9.10", "[::1]", "::1"]) {
    assert.ok(isLoopbackHost(host), host);
  }
  for (const host of ["example.com", "10.0.0.1", "127.0.0.1.example.com", "[::2]"]) {
    assert.ok(!isLoopbackHost(host), host);
  }
});

Deno.test("every command is served remotely, run by the client, or refused with a reason", async () => {
  const { COMMAND_GROUPS } = await import("../cli/commands.ts");
  const { REMOTE_COMMANDS } = await import("../server/command_line.ts");
  const { LOCAL_COMMANDS } = await import("./client.ts");
  const byClient = ["login", "logout", "worker"];
  const unplaced = COMMAND_GROUPS.flatMap((g) => g.commands.map((c) => c.name)).filter((name) =>
    !(name in REMOTE_COMMANDS) && !(name in LOCAL_COMMANDS) && !byClient.includes(name)
  );
  assert.deepEqual(unplaced, []);
});
