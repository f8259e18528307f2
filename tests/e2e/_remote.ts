/**
 * A `tm serve` process for the remote-mode end-to-end tests, and tokens for its agents.
 *
 * @module
 */

import { spawnTm, tm, type TmProcess } from "../_cli.ts";

/** A running `tm serve` process on a project. */
export interface ServeProcess extends AsyncDisposable {
  url: string;
  port: number;
  process: TmProcess;
  /** A fresh token for `agent` (scope write unless told). */
  token(agent: string, scope?: string): Promise<string>;
  /** SIGKILL the server and wait for it to end. */
  kill(): Promise<void>;
}

/** Start `tm serve` on `cwd` (an initialised project) on a free loopback port, or on `port`. */
export async function startServe(
  cwd: string,
  options: { port?: number; extra?: string[]; env?: Record<string, string> } = {},
): Promise<ServeProcess> {
  const process = spawnTm(
    ["serve", "--port", String(options.port ?? 0), "--json", ...(options.extra ?? [])],
    { cwd, env: { TM_AGENT_ID: "server", ...options.env } },
  );
  const line = await process.nextLine();
  if (line === null) throw new Error(`tm serve did not start: ${(await process.finish()).stderr}`);
  const { url, port } = JSON.parse(line) as { url: string; port: number };
  let ended = false;
  const stop = async (signal: Deno.Signal) => {
    if (ended) return;
    ended = true;
    process.kill(signal);
    await process.finish();
  };
  return {
    url,
    port,
    process,
    async token(agent, scope = "write") {
      const created = await tm(["token", "create", agent, "--scope", scope, "--json"], { cwd });
      if (created.code !== 0) throw new Error(created.stderr);
      return JSON.parse(created.stdout).secret as string;
    },
    kill: () => stop("SIGKILL"),
    [Symbol.asyncDispose]: () => stop("SIGTERM"),
  };
}
