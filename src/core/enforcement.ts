/**
 * Orchestration enforcement, as the original Task Orchestrator had it: a level stored in the
 * project's config, the three things an orchestrated agent needs (its own name in
 * TM_AGENT_ID, a reachable `tm`, an initialised database) and what a guarded command does
 * when one is missing. Pure: the checks themselves are in src/cli/enforcement.ts.
 *
 * @module
 */

import { validationError } from "./errors.ts";

/** The enforcement levels, strictest first. */
export const ENFORCEMENT_LEVELS = ["strict", "standard", "advisory"] as const;
/** An enforcement level. */
export type EnforcementLevel = typeof ENFORCEMENT_LEVELS[number];

/**
 * tm's default: advisory. A guarded command runs as the default agent with a one-line note
 * on stderr, as tm always did (the original defaulted to standard).
 */
export const DEFAULT_ENFORCEMENT_LEVEL: EnforcementLevel = "advisory";

/** Whether `value` is a level name as stored. */
export function isEnforcementLevel(value: unknown): value is EnforcementLevel {
  return (ENFORCEMENT_LEVELS as readonly unknown[]).includes(value);
}

/** Parse a level typed by a user: the original's error text when it is not one. */
export function parseEnforcementLevel(value: string): EnforcementLevel {
  if (isEnforcementLevel(value)) return value;
  throw validationError(
    `Invalid level - use: strict, standard, or advisory (got "${value}")`,
    "tm config --enforcement-level strict|standard|advisory",
  );
}

/**
 * `--enforce-usage true|false` (and `--enforce-orchestration`): true is the original's
 * "enabled" (standard), false its "disabled" (advisory).
 */
export function levelFromSwitch(flag: string, value: string): EnforcementLevel {
  const answer = value.trim().toLowerCase();
  if (answer === "true") return "standard";
  if (answer === "false") return "advisory";
  throw validationError(`Use ${flag} true|false (got "${value}")`);
}

/** What an orchestrated agent lacks. */
export type Violation = "missing_agent_id" | "missing_tm_executable" | "uninitialized_database";

/** What a guarded command does about violations at a level. */
export type GuardAction = "proceed" | "ask" | "block";

/**
 * Decide for a guarded command: nothing missing, or advisory, proceeds; strict blocks;
 * standard asks on a terminal and blocks everywhere else (a script cannot answer).
 */
export function guardAction(
  level: EnforcementLevel,
  violations: readonly Violation[],
  interactive: boolean,
): GuardAction {
  if (violations.length === 0 || level === "advisory") return "proceed";
  if (level === "strict") return "block";
  return interactive ? "ask" : "block";
}
