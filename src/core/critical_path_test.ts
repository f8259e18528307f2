import assert from "node:assert/strict";
import { criticalPath } from "./critical_path.ts";

Deno.test("criticalPath() picks the heaviest chain, not the longest one", () => {
  const nodes = [
    { id: "a", hours: 1 },
    { id: "b", hours: 1 },
    { id: "c", hours: 1 },
    { id: "x", hours: 10 },
    { id: "y", hours: 1 },
  ];
  const edges = [
    { task_id: "b", depends_on_id: "a" },
    { task_id: "c", depends_on_id: "b" },
    { task_id: "y", depends_on_id: "x" },
  ];
  assert.deepEqual(criticalPath(nodes, edges), { ids: ["x", "y"], total_hours: 11 });
});

Deno.test("criticalPath() follows a diamond through its heavier side", () => {
  const nodes = [
    { id: "top", hours: 1 },
    { id: "left", hours: 2 },
    { id: "right", hours: 5 },
    { id: "bottom", hours: 1 },
  ];
  const edges = [
    { task_id: "left", depends_on_id: "top" },
    { task_id: "right", depends_on_id: "top" },
    { task_id: "bottom", depends_on_id: "left" },
    { task_id: "bottom", depends_on_id: "right" },
  ];
  assert.deepEqual(criticalPath(nodes, edges).ids, ["top", "right", "bottom"]);
});

Deno.test("criticalPath() without estimates prefers the chain with more tasks", () => {
  const nodes = ["a", "b", "c"].map((id) => ({ id, hours: 0 }));
  const path = criticalPath(nodes, [{ task_id: "b", depends_on_id: "a" }]);
  assert.deepEqual(path, { ids: ["a", "b"], total_hours: 0 });
});

Deno.test("criticalPath() of an empty graph is empty", () => {
  assert.deepEqual(criticalPath([], []), { ids: [], total_hours: 0 });
});
