/**
 * An in-memory application context with a clock tests can move, for unit tests of use cases.
 *
 * @module
 */

import { openSqliteStore } from "../store/sqlite.ts";
import type { AppContext } from "./context.ts";

/** A context on a fresh in-memory store; `advance(ms)` moves its clock. */
export interface TestContext extends AppContext {
  advance(ms: number): void;
  /** The same store and clock, acting as another agent. */
  as(agent: string): AppContext;
}

/** Create a {@link TestContext} acting as `agent`, starting at 2026-01-01T00:00:00Z. */
export async function testContext(agent = "tester"): Promise<TestContext> {
  let now = Date.parse("2026-01-01T00:00:00.000Z");
  const store = await openSqliteStore({ path: ":memory:" });
  const base: AppContext = {
    store,
    agent,
    location: { dataDir: "/nonexistent", dbPath: ":memory:", source: "override" },
    now: () => new Date(now),
    leaseTtlMs: 30 * 60_000,
  };
  return {
    ...base,
    advance(ms: number) {
      now += ms;
    },
    as(other: string) {
      return { ...base, agent: other };
    },
  };
}
