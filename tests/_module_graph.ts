/**
 * The module graph Deno sees (`deno info --json`) of a set of modules, for the tests that
 * check start-up cost (e2e/startup_imports_test.ts) and the layer rules (layers_test.ts).
 *
 * @module
 */

import assert from "node:assert/strict";

/** One module of the graph and what it imports. */
export interface ModuleInfo {
  specifier: string;
  /** `code`: a value import (static or dynamic); `type`: an `import type` only. */
  dependencies?: Array<
    { code?: { specifier: string }; type?: { specifier: string }; isDynamic?: boolean }
  >;
}

/** The graph of everything the modules at `paths` (file paths or URLs) import, by specifier. */
export async function moduleGraph(paths: readonly string[]): Promise<Map<string, ModuleInfo>> {
  const entry = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(entry, paths.map((path) => `import "${path}";`).join("\n"));
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    const info = JSON.parse(new TextDecoder().decode(output.stdout)) as { modules: ModuleInfo[] };
    return new Map(info.modules.map((m) => [m.specifier, m]));
  } finally {
    await Deno.remove(entry);
  }
}
