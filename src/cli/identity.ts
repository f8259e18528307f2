/**
 * Who is acting: `--agent-id`, else `TM_AGENT_ID`, else a stable per-user default.
 *
 * @module
 */

import { validateAgentName } from "../core/task.ts";

/** The acting agent and where its name came from. */
export interface Identity {
  agent: string;
  source: "flag" | "env" | "default";
}

/** A valid agent name derived from the login name, stable for one user. */
export function defaultAgentName(user: string | undefined): string {
  const cleaned = (user ?? "").replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 64).replace(/^\.+$/, "");
  return cleaned === "" ? "agent" : cleaned;
}

/** Resolve the acting agent. An invalid explicit name is a validation error. */
export function resolveIdentity(
  flag: string | undefined,
  env: (name: string) => string | undefined,
): Identity {
  if (flag !== undefined) return { agent: validateAgentName(flag, "--agent-id"), source: "flag" };
  const fromEnv = env("TM_AGENT_ID");
  if (fromEnv !== undefined && fromEnv !== "") {
    return { agent: validateAgentName(fromEnv, "TM_AGENT_ID"), source: "env" };
  }
  return {
    agent: defaultAgentName(env("USER") ?? env("LOGNAME") ?? env("USERNAME")),
    source: "default",
  };
}
