/**
 * Load: many event-stream clients and many writing `tm` processes against one `tm serve`.
 * Every client must see every event exactly once, in order; the server's memory must stay
 * bounded; the API's p95 latency under that load is printed for docs/performance.md.
 *
 * Sized by environment variables, with short defaults for CI:
 * TM_LOAD_SECONDS (default 5; 60 for the figures in the docs), TM_LOAD_CLIENTS (100),
 * TM_LOAD_WRITERS (16).
 */
import assert from "node:assert/strict";
import { openSqliteStore } from "../../src/store/sqlite.ts";
import { tempProject, tm } from "../_cli.ts";
import { tmCommandLine } from "../_target.ts";

function envNumber(name: string, fallback: number): number {
  const value = Deno.env.get(name);
  return value === undefined || value === "" ? fallback : Number(value);
}

const SECONDS = envNumber("TM_LOAD_SECONDS", 5);
const CLIENTS = envNumber("TM_LOAD_CLIENTS", 100);
const WRITERS = envNumber("TM_LOAD_WRITERS", 16);
/** Resident memory the server may reach under this load. */
const RSS_LIMIT_MIB = 256;

/** Resident memory of a process, from ps (reading /proc needs --allow-all in Deno). */
async function rssMiB(pid: number): Promise<number> {
  const output = await new Deno.Command("ps", { args: ["-o", "rss=", "-p", String(pid)] })
    .output();
  return Number(new TextDecoder().decode(output.stdout).trim()) / 1024;
}

/** A stream client that only collects ids: cheap, so the test process is not the bottleneck. */
async function collectIds(url: string, into: number[], signal: AbortSignal): Promise<void> {
  const response = await fetch(`${url}/api/v1/events?since=0`, { signal });
  assert.equal(response.status, 200);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  // Aborting the request does not end a body that is being read: cancel the reader.
  signal.addEventListener("abort", () => reader.cancel().catch(() => {}), { once: true });
  let text = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += value;
      const end = text.lastIndexOf("\n\n");
      if (end < 0) continue;
      for (const match of text.slice(0, end).matchAll(/^id: (\d+)$/gm)) into.push(Number(match[1]));
      text = text.slice(end + 2);
    }
  } catch {
    // cancelled at the end
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

Deno.test(`${CLIENTS} event streams and ${WRITERS} writing processes: nothing lost or repeated`, async () => {
  await using project = await tempProject();
  const cwd = project.dir;
  const line = tmCommandLine(["serve", "--port", "0", "--json"]);
  const server = new Deno.Command(line.program, {
    args: line.args,
    cwd,
    env: { TM_AGENT_ID: "server-agent", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let first = "";
  while (!first.includes("\n")) first += (await stdout.read()).value ?? "";
  const url = JSON.parse(first.split("\n")[0]!).url as string;
  const received: number[][] = Array.from({ length: CLIENTS }, () => []);
  const clients = new AbortController();
  let readers: Array<Promise<void>> = [];
  try {
    readers = received.map((ids) => collectIds(url, ids, clients.signal));
    const deadline = Date.now() + SECONDS * 1000;
    let writes = 0;
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      while (Date.now() < deadline) {
        const result = await tm(["add", `load ${w} ${writes}`], {
          cwd,
          env: { TM_AGENT_ID: `w${w}` },
        });
        assert.equal(result.code, 0, result.stderr);
        writes++;
      }
    });
    const latencies: number[] = [];
    let peakRss = 0;
    const prober = (async () => {
      while (Date.now() < deadline) {
        const started = performance.now();
        const response = await fetch(`${url}/api/v1/ready?limit=10`);
        await response.body?.cancel();
        latencies.push(performance.now() - started);
        assert.equal(response.status, 200);
        // ps is a process of its own: sample memory on every tenth probe only.
        if (latencies.length % 10 === 1) peakRss = Math.max(peakRss, await rssMiB(server.pid));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await Promise.all([...writers, prober]);
    const store = await openSqliteStore({ path: `${cwd}/.task-orchestrator/tasks.db` });
    const expected = (await store.read((tx) => tx.events.after(0, 1_000_000))).map((e) => e.id);
    store.close();
    assert.ok(expected.length >= writes, "every add recorded an event");
    // Every client catches up to the last event: then compare what each one saw.
    const last = expected[expected.length - 1]!;
    const caughtUp = Date.now() + 30_000;
    while (received.some((ids) => ids[ids.length - 1] !== last) && Date.now() < caughtUp) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (const [i, ids] of received.entries()) {
      assert.deepEqual(ids, expected, `client ${i} saw every event once, in order`);
    }
    peakRss = Math.max(peakRss, await rssMiB(server.pid));
    assert.ok(peakRss < RSS_LIMIT_MIB, `server RSS peaked at ${peakRss.toFixed(1)} MiB`);
    // deno-lint-ignore no-console -- the figures docs/performance.md records
    console.log(
      `load: ${SECONDS}s, ${CLIENTS} streams, ${WRITERS} writers: ${writes} adds ` +
        `(${(writes / SECONDS).toFixed(1)}/s), ${expected.length} events to each stream; ` +
        `API p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p95 ` +
        `${percentile(latencies, 0.95).toFixed(1)} ms over ${latencies.length} requests; ` +
        `server RSS peak ${peakRss.toFixed(1)} MiB`,
    );
  } finally {
    clients.abort();
    await Promise.all(readers);
    server.kill("SIGTERM");
    await server.status;
    await stdout.cancel();
    await server.stderr.cancel();
  }
});
