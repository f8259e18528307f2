// deno-lint-ignore-file no-console -- a developer script: the terminal is its output
/**
 * Does `tm mcp` keep memory per tool call? (docs/mcp.md, "Memory"). Two probes:
 *
 * - `process` (default): starts `tm mcp` as the CLI does, sends `ready`/`show`/`add`-free tool
 *   calls (alternating `ready` and `prime`) and reads the process's resident set
 *   (/proc/PID/status VmRSS) at 1k, 5k, 10k and 20k calls. Pass `--max-old-space-size=N` to cap
 *   V8's old space: a real leak then ends in an out-of-memory crash, lazy collection does not.
 * - `heap`: the same calls on an `McpSession` in this process (run with
 *   `--v8-flags=--expose-gc`), printing the heap after a full collection at each checkpoint:
 *   what is still reachable, i.e. what a leak would be.
 *
 * Usage: deno run -A [--v8-flags=--expose-gc] scripts/mcp_memory.ts [process|heap] [CALLS]
 *        [--max-old-space-size=N]
 *
 * @module
 */

import { PRODUCTION_PERMISSION_FLAGS } from "../src/cli/permissions.ts";
import { McpSession } from "../src/mcp/server.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const mode = Deno.args[0] ?? "process";
const total = Number(Deno.args[1] ?? 20_000);
const cap = Deno.args.find((a) => a.startsWith("--max-old-space-size="));
const checkpoints = new Set([1_000, 5_000, 10_000, 20_000, total]);
const encoder = new TextEncoder();
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

const dir = await Deno.makeTempDir({ prefix: "tm-mcp-memory-" });
const init = await new Deno.Command(Deno.execPath(), {
  args: ["run", ...PRODUCTION_PERMISSION_FLAGS, MAIN, "init"],
  cwd: dir,
  env: { TM_AGENT_ID: "probe" },
}).output();
if (!init.success) throw new Error(new TextDecoder().decode(init.stderr));

function call(id: number): unknown {
  return {
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name: id % 2 === 0 ? "ready" : "prime", arguments: {} },
  };
}

const started = performance.now();
function line(calls: number, what: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  console.log(`${String(calls).padStart(6)} calls  ${what}  (${seconds} s)`);
}

if (mode === "heap") {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");
  const session = new McpSession({
    agent: "probe",
    cwd: dir,
    env: (name) => name === "TM_AGENT_ID" ? "probe" : undefined,
    log: (text) => console.error(text),
  });
  for (let i = 1; i <= total; i++) {
    const answer = await session.handle(call(i)) as { error?: unknown };
    if (answer?.error !== undefined) throw new Error(JSON.stringify(answer));
    if (checkpoints.has(i) || i === 100) {
      gc();
      const m = Deno.memoryUsage();
      line(
        i,
        `rss ${mib(m.rss)} MiB  heap used after gc ${mib(m.heapUsed)} of ${
          mib(m.heapTotal)
        } MiB  external ${mib(m.external)} MiB`,
      );
    }
  }
} else {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...PRODUCTION_PERMISSION_FLAGS,
      ...(cap === undefined ? [] : [`--v8-flags=${cap}`]),
      MAIN,
      "mcp",
    ],
    cwd: dir,
    env: { TM_AGENT_ID: "probe", NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const rss = async () => {
    const status = await Deno.readTextFile(`/proc/${child.pid}/status`);
    const kib = (name: string) => Number(status.match(new RegExp(`${name}:\\s+(\\d+)`))?.[1]);
    return `rss ${(kib("VmRSS") / 1024).toFixed(1)} MiB  peak ${
      (kib("VmHWM") / 1024).toFixed(1)
    } MiB`;
  };
  const writer = child.stdin.getWriter();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const next = async () => {
    while (!buffered.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("tm mcp closed its output (crashed?)");
      buffered += value;
    }
    const at = buffered.indexOf("\n");
    const answer = JSON.parse(buffered.slice(0, at));
    buffered = buffered.slice(at + 1);
    if (answer.error !== undefined) throw new Error(JSON.stringify(answer));
  };
  await writer.write(encoder.encode(`${
    JSON.stringify({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "p" } },
    })
  }\n`));
  await next();
  line(0, await rss());
  for (let i = 1; i <= total; i++) {
    await writer.write(encoder.encode(`${JSON.stringify(call(i))}\n`));
    await next();
    if (checkpoints.has(i) || i === 100) line(i, await rss());
  }
  await writer.close();
  await child.status;
}
await Deno.remove(dir, { recursive: true });
