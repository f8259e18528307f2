/**
 * `tm tree [ID]`: the dependency tree, what blocks what, with statuses.
 *
 * @module
 */

import { taskGraph } from "../app/task_graph.ts";
import type { Task } from "../core/task.ts";
import { defineCommand } from "./command.ts";
import { oneLine } from "./output.ts";
import { statusText, type Style, styleOf } from "./terminal.ts";

/** Neighbours of each task along one direction of the edges. */
function adjacency(edges: ReadonlyArray<{ from: string; to: string }>): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { from, to } of edges) {
    const list = map.get(from) ?? [];
    list.push(to);
    map.set(from, list);
  }
  return map;
}

/** One task as a tree node. */
function node(task: Task, style: Style): string {
  return `[${task.id}] ${oneLine(task.title)} - ${statusText(style, task.status)}`;
}

/**
 * Draw the tree under `id` along `next`, with "├─ ", "└─ " guides; a task met again is
 * printed with "(see above)" instead of its subtree, so shared dependencies and long chains
 * stay finite.
 */
function draw(
  id: string,
  next: Map<string, string[]>,
  tasks: Map<string, Task>,
  style: Style,
  seen: Set<string>,
  prefix: string,
  lines: string[],
): void {
  const children = (next.get(id) ?? []).filter((c) => tasks.has(c))
    .sort((a, b) =>
      tasks.get(a)!.created_at.localeCompare(tasks.get(b)!.created_at) || a.localeCompare(b)
    );
  children.forEach((child, index) => {
    const last = index === children.length - 1;
    const again = seen.has(child);
    lines.push(
      `${prefix}${last ? "└─ " : "├─ "}${node(tasks.get(child)!, style)}${
        again ? " (see above)" : ""
      }`,
    );
    if (again) return;
    seen.add(child);
    draw(child, next, tasks, style, seen, `${prefix}${last ? "   " : "│  "}`, lines);
  });
}

/** The `tree` command. */
export const treeCommand = defineCommand({
  name: "tree",
  usage: `Usage: tm tree [ID] [--all]

Without ID: every open task that waits on nothing open, with what it blocks beneath it,
and so on down ("[<id>] <title> - <status>"; a task reached again says "(see above)").
With ID: the task, then "waits on:" the tree of its dependencies and "blocks:" the tree of
its dependents, closed tasks included.`,
  options: {
    all: { type: "boolean", help: "without ID: completed and cancelled tasks too" },
    "no-color": { type: "boolean", help: "no colour on a terminal (also NO_COLOR)" },
  },
  args: [],
  optionalArgs: ["ID"],
  async run({ args, flags, app, io }) {
    const style = styleOf(io, flags.noColor);
    const graph = await taskGraph(await app(), {
      ...(args[0] === undefined ? {} : { idInput: args[0] }),
      all: flags.all,
    });
    const blocks = adjacency(graph.edges.map((e) => ({ from: e.depends_on_id, to: e.task_id })));
    const waitsOn = adjacency(graph.edges.map((e) => ({ from: e.task_id, to: e.depends_on_id })));
    const lines: string[] = [];
    if (graph.root !== null) {
      const root = graph.root;
      lines.push(node(root, style));
      lines.push("waits on:");
      const up: string[] = [];
      draw(root.id, waitsOn, graph.tasks, style, new Set([root.id]), "  ", up);
      lines.push(...(up.length === 0 ? ["  nothing"] : up));
      lines.push("blocks:");
      const down: string[] = [];
      draw(root.id, blocks, graph.tasks, style, new Set([root.id]), "  ", down);
      lines.push(...(down.length === 0 ? ["  nothing"] : down));
      return {
        data: {
          task: root,
          depends_on: waitsOn.get(root.id) ?? [],
          dependents: blocks.get(root.id) ?? [],
          edges: graph.edges,
        },
        text: lines.join("\n"),
      };
    }
    const roots = [...graph.tasks.values()].filter((t) => (waitsOn.get(t.id) ?? []).length === 0);
    const seen = new Set<string>();
    for (const root of roots) {
      lines.push(node(root, style));
      seen.add(root.id);
      draw(root.id, blocks, graph.tasks, style, seen, "", lines);
    }
    return {
      data: { tasks: [...graph.tasks.values()], edges: graph.edges, roots: roots.map((r) => r.id) },
      text: lines.length === 0 ? "No tasks found" : lines.join("\n"),
    };
  },
});
