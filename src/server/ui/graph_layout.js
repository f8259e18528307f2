// @ts-check
/**
 * Layered layout of the dependency graph, pure so that Deno tests can check it: a task's column
 * is one more than its deepest dependency's, rows within a column are ordered by where their
 * dependencies sit (barycenter), and edges run left to right from a dependency to its dependent.
 *
 * @module
 */

/**
 * @typedef {{ task_id: string; depends_on_id: string }} Edge
 * @typedef {{ id: string; layer: number; row: number; x: number; y: number; width: number;
 *   height: number }} PlacedNode
 * @typedef {{ from: string; to: string; d: string; critical: boolean }} PlacedEdge
 * @typedef {{ nodes: PlacedNode[]; edges: PlacedEdge[]; width: number; height: number }} Layout
 * @typedef {{ nodeWidth?: number; nodeHeight?: number; columnGap?: number; rowGap?: number;
 *   padding?: number; criticalPath?: readonly string[] }} LayoutOptions
 */

/**
 * Column of every node: 0 without dependencies (among `ids`), else 1 + the deepest dependency.
 * An edge that would close a cycle is ignored rather than looping forever.
 * @param {readonly string[]} ids
 * @param {readonly Edge[]} edges
 * @returns {Map<string, number>}
 */
export function layers(ids, edges) {
  const known = new Set(ids);
  /** @type {Map<string, string[]>} */
  const deps = new Map(ids.map((id) => [id, []]));
  for (const e of edges) {
    if (known.has(e.task_id) && known.has(e.depends_on_id) && e.task_id !== e.depends_on_id) {
      deps.get(e.task_id)?.push(e.depends_on_id);
    }
  }
  /** @type {Map<string, number>} */
  const layer = new Map();
  const visiting = new Set();
  /** @param {string} id @returns {number} */
  const depth = (id) => {
    const done = layer.get(id);
    if (done !== undefined) return done;
    if (visiting.has(id)) return -1; // a cycle: this edge does not count
    visiting.add(id);
    let d = 0;
    for (const dep of deps.get(id) ?? []) d = Math.max(d, depth(dep) + 1);
    visiting.delete(id);
    layer.set(id, d);
    return d;
  };
  for (const id of ids) depth(id);
  return layer;
}

/**
 * The edges between consecutive tasks of a critical path, as `"from>to"` keys
 * (from = the dependency, to = the dependent).
 * @param {readonly string[]} path ids, first task first
 * @returns {Set<string>}
 */
export function criticalEdgeKeys(path) {
  const keys = new Set();
  for (let i = 1; i < path.length; i++) keys.add(`${path[i - 1]}>${path[i]}`);
  return keys;
}

/**
 * Place `ids` (in their preferred order within a column) and route `edges`.
 * @param {readonly string[]} ids
 * @param {readonly Edge[]} edges
 * @param {LayoutOptions} [options]
 * @returns {Layout}
 */
export function layoutGraph(ids, edges, options = {}) {
  const w = options.nodeWidth ?? 180;
  const h = options.nodeHeight ?? 44;
  const colGap = options.columnGap ?? 56;
  const rowGap = options.rowGap ?? 14;
  const pad = options.padding ?? 12;
  const layer = layers(ids, edges);
  const known = new Set(ids);
  const inner = edges.filter((e) =>
    known.has(e.task_id) && known.has(e.depends_on_id) &&
    (layer.get(e.task_id) ?? 0) > (layer.get(e.depends_on_id) ?? 0)
  );

  /** @type {string[][]} */
  const columns = [];
  for (const id of ids) {
    const l = layer.get(id) ?? 0;
    (columns[l] ??= []).push(id);
  }
  /** @type {Map<string, number>} */
  const row = new Map();
  columns.forEach((col) => col.forEach((id, i) => row.set(id, i)));
  // One barycenter sweep left to right: a task sits near the mean row of its dependencies.
  for (let l = 1; l < columns.length; l++) {
    const col = columns[l] ?? [];
    const centre = new Map(col.map((id, i) => {
      const rows = inner.filter((e) => e.task_id === id).map((e) => row.get(e.depends_on_id) ?? 0);
      return [id, rows.length === 0 ? i : rows.reduce((a, b) => a + b, 0) / rows.length];
    }));
    col.sort((a, b) => (centre.get(a) ?? 0) - (centre.get(b) ?? 0));
    col.forEach((id, i) => row.set(id, i));
  }

  /** @type {Map<string, PlacedNode>} */
  const placed = new Map();
  columns.forEach((col, l) =>
    col.forEach((id, r) => {
      placed.set(id, {
        id,
        layer: l,
        row: r,
        x: pad + l * (w + colGap),
        y: pad + r * (h + rowGap),
        width: w,
        height: h,
      });
    })
  );
  const critical = criticalEdgeKeys(options.criticalPath ?? []);
  /** @type {PlacedEdge[]} */
  const routed = [];
  for (const e of inner) {
    const a = placed.get(e.depends_on_id);
    const b = placed.get(e.task_id);
    if (!a || !b) continue;
    const x1 = a.x + a.width, y1 = a.y + a.height / 2;
    const x2 = b.x, y2 = b.y + b.height / 2;
    const mx = (x1 + x2) / 2;
    routed.push({
      from: a.id,
      to: b.id,
      d: `M${x1} ${y1} C${mx} ${y1} ${mx} ${y2} ${x2} ${y2}`,
      critical: critical.has(`${a.id}>${b.id}`),
    });
  }
  const tallest = Math.max(0, ...columns.map((c) => c.length));
  return {
    nodes: [...placed.values()],
    edges: routed,
    width: columns.length === 0 ? 0 : pad * 2 + columns.length * w + (columns.length - 1) * colGap,
    height: tallest === 0 ? 0 : pad * 2 + tallest * h + (tallest - 1) * rowGap,
  };
}
