import assert from "node:assert/strict";
import { MAIN } from "../_cli.ts";
import { moduleGraph, type ModuleInfo } from "../_module_graph.ts";

const CLI_DIR = new URL("../../src/cli/", import.meta.url);

/** The command modules: what the command table loads on demand. */
async function commandModules(): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(CLI_DIR)) {
    if (/^cmd_\w+\.ts$/.test(entry.name)) names.push(new URL(entry.name, CLI_DIR).href);
  }
  return names.sort();
}

const RUN = new URL("../../src/cli/run.ts", import.meta.url).pathname;

/** The module graph of main.ts, of local mode's run.ts and of every command module. */
async function commandGraph(): Promise<Map<string, ModuleInfo>> {
  return moduleGraph([
    MAIN,
    RUN,
    ...(await commandModules()).map((href) => new URL(href).pathname),
  ]);
}

/** What a local run loads before any command: main.ts, then run.ts (main.ts picks the mode). */
function localStart(graph: Map<string, ModuleInfo>): Set<string> {
  return new Set([
    ...staticClosure(graph, `file://${MAIN}`),
    ...staticClosure(graph, `file://${RUN}`),
  ]);
}

/** Every module reachable from `roots`, dynamic imports with a literal specifier included. */
function readClosure(graph: Map<string, ModuleInfo>, roots: string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const specifier = queue.pop()!;
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    for (const dep of graph.get(specifier)?.dependencies ?? []) {
      if (dep.code !== undefined) queue.push(dep.code.specifier);
    }
  }
  return seen;
}

/** What loading `root` loads before any dynamic import runs. */
function staticClosure(graph: Map<string, ModuleInfo>, root: string): Set<string> {
  const seen = new Set<string>();
  const queue = [root];
  while (queue.length > 0) {
    const specifier = queue.pop()!;
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    for (const dep of graph.get(specifier)?.dependencies ?? []) {
      if (dep.isDynamic !== true && dep.code !== undefined) queue.push(dep.code.specifier);
    }
  }
  return seen;
}

Deno.test("no command, hot ones included, statically loads npm:yaml at start-up", async () => {
  const graph = await commandGraph();
  const commands = await commandModules();
  assert.ok(commands.length >= 20, `found the command modules: ${commands.length}`);
  const entry = localStart(graph);
  for (const root of commands) {
    const loaded = new Set([...entry, ...staticClosure(graph, root)]);
    const yaml = [...loaded].filter((s) => /yaml/i.test(s) && !s.startsWith("file:"));
    assert.deepEqual(yaml, [], root);
  }
});

Deno.test("start-up loads only the command table, not every command's module", async () => {
  const graph = await commandGraph();
  assert.ok([...graph.keys()].some((s) => s.endsWith("/src/cli/cmd_list.ts")), "graph walked");
  const entry = [...localStart(graph)];
  const commandModules = entry.filter((s) => /\/src\/cli\/cmd_\w+\.ts$/.test(s));
  assert.deepEqual(commandModules, []);
});

Deno.test("no command loads node:util (~4 MiB of resident memory for parseArgs alone)", async () => {
  const graph = await commandGraph();
  const entry = localStart(graph);
  for (const root of await commandModules()) {
    const loaded = new Set([...entry, ...staticClosure(graph, root)]);
    assert.ok(!loaded.has("node:util"), root);
  }
});

Deno.test("nothing of the server loads at start-up or with any command but serve", async () => {
  const graph = await commandGraph();
  const entry = localStart(graph);
  for (const root of await commandModules()) {
    const loaded = new Set([...entry, ...staticClosure(graph, root)]);
    const server = [...loaded].filter((s) => s.includes("/src/server/"));
    assert.deepEqual(server, [], root);
  }
  // serve loads it on demand (a dynamic import), so even its own module starts lean.
  const serve = [...graph.keys()].find((s) => s.endsWith("/src/cli/cmd_serve.ts"));
  assert.ok(serve !== undefined, "cmd_serve.ts is in the graph");
  const dynamic = graph.get(serve)!.dependencies?.filter((d) => d.isDynamic === true) ?? [];
  assert.ok(dynamic.some((d) => d.code?.specifier.endsWith("/src/server/server.ts")));
});

Deno.test("remote mode loads no SQLite, store or server code at start-up", async () => {
  const client = new URL("../../src/remote/client.ts", import.meta.url).pathname;
  const graph = await moduleGraph([MAIN, client]);
  // All of the graph Deno reads, not only what runs: dynamic imports with a literal specifier
  // are read at start-up too, so none may lead there.
  const loaded = readClosure(graph, [`file://${MAIN}`, `file://${client}`]);
  assert.ok(loaded.has(`file://${client}`), "graph walked");
  const heavy = [...loaded].filter((s) =>
    s === "node:sqlite" || /\/src\/(store|server|app)\//.test(s) || /\/src\/cli\/run\.ts$/.test(s)
  );
  assert.deepEqual(heavy, []);
});

