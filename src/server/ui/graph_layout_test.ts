import assert from "node:assert/strict";
import { criticalEdgeKeys, layers, layoutGraph } from "./graph_layout.js";

const dep = (task_id: string, depends_on_id: string) => ({ task_id, depends_on_id });

Deno.test("layers() puts a task one column right of its deepest dependency", () => {
  const l = layers(["a", "b", "c", "d"], [
    dep("b", "a"),
    dep("c", "b"),
    dep("c", "a"),
    dep("d", "a"),
  ]);
  assert.deepEqual(Object.fromEntries(l), { a: 0, b: 1, c: 2, d: 1 });
});

Deno.test("layers() ignores edges to tasks outside the graph and survives a cycle", () => {
  assert.deepEqual(Object.fromEntries(layers(["a"], [dep("a", "gone")])), { a: 0 });
  const cyclic = layers(["a", "b"], [dep("a", "b"), dep("b", "a")]);
  assert.equal(cyclic.size, 2);
});

Deno.test("layoutGraph() routes every edge from the dependency's right side to the dependent's left", () => {
  const g = layoutGraph(["a", "b"], [dep("b", "a")], {
    nodeWidth: 100,
    nodeHeight: 40,
    columnGap: 50,
    rowGap: 10,
    padding: 5,
  });
  const [a, b] = g.nodes;
  assert.deepEqual([a?.x, a?.y, b?.x, b?.y], [5, 5, 155, 5]);
  assert.equal(g.edges.length, 1);
  assert.equal(g.edges[0]?.d, "M105 25 C130 25 130 25 155 25");
  assert.deepEqual([g.width, g.height], [260, 50]);
});

Deno.test("layoutGraph() orders a column by where the dependencies sit", () => {
  // y depends on the second task of column 0, x on the first: x must stay above y.
  const g = layoutGraph(["p", "q", "y", "x"], [dep("y", "q"), dep("x", "p")]);
  const row = Object.fromEntries(g.nodes.map((n) => [n.id, n.row]));
  assert.deepEqual([row.x, row.y], [0, 1]);
});

Deno.test("layoutGraph() marks only the edges between consecutive critical-path tasks", () => {
  const g = layoutGraph(["a", "b", "c"], [dep("b", "a"), dep("c", "b"), dep("c", "a")], {
    criticalPath: ["a", "b", "c"],
  });
  const critical = g.edges.filter((e) => e.critical).map((e) => `${e.from}>${e.to}`).sort();
  assert.deepEqual(critical, ["a>b", "b>c"]);
  assert.deepEqual([...criticalEdgeKeys(["x"])], []);
});

Deno.test("layoutGraph() of nothing is empty", () => {
  assert.deepEqual(layoutGraph([], []), { nodes: [], edges: [], width: 0, height: 0 });
});
