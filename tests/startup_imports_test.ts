import assert from "node:assert/strict";
import { MAIN } from "./_cli.ts";

interface ModuleInfo {
  specifier: string;
  dependencies?: Array<{ code?: { specifier: string }; isDynamic?: boolean }>;
}

/** Every module main.ts loads at start-up: its static import graph, without dynamic imports. */
async function staticGraph(): Promise<Set<string>> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", MAIN],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  const info = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    roots: string[];
    modules: ModuleInfo[];
  };
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const queue = [...info.roots];
  while (queue.length > 0) {
    const specifier = queue.pop()!;
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    for (const dep of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (dep.isDynamic !== true && dep.code !== undefined) queue.push(dep.code.specifier);
    }
  }
  return seen;
}

Deno.test("start-up (every command, hot ones included) never statically loads npm:yaml", async () => {
  const graph = await staticGraph();
  assert.ok([...graph].some((s) => s.endsWith("/src/cli/cmd_collab.ts")), "graph walked");
  const yaml = [...graph].filter((s) => /yaml/i.test(s) && !s.startsWith("file:"));
  assert.deepEqual(yaml, []);
});