Deno.test("only tm mcp loads the MCP server, and nothing loads the MCP SDK", async () => {
  const graph = await commandGraph();
  const mcpModule = new URL("cmd_mcp.ts", CLI_DIR).href;
  assert.ok(graph.has(mcpModule), "tm mcp is in the walked graph");
  const isMcp = (s: string) => s.includes("/src/mcp/") || s.includes("modelcontextprotocol");
  const entry = localStart(graph);
  for (const root of await commandModules()) {
    const loaded = [...new Set([...entry, ...staticClosure(graph, root)])].filter(isMcp);
    if (root === mcpModule) {
      assert.ok(loaded.some((s) => s.endsWith("/src/mcp/server.ts")), "tm mcp loads its server");
      assert.ok(!loaded.some((s) => s.includes("modelcontextprotocol")), "no SDK in tm mcp");
    } else {
      assert.deepEqual(loaded, [], root);
    }
  }
});

Deno.test("no command statically loads npm:pg or the PostgreSQL store: SQLite projects never parse them", async () => {
  const graph = await commandGraph();
  const entry = staticClosure(graph, `file://${MAIN}`);
  const open = new URL("../../src/store/open.ts", import.meta.url).href;
  assert.ok(graph.has(open), "the walk reached the engine choice (src/store/open.ts)");
  for (const root of await commandModules()) {
    const loaded = [...new Set([...entry, ...staticClosure(graph, root)])];
    const postgres = loaded.filter((s) =>
      /^npm:\/?(pg|@types\/pg)\b|\/pg@|\/src\/store\/postgres/.test(s)
    );
    assert.deepEqual(postgres, [], root);
  }
});

/** The hot commands: an agent runs them in a loop, so each must read only what it runs. */
const HOT_COMMANDS = ["add", "list", "show", "ready", "claim", "update", "complete"];

/**
 * Modules the hot commands load only on the path that needs them, through computed
 * specifiers: a guarded command at a level above advisory, an installed hook, an error that
 * names a backup, stdin or an @file, a shared-context mirror, telemetry, a migration, the API
 * tokens (serve, token), a write (the writers' queue), a task with criteria, a batch, the
 * project's config (feature gates and the enforcement level).
 */
const ON_DEMAND = [
  "src/app/bulk.ts",
  "src/app/collaboration.ts",
  "src/app/criteria.ts",
  "src/cli/enforcement.ts",
  "src/cli/hook_events.ts",
  "src/cli/input.ts",
  "src/cli/recovery.ts",
  "src/core/criteria.ts",
  "src/core/expression.ts",
  "src/files/config.ts",
  "src/files/shared_context.ts",
  "src/files/telemetry.ts",
  "src/files/yaml.ts",
  "src/store/backups.ts",
  "src/store/database_files.ts",
  "src/store/sqlite_tokens.ts",
  "src/store/write_queue.ts",
].map((path) => new URL(`../../${path}`, import.meta.url).href);

Deno.test("the hot commands read none of the modules they load on demand, even with the SQLite store open", async () => {
  const sqlite = new URL("../../src/store/sqlite.ts", import.meta.url).pathname;
  const graph = await moduleGraph([
    MAIN,
    RUN,
    sqlite,
    ...(await commandModules()).map((href) => new URL(href).pathname),
  ]);
  for (const path of ON_DEMAND) assert.ok(graph.has(path), `${path} is in the walked graph`);
  for (const name of HOT_COMMANDS) {
    const command = new URL(`cmd_${name}.ts`, CLI_DIR).href;
    assert.ok(graph.has(command), `${command} is in the walked graph`);
    // What Deno reads: literal dynamic imports included, computed ones (the on-demand loads) not.
    const read = readClosure(graph, [
      `file://${MAIN}`,
      `file://${RUN}`,
      `file://${sqlite}`,
      command,
    ]);
    assert.ok(read.has(`file://${sqlite}`), "graph walked");
    assert.deepEqual(ON_DEMAND.filter((s) => read.has(s)), [], name);
  }
});

Deno.test("start-up reads no SQLite store: tm --version and tm help never open a database", async () => {
  const graph = await commandGraph();
  const read = readClosure(graph, [`file://${MAIN}`, `file://${RUN}`]);
  assert.ok(read.has(`file://${RUN}`), "graph walked");
  const store = [...read].filter((s) => s === "node:sqlite" || /\/src\/store\/sqlite/.test(s));
  assert.deepEqual(store, []);
});

Deno.test("deno compile embeds every module loaded on demand, in the compile task and the release workflow", async () => {
  const { COMPUTED_ENTRIES } = await import("../../scripts/build.ts");
  const root = new URL("../../", import.meta.url);
  const task = JSON.parse(await Deno.readTextFile(new URL("deno.json", root))).tasks.compile;
  const release = await Deno.readTextFile(new URL(".github/workflows/release.yml", root));
  for (const [name, text] of [["deno.json", task], ["release.yml", release]] as const) {
    const included = [...text.matchAll(/--include (\S+)/g)].map((m) => m[1]!);
    assert.ok(included.length > 0, `${name} names its includes`);
    const missing = COMPUTED_ENTRIES.filter((entry) =>
      !included.some((path) => path === entry || (path.endsWith("/") && entry.startsWith(path)))
    );
    assert.deepEqual(missing, [], name);
  }
});
