/**
 * What every use case receives: the store, the acting agent and the clock.
 *
 * @module
 */

import type { Store } from "../store/store.ts";
import type { DataLocation } from "../files/data_dir.ts";

/** Default lease length of a claim (30 minutes). */
export const DEFAULT_LEASE_TTL_MS = 30 * 60_000;

/** The environment of one command. */
export interface AppContext {
  store: Store;
  /** The acting agent (`TM_AGENT_ID` / `--agent-id`, or the per-user default). */
  agent: string;
  /** Where the project's files live. */
  location: DataLocation;
  /** The current time; injected so tests can move it. */
  now: () => Date;
  /** Lease length for claims when `--ttl` is not given. */
  leaseTtlMs: number;
}

/** The current time of `ctx` as ISO 8601 UTC. */
export function nowIso(ctx: Pick<AppContext, "now">): string {
  return ctx.now().toISOString();
}
