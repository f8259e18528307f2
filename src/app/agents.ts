/**
 * Use cases: registering agents and what they can do (`tm agent`), and the capability set
 * an agent is routed by.
 *
 * @module
 */

import { notFoundError } from "../core/errors.ts";
import { validateAgentName } from "../core/task.ts";
import type { Agent } from "../core/agent.ts";
import type { StoreTx } from "../store/store.ts";
import { type AppContext, nowIso } from "./context.ts";
import { recordEvent } from "./_events.ts";

/**
 * The capabilities `agent` is routed by: its registered ones (none when unregistered),
 * narrowed to `narrowTo` when that is given (`--capability` on ready, claim and worker).
 */
export async function routingCapabilities(
  tx: StoreTx,
  agent: string,
  narrowTo?: readonly string[],
): Promise<string[]> {
  const registered = (await tx.agents.get(agent))?.capabilities ?? [];
  if (narrowTo === undefined || narrowTo.length === 0) return registered;
  const wanted = new Set(narrowTo);
  return registered.filter((c) => wanted.has(c));
}

/** Register an agent (or replace the capabilities of a registered one). */
export function registerAgent(
  ctx: AppContext,
  name: string,
  capabilities: readonly string[],
): Promise<{ agent: Agent; created: boolean }> {
  const agentName = validateAgentName(name);
  return ctx.store.write(async (tx) => {
    const now = nowIso(ctx);
    const existing = await tx.agents.get(agentName);
    const agent: Agent = {
      name: agentName,
      capabilities: [...capabilities],
      registered_by: existing?.registered_by ?? ctx.agent,
      registered_at: existing?.registered_at ?? now,
      updated_at: now,
    };
    await tx.agents.upsert(agent);
    await recordEvent(tx, {
      taskId: null,
      type: existing === null ? "agent_registered" : "agent_updated",
      agent: ctx.agent,
      now,
      data: { name: agentName, capabilities: agent.capabilities },
    });
    return { agent, created: existing === null };
  });
}

/** Every registered agent, by name. */
export function listAgents(ctx: AppContext): Promise<Agent[]> {
  return ctx.store.read((tx) => tx.agents.list());
}

/** One registered agent and the tasks it holds. */
export function showAgent(ctx: AppContext, name: string) {
  return ctx.store.read(async (tx) => {
    const agent = await tx.agents.get(name);
    if (agent === null) throw unknownAgent(name);
    return { agent, held: await tx.agents.heldBy(agent.name, 50) };
  });
}

/** Remove an agent's registration (its claims and history stay). */
export function removeAgent(ctx: AppContext, name: string): Promise<void> {
  return ctx.store.write(async (tx) => {
    if (!await tx.agents.remove(name)) throw unknownAgent(name);
    await recordEvent(tx, {
      taskId: null,
      type: "agent_removed",
      agent: ctx.agent,
      now: nowIso(ctx),
      data: { name },
    });
  });
}

function unknownAgent(name: string) {
  return notFoundError(`agent "${name}" not found`, "tm agent list shows the registered agents");
}
