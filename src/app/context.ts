/**
 * What every use case receives: the store, the acting agent, the clock, and the ports to
 * the files beside the database (the shared-context mirror, the feature configuration).
 * The composition root (src/cli/run.ts) builds it; unit tests build it in memory.
 *
 * @module
 */

import type { ContextEntry } from "../core/collaboration.ts";
import type { Config } from "../core/features.ts";
import type { Store } from "../store/store.ts";
import type { DataLocation } from "../files/data_dir.ts";

/** The YAML mirror of each task's shared context (`shared_context/task_<id>.yaml`). */
export interface ContextMirror {
  /** Rewrite a task's mirror from its entries; returns the file's path. */
  write(
    task: { task_id: string; title: string },
    entries: readonly ContextEntry[],
  ): Promise<string>;
  /** Remove a deleted task's mirror (absent already is fine). */
  remove(taskId: string): Promise<void>;
}

/** Default longest lease a claim, heartbeat or import may set (24 hours; TM_MAX_LEASE). */
export const DEFAULT_MAX_LEASE_MS = 24 * 3_600_000;

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
  /** Longest lease a claim, heartbeat or import may set; {@link DEFAULT_MAX_LEASE_MS} when absent. */
  maxLeaseMs?: number;
  /** The shared-context mirror; absent, nothing is mirrored (unit tests). */
  mirror?: ContextMirror;
  /**
   * The feature configuration, read on first use only (hot commands that use no gated
   * feature never read the file); absent, the defaults apply (unit tests).
   */
  features?: () => Promise<Config>;
}

/** The current time of `ctx` as ISO 8601 UTC. */
export function nowIso(ctx: Pick<AppContext, "now">): string {
  return ctx.now().toISOString();
}
