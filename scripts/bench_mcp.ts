// deno-lint-ignore-file no-console -- a developer script: the terminal is its output
/**
 * Start-up time and peak memory of `tm mcp` as whole processes (docs/performance.md, "tm mcp").
 * Interleaved run by run with the floor (`deno run` of an empty script) and `tm --version`:
 * each MCP run starts the server, times the answer to `initialize` (start-up), then
 * `tools/list`, one `add` and one `claim`, closes stdin and times the exit; every third run
 * also a session of 500 more calls (ready, prime), to see whether memory grows with use. Peak RSS comes
 * from GNU time (`/usr/bin/time -f %M`) around each process.
 *
 * Usage: deno run -A scripts/bench_mcp.ts [RUNS]
 *
 * @module
 */

import { PRODUCTION_PERMISSION_FLAGS } from "../src/cli/permissions.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const RUNS = Number(Deno.args[0] ?? 15);
const encoder = new TextEncoder();

interface Sample {
  startup?: number;
  session?: number;
  wall: number;
  rss: number;
}

function timed(args: string[], cwd: string): Deno.ChildProcess {
  return new Deno.Command("/usr/bin/time", {
    args: ["-f", "%M", Deno.execPath(), "run", ...PRODUCTION_PERMISSION_FLAGS, ...args],
    cwd,
    env: { TM_AGENT_ID: "bench", NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

function peakKiB(stderr: Uint8Array): number {
  const lines = new TextDecoder().decode(stderr).trim().split("\n");
  return Number(lines[lines.length - 1]);
}

async function once(args: string[], cwd: string): Promise<Sample> {
  const start = performance.now();
  const child = timed(args, cwd);
  await child.stdin.close();
  const output = await child.output();
  return { wall: performance.now() - start, rss: peakKiB(output.stderr) / 1024 };
}

async function mcpSession(cwd: string, extraCalls = 0): Promise<Sample> {
  const start = performance.now();
  const child = timed([MAIN, "mcp"], cwd);
  const writer = child.stdin.getWriter();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const stderr = new Response(child.stderr).arrayBuffer();
  let buffered = "";
  const next = async (): Promise<unknown> => {
    while (!buffered.includes("\n")) {
      const { value, done } = await lines.read();
      if (done) throw new Error("tm mcp closed its output");
      buffered += value;
    }
    const at = buffered.indexOf("\n");
    const line = buffered.slice(0, at);
    buffered = buffered.slice(at + 1);
    return JSON.parse(line);
  };
  let id = 0;
  const send = async (method: string, params: unknown) => {
    await writer.write(
      encoder.encode(`${JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params })}\n`),
    );
    return await next();
  };
  await send("initialize", {
    protocolVersion: "2025-11-25",
    capabilities: {},
    clientInfo: { name: "bench", version: "1" },
  });
  const startup = performance.now() - start;
  await writer.write(encoder.encode('{"jsonrpc":"2.0","method":"notifications/initialized"}\n'));
  await send("tools/list", {});
  await send("tools/call", { name: "add", arguments: { title: "bench task" } });
  await send("tools/call", { name: "claim", arguments: {} });
  for (let i = 0; i < extraCalls; i++) {
    await send("tools/call", { name: i % 2 === 0 ? "ready" : "prime", arguments: {} });
  }
  const session = performance.now() - start;
  await writer.close();
  await child.status;
  lines.releaseLock();
  return {
    startup,
    session,
    wall: performance.now() - start,
    rss: peakKiB(new Uint8Array(await stderr)) / 1024,
  };
}

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const p50 = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return `${p50.toFixed(1)} / ${sorted[0]!.toFixed(1)} / ${sorted[sorted.length - 1]!.toFixed(1)}`;
}

const dir = await Deno.makeTempDir({ prefix: "tm-bench-mcp-" });
const empty = `${dir}/empty.ts`;
await Deno.writeTextFile(empty, "");
const project = `${dir}/project`;
await Deno.mkdir(project);
await once([MAIN, "init"], project);

const rows: Record<string, Sample[]> = { floor: [], version: [], mcp: [], long: [] };
for (let i = 0; i < 2; i++) await mcpSession(project); // warm-up
for (let i = 0; i < RUNS; i++) {
  rows.floor!.push(await once([empty], project));
  rows.version!.push(await once([MAIN, "--version"], project));
  rows.mcp!.push(await mcpSession(project));
  // A longer session every third run: memory must not grow with the number of calls.
  if (i % 3 === 0) rows.long!.push(await mcpSession(project, 500));
}
const load = Deno.loadavg().map((n) => n.toFixed(2)).join(" ");
console.log(`${RUNS} interleaved runs each; load average ${load}; values p50 / min / max`);
console.log(
  `deno run (empty)      wall ms ${stats(rows.floor!.map((s) => s.wall))}  RSS MiB ${
    stats(rows.floor!.map((s) => s.rss))
  }`,
);
console.log(
  `tm --version          wall ms ${stats(rows.version!.map((s) => s.wall))}  RSS MiB ${
    stats(rows.version!.map((s) => s.rss))
  }`,
);
console.log(`tm mcp initialize     ms      ${stats(rows.mcp!.map((s) => s.startup!))}`);
console.log(`tm mcp +list+add+claim ms     ${stats(rows.mcp!.map((s) => s.session!))}`);
console.log(
  `tm mcp whole process  wall ms ${stats(rows.mcp!.map((s) => s.wall))}  RSS MiB ${
    stats(rows.mcp!.map((s) => s.rss))
  }`,
);
console.log(
  `tm mcp, 500 more calls  ms      ${stats(rows.long!.map((s) => s.session!))}  RSS MiB ${
    stats(rows.long!.map((s) => s.rss))
  }`,
);
await Deno.remove(dir, { recursive: true });
