/**
 * A real `tm serve` process for end-to-end tests: started on a free port, stopped with SIGTERM.
 *
 * @module
 */

import assert from "node:assert/strict";
import { spawnTm, type TmProcess } from "./_cli.ts";

/** Start `tm serve --port 0 --json` in `cwd` (with `env` added) and return its URL once it listens. */
export async function serve(
  cwd: string,
  extra: readonly string[] = [],
  env: Record<string, string> = {},
): Promise<{ url: string; process: TmProcess }> {
  const process = spawnTm(["serve", "--port", "0", "--json", ...extra], {
    cwd,
    env: { TM_AGENT_ID: "server-agent", ...env },
  });
  const line = await process.nextLine();
  assert.ok(line !== null, "tm serve printed where it listens");
  return { url: JSON.parse(line).url, process };
}

/** Stop a server started by {@link serve}; it must exit 0. */
export async function stop(process: TmProcess): Promise<void> {
  process.kill("SIGTERM");
  const { code, stderr } = await process.finish();
  assert.equal(code, 0, stderr);
}
