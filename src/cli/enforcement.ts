/**
 * Orchestration enforcement at the command line: the checks (TM_AGENT_ID, a reachable `tm`,
 * an initialised database), the original's guidance text, and the guard that a guarded
 * command passes before it runs when the level is standard or strict. Loaded only then, and
 * by the enforcement commands: at the default level (advisory) nothing here runs.
 *
 * @module
 */

import { type EnforcementLevel, guardAction, type Violation } from "../core/enforcement.ts";
import { TmError } from "../core/errors.ts";
import type { DatabaseTarget } from "../core/database_target.ts";
import { databaseExists, type DataLocation } from "../files/data_dir.ts";
import { tmReachable } from "../files/executables.ts";
import type { Io } from "./io.ts";

/** What the checks look at. */
export interface EnforcementScope {
  io: Io;
  location: DataLocation;
  /** The project's database: a PostgreSQL one counts as initialised (it is not probed). */
  target?: DatabaseTarget;
}

/** The violations of the orchestration context, in the original's order. */
export async function findViolations(scope: EnforcementScope): Promise<Violation[]> {
  const { io, location, target } = scope;
  const violations: Violation[] = [];
  // Only the variable counts, as in the original: --agent-id names one command's agent, not
  // the agent a session runs as.
  if ((io.env("TM_AGENT_ID") ?? "").trim() === "") violations.push("missing_agent_id");
  if (!await tmReachable(io.cwd(), io.env("PATH"))) violations.push("missing_tm_executable");
  if (target?.engine !== "postgres" && !await databaseExists(location)) {
    violations.push("uninitialized_database");
  }
  return violations;
}

const PROBLEMS: Record<Violation, readonly string[]> = {
  missing_agent_id: [
    "❌ Problem: TM_AGENT_ID not set",
    "   Impact: work is recorded as the default agent; agents cannot tell each other apart",
    '   Fix: export TM_AGENT_ID="your_agent_name"',
    '   Example: export TM_AGENT_ID="backend_specialist"',
  ],
  missing_tm_executable: [
    "❌ Problem: tm executable not found",
    "   Impact: agents started here cannot run tm by name",
    "   Fix: install tm on PATH (scripts/install.sh, npm install -g) or put an executable ./tm here",
    "   Check: ls -la ./tm or which tm",
  ],
  uninitialized_database: [
    "❌ Problem: Task Orchestrator database not initialized",
    "   Impact: no tasks, no shared context",
    "   Fix: tm init",
    "   Verify: tm list should work without errors",
  ],
};

/** The one-line name of each violation, for error lines and JSON. */
const VIOLATION_SUMMARY: Record<Violation, string> = {
  missing_agent_id: "TM_AGENT_ID not set",
  missing_tm_executable: "tm executable not found",
  uninitialized_database: "database not initialized",
};

/** `violations` as one comma-separated line of their summaries. */
export function violationList(violations: readonly Violation[]): string {
  return violations.map((v) => VIOLATION_SUMMARY[v]).join(", ");
}

/** The original's guidance block for `violations` (none: the all-clear line). */
export function guidanceText(violations: readonly Violation[]): string {
  if (violations.length === 0) return "✅ Orchestration context is valid";
  return [
    "🚨 ORCHESTRATION ENFORCEMENT VIOLATIONS DETECTED",
    "",
    ...violations.flatMap((v) => [...PROBLEMS[v], ""]),
    "💡 Why This Matters:",
    "   Each agent's own name keeps claims, shared context and private notes apart",
    "",
    "🔧 Quick Fix: tm fix-orchestration --interactive",
    "📚 Learn More: tm help enforcement",
  ].join("\n");
}

/** Whether CI is set (CI, GITHUB_ACTIONS): no one answers questions there, a terminal or not. */
function inCi(io: Io): boolean {
  return ["CI", "GITHUB_ACTIONS"].some((name) => {
    const value = io.env(name);
    return value !== undefined && value !== "" && value !== "false" && value !== "0";
  });
}

function blocked(
  command: string,
  level: EnforcementLevel,
  violations: readonly Violation[],
): TmError {
  return new TmError(
    "validation",
    `${command} blocked by orchestration enforcement (${level}): ` +
      violationList(violations),
    {
      hint: "see tm validate-orchestration, or lower the level: " +
        "tm config --enforcement-level advisory",
      details: { enforcement_level: level, violations: [...violations] },
    },
  );
}

/**
 * Run the guard of a guarded command at `level` (standard or strict): with violations,
 * print the guidance on stderr (stdout keeps the command's result) and block (exit 5), or,
 * at standard on a terminal, ask whether to go on anyway.
 */
export async function guardCommand(
  scope: EnforcementScope & { command: string; level: EnforcementLevel; json: boolean },
): Promise<void> {
  const { io, command, level, json } = scope;
  const violations = await findViolations(scope);
  const interactive = !inCi(io);
  const action = guardAction(level, violations, interactive);
  if (action === "proceed") return;
  if (!json) io.stderr(`${guidanceText(violations)}\n\n`);
  if (action === "ask") {
    const answer = io.confirm?.("Continue anyway?");
    if (answer === true) return;
    if (answer === false) throw blocked(command, level, violations);
    // undefined: stdin is not a terminal after all, so nobody can answer.
  }
  if (!json) {
    io.stderr(
      level === "strict"
        ? "🚫 Command blocked due to orchestration violations\n"
        : "Non-interactive environment detected; command blocked in STANDARD mode.\n" +
          "Fix the problems above, or lower the level: tm config --enforcement-level advisory\n",
    );
  }
  throw blocked(command, level, violations);
}

/** `tm config --show-enforcement`: the original's status lines and their JSON. */
export async function enforcementStatus(
  scope: EnforcementScope & { level: EnforcementLevel },
): Promise<{ lines: string[]; data: Record<string, unknown> }> {
  const violations = await findViolations(scope);
  const active = scope.level !== "advisory";
  return {
    lines: [
      `Enforcement Level: ${scope.level}`,
      `Currently Active: ${active ? "Yes" : "No"}`,
      violations.length === 0
        ? "✅ Orchestration Context: Valid"
        : `❌ Violations Found: ${violations.length} (${violationList(violations)})`,
    ],
    data: {
      level: scope.level,
      active,
      valid: violations.length === 0,
      violations,
    },
  };
}
