/**
 * `tm agent register|list|show|remove`: agents and what they can do, for routing.
 *
 * @module
 */

import { listAgents, registerAgent, removeAgent, showAgent } from "../app/agents.ts";
import { parseCapabilities } from "../core/capability.ts";
import { usageError } from "../core/errors.ts";
import { defineCommand } from "./command.ts";
import { taskLine } from "./output.ts";

function capabilityText(capabilities: readonly string[]): string {
  return capabilities.length === 0 ? "(no capabilities)" : capabilities.join(", ");
}

/** The `agent` command family. */
export const agentCommand = defineCommand({
  name: "agent",
  usage: `Usage: tm agent register NAME [--capability C]...
       tm agent list
       tm agent show NAME
       tm agent remove NAME

Agents are routed by capability: tm ready, tm claim and tm worker offer an agent only
tasks whose required capabilities (tm add --capability) it has registered. A task that
needs no capability is offered to everyone; an unregistered agent has no capabilities.

register: create NAME, or replace its capabilities (prints "Agent <name> registered").
list:     every registered agent and its capabilities.
show:     one agent, its capabilities and the tasks it holds (exit 3 if unknown).
remove:   forget NAME's registration; its claims and history stay (exit 3 if unknown).`,
  options: {
    capability: {
      type: "string",
      multiple: true,
      value: "C",
      help: "(register) a capability, e.g. python, frontend, db:postgres;\n" +
        "repeatable or comma-separated; lowercase",
    },
  },
  notes: `Examples:
  tm agent register backend-1 --capability python --capability db
  TM_AGENT_ID=backend-1 tm claim`,
  args: ["register|list|show|remove"],
  optionalArgs: ["NAME"],
  authors: true,
  async run({ args, flags, app }) {
    const [action, name] = args as [string, string | undefined];
    const capabilities = flags.capability;
    if (action !== "register" && capabilities.length > 0) {
      throw usageError(`agent ${action}: --capability only goes with "tm agent register"`);
    }
    if (action === "list") {
      if (name !== undefined) throw usageError(`agent list: unexpected argument "${name}"`);
      const agents = await listAgents(await app());
      return {
        data: { agents, count: agents.length },
        text: agents.length === 0
          ? "No agents registered"
          : agents.map((a) => `${a.name}: ${capabilityText(a.capabilities)}`).join("\n"),
      };
    }
    if (name === undefined) {
      throw usageError(`agent ${action}: missing argument NAME`, "see tm help agent");
    }
    if (action === "register") {
      const result = await registerAgent(await app(), name, parseCapabilities(capabilities));
      return {
        data: { ...result },
        text: `Agent ${result.agent.name} ${result.created ? "registered" : "updated"}: ${
          capabilityText(result.agent.capabilities)
        }`,
      };
    }
    if (action === "show") {
      const { agent, held } = await showAgent(await app(), name);
      return {
        data: { agent, held },
        text: [
          `name: ${agent.name}`,
          `capabilities: ${capabilityText(agent.capabilities)}`,
          `registered_at: ${agent.registered_at}`,
          `registered_by: ${agent.registered_by}`,
          `held: ${held.length === 0 ? "none" : ""}`,
          ...held.map((t) => `  ${taskLine(t)} until ${t.lease_expires_at}`),
        ].join("\n"),
      };
    }
    if (action === "remove" || action === "rm") {
      await removeAgent(await app(), name);
      return { data: { removed: name }, text: `Agent ${name} removed` };
    }
    throw usageError(
      `agent: unknown action "${action}"`,
      'use "tm agent register", "list", "show" or "remove"',
    );
  },
});
