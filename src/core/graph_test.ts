import assert from "node:assert/strict";
import { findAnyCycle, findCycleForEdge, formatCycle } from "./graph.ts";

function lookup(edges: Record<string, string[]>) {
  return (id: string) => edges[id] ?? [];
}

Deno.test("findCycleForEdge() returns null for an edge that keeps the graph acyclic", () => {
  assert.equal(findCycleForEdge("c", "b", lookup({ b: ["a"] })), null);
});

Deno.test("findCycleForEdge() names the whole cycle a new edge would close", () => {
  // a <- b <- c (c depends on b, b on a); adding "a depends on c" closes a -> c -> b -> a
  const cycle = findCycleForEdge("a", "c", lookup({ c: ["b"], b: ["a"] }));
  assert.deepEqual(cycle, ["a", "c", "b", "a"]);
  assert.equal(formatCycle(cycle!), "a -> c -> b -> a");
});

Deno.test("findCycleForEdge() treats a self-dependency as a cycle", () => {
  assert.deepEqual(findCycleForEdge("a", "a", lookup({})), ["a", "a"]);
});

Deno.test("findAnyCycle() finds a cycle in a long chain without recursion limits", () => {
  const edges = new Map<string, string[]>();
  for (let i = 1; i < 50_000; i++) edges.set(`t${i}`, [`t${i - 1}`]);
  assert.equal(findAnyCycle(edges), null);
  edges.set("t0", ["t49999"]);
  const cycle = findAnyCycle(edges)!;
  assert.equal(cycle.length, 50_001);
  assert.equal(cycle[0], cycle[cycle.length - 1]);
});
