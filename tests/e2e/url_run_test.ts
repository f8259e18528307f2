import assert from "node:assert/strict";
import { PRODUCTION_PERMISSION_FLAGS } from "../../src/cli/permissions.ts";
import { tempDir } from "../_cli.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

/** Serve the checkout over HTTP on 127.0.0.1, with a TypeScript media type for .ts files. */
function serveCheckout(): { url: string; server: Deno.HttpServer } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    if (path.includes("..")) return new Response("no", { status: 400 });
    try {
      const body = await Deno.readFile(`${ROOT}${path.slice(1)}`);
      const type = path.endsWith(".ts") ? "application/typescript" : "application/octet-stream";
      return new Response(body, { headers: { "content-type": type } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, server };
}

Deno.test("deno run of main.ts from a URL works without an import map", async () => {
  const { url, server } = serveCheckout();
  try {
    await using temp = await tempDir("tm-url-");
    const cwd = temp.dir;
    const run = async (...args: string[]) => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--reload", ...PRODUCTION_PERMISSION_FLAGS, `${url}/main.ts`, ...args],
        cwd,
        env: { TM_AGENT_ID: "remote", NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder();
      return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
    };
    assert.equal((await run("init")).code, 0);
    const added = await run("add", "from a URL", "--json");
    assert.equal(added.code, 0, added.stderr);
    const id = JSON.parse(added.stdout).task.id;
    const ready = await run("ready");
    assert.equal(ready.stdout, `[${id}] from a URL - pending\n`);
  } finally {
    await server.shutdown();
  }
});
