/**
 * The layer rules of docs/architecture.md, checked against the real module graph
 * (`deno info --json`, as tests/e2e/startup_imports_test.ts reads it): cli -> app ->
 * core/store/files, core pure, SQL only in src/store, no import cycles.
 *
 * @module
 */

import assert from "node:assert/strict";
import { moduleGraph } from "./_module_graph.ts";

/** One import between two of tm's own modules. */
interface Edge {
  from: string;
  to: string;
  /** Whether the import brings values (false: `import type` only, erased at run time). */
  value: boolean;
}

const ROOT = new URL("../", import.meta.url);
const SRC = new URL("src/", ROOT);

/** Every source file under src/, relative to the repository (`src/app/claims.ts`). */
async function sourceFiles(dir = SRC): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) files.push(...await sourceFiles(url));
    else if (entry.name.endsWith(".ts")) files.push(url.href.slice(ROOT.href.length));
  }
  return files.sort();
}

/** Test code may reach past the layers (a unit test opens a real store); the rules are for the product. */
function isTestCode(path: string): boolean {
  return path.endsWith("_test.ts") || path.endsWith("/_test_context.ts");
}

/** The imports between tm's own modules, and the external ones, of every product file. */
async function importGraph(): Promise<{ edges: Edge[]; external: Edge[]; files: string[] }> {
  const files = (await sourceFiles()).filter((path) => !isTestCode(path));
  const graph = await moduleGraph(["main.ts", ...files].map((path) => new URL(path, ROOT).href));
  const edges: Edge[] = [];
  const external: Edge[] = [];
  for (const module of graph.values()) {
    if (!module.specifier.startsWith(ROOT.href)) continue;
    const from = module.specifier.slice(ROOT.href.length);
    if (!from.startsWith("src/") || isTestCode(from)) continue;
    for (const dep of module.dependencies ?? []) {
      const target = (dep.code ?? dep.type)?.specifier;
      if (target === undefined) continue;
      const edge = { from, to: target, value: dep.code !== undefined };
      if (target.startsWith(ROOT.href)) {
        edges.push({ ...edge, to: target.slice(ROOT.href.length) });
      } else external.push(edge);
    }
  }
  return { edges, external, files };
}

/** `src/app/claims.ts` -> `app`. */
function layer(path: string): string {
  return path.split("/")[1] ?? "";
}

/** The edges that break `allowed`, as readable lines. */
function broken(edges: Edge[], allowed: (edge: Edge) => boolean): string[] {
  return edges.filter((edge) => !allowed(edge)).map((e) => `${e.from} -> ${e.to}`);
}

const graph = importGraph();

Deno.test("the graph covers every layer's modules", async () => {
  const { edges, files } = await graph;
  for (const name of ["cli", "app", "core", "store", "files"]) {
    assert.ok(files.some((path) => layer(path) === name), name);
    assert.ok(edges.some((edge) => layer(edge.from) === name), name);
  }
});

Deno.test("core imports only core, and nothing outside tm", async () => {
  const { edges, external } = await graph;
  const core = (edge: Edge) => layer(edge.from) === "core";
  assert.deepEqual(broken(edges.filter(core), (e) => layer(e.to) === "core"), []);
  assert.deepEqual(broken(external.filter(core), () => false), []);
});

Deno.test("store imports only core and store", async () => {
  const { edges } = await graph;
  const store = edges.filter((edge) => layer(edge.from) === "store");
  assert.deepEqual(broken(store, (e) => ["core", "store"].includes(layer(e.to))), []);
});

Deno.test("files imports only core and files", async () => {
  const { edges } = await graph;
  const files = edges.filter((edge) => layer(edge.from) === "files");
  assert.deepEqual(broken(files, (e) => ["core", "files"].includes(layer(e.to))), []);
});

Deno.test("app never imports cli", async () => {
  const { edges } = await graph;
  const app = edges.filter((edge) => layer(edge.from) === "app");
  assert.deepEqual(broken(app, (e) => layer(e.to) !== "cli"), []);
});

Deno.test("only the composition root, src/cli/run.ts, imports store values", async () => {
  const { edges } = await graph;
  const values = edges.filter((e) =>
    e.value && layer(e.to) === "store" && layer(e.from) !== "store"
  );
  assert.deepEqual(broken(values, (e) => e.from === "src/cli/run.ts"), []);
});

Deno.test("no module imports itself through others (no cycles, type-only imports included)", async () => {
  const { edges } = await graph;
  const next = new Map<string, string[]>();
  for (const edge of edges) next.set(edge.from, [...next.get(edge.from) ?? [], edge.to]);
  const cycles: string[] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const to of next.get(node) ?? []) {
      if (state.get(to) === "open") {
        cycles.push([...stack.slice(stack.indexOf(to)), to].join(" -> "));
      } else if (!state.has(to)) visit(to);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...next.keys()].sort()) if (!state.has(node)) visit(node);
  assert.deepEqual(cycles, []);
});

Deno.test("SQL statements appear only under src/store", async () => {
  const sql =
    /\b(SELECT\s+[\w*(]|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA\s+\w|BEGIN\s+IMMEDIATE|CREATE\s+(TABLE|INDEX))/;
  const offenders: string[] = [];
  for (const path of await sourceFiles()) {
    if (layer(path) === "store" || isTestCode(path)) continue;
    const text = await Deno.readTextFile(new URL(path, ROOT));
    text.split("\n").forEach((line, i) => {
      if (sql.test(line)) offenders.push(`${path}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offenders, []);
});
