/**
 * Dependency-graph rules: cycle detection for one new edge and for a whole set of tasks.
 * Pure: the caller supplies the edges.
 *
 * @module
 */

/**
 * Find the cycle that the edge "`taskId` depends on `dependsOnId`" would create.
 *
 * Walks the existing "depends on" edges from `dependsOnId`; if `taskId` is reachable the
 * new edge closes a cycle. Returns the cycle as ids, starting and ending with `taskId`, or
 * `null` when the edge is safe.
 *
 * @example
 * ```ts
 * import { findCycleForEdge } from "./graph.ts";
 * const deps: Record<string, string[]> = { b: ["a"] }; // b depends on a
 * findCycleForEdge("a", "b", (id) => deps[id] ?? []); // ["a", "b", "a"]
 * ```
 */
export function findCycleForEdge(
  taskId: string,
  dependsOnId: string,
  dependenciesOf: (id: string) => readonly string[],
): string[] | null {
  if (taskId === dependsOnId) return [taskId, taskId];
  const parent = new Map<string, string | null>([[dependsOnId, null]]);
  const queue = [dependsOnId];
  for (let head = 0; head < queue.length; head++) {
    const current = queue[head]!;
    for (const next of dependenciesOf(current)) {
      if (parent.has(next)) continue;
      parent.set(next, current);
      if (next === taskId) {
        const path: string[] = [];
        for (let at: string | null = next; at !== null; at = parent.get(at) ?? null) {
          path.push(at);
        }
        // path runs taskId <- ... <- dependsOnId; the cycle reads taskId -> dependsOnId -> ... -> taskId
        return [taskId, ...path.reverse()];
      }
      queue.push(next);
    }
  }
  return null;
}

/**
 * Find any cycle in a graph given as `id -> ids it depends on`. Returns one cycle (first id
 * repeated at the end) or `null`. Iterative, so deep chains do not overflow the stack.
 */
export function findAnyCycle(edges: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, 1 | 2>(); // 1 = on the current path, 2 = done
  for (const start of edges.keys()) {
    if (state.has(start)) continue;
    const stack: Array<{ id: string; next: number }> = [{ id: start, next: 0 }];
    state.set(start, 1);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const deps = edges.get(frame.id) ?? [];
      if (frame.next >= deps.length) {
        state.set(frame.id, 2);
        stack.pop();
        continue;
      }
      const dep = deps[frame.next++]!;
      const seen = state.get(dep);
      if (seen === 1) {
        const from = stack.findIndex((f) => f.id === dep);
        return [...stack.slice(from).map((f) => f.id), dep];
      }
      if (seen === undefined) {
        state.set(dep, 1);
        stack.push({ id: dep, next: 0 });
      }
    }
  }
  return null;
}

/** Format a cycle for an error message: `a1b2c3d4 -> e5f6a7b8 -> a1b2c3d4`. */
export function formatCycle(cycle: readonly string[]): string {
  return cycle.join(" -> ");
}
