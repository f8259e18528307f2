/**
 * The critical path: the longest chain of dependencies weighted by estimated hours. Pure
 * graph math (Kahn's topological order, then a longest-path pass); the caller supplies the
 * open tasks and the edges between them.
 *
 * @module
 */

/** A task in the critical-path graph. */
export interface PathNode {
  id: string;
  /** Estimated hours; a task without an estimate weighs 0. */
  hours: number;
}

/** A dependency edge: `task_id` depends on `depends_on_id`. */
export interface PathEdge {
  task_id: string;
  depends_on_id: string;
}

/** The longest chain, first task (no open dependencies) to last. */
export interface CriticalPath {
  ids: string[];
  total_hours: number;
}

/**
 * Find the longest chain by total hours (ties: more tasks, then earlier in input order).
 * Edges to unknown tasks are ignored; tasks on a cycle (which tm refuses to create) are
 * left out rather than looping.
 *
 * @example
 * ```ts
 * import { criticalPath } from "./critical_path.ts";
 * criticalPath(
 *   [{ id: "a", hours: 2 }, { id: "b", hours: 3 }, { id: "c", hours: 1 }],
 *   [{ task_id: "b", depends_on_id: "a" }],
 * ); // { ids: ["a", "b"], total_hours: 5 }
 * ```
 */
export function criticalPath(
  nodes: readonly PathNode[],
  edges: readonly PathEdge[],
): CriticalPath {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const dependents: number[][] = nodes.map(() => []);
  const waiting = nodes.map(() => 0);
  for (const edge of edges) {
    const from = index.get(edge.depends_on_id);
    const to = index.get(edge.task_id);
    if (from === undefined || to === undefined) continue;
    dependents[from]!.push(to);
    waiting[to]!++;
  }
  // best[i]: heaviest chain ending at i (hours, length) and where it came from.
  const hours = nodes.map((n) => n.hours);
  const length = nodes.map(() => 1);
  const previous: Array<number | null> = nodes.map(() => null);
  const queue = nodes.map((_, i) => i).filter((i) => waiting[i] === 0);
  for (let head = 0; head < queue.length; head++) {
    const at = queue[head]!;
    for (const next of dependents[at]!) {
      const viaHours = hours[at]! + nodes[next]!.hours;
      const viaLength = length[at]! + 1;
      if (
        previous[next] === null && viaHours >= hours[next]! ||
        viaHours > hours[next]! || (viaHours === hours[next]! && viaLength > length[next]!)
      ) {
        hours[next] = viaHours;
        length[next] = viaLength;
        previous[next] = at;
      }
      if (--waiting[next]! === 0) queue.push(next);
    }
  }
  let end: number | null = null;
  for (const i of queue) {
    if (
      end === null || hours[i]! > hours[end]! ||
      (hours[i] === hours[end] && length[i]! > length[end]!)
    ) end = i;
  }
  if (end === null) return { ids: [], total_hours: 0 };
  const ids: string[] = [];
  for (let at: number | null = end; at !== null; at = previous[at]!) ids.push(nodes[at]!.id);
  return { ids: ids.reverse(), total_hours: hours[end]! };
}
