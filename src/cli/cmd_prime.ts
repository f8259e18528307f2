/**
 * `tm prime` (a compact session briefing for an agent) and `tm onboard` (the snippet for a
 * project's AGENTS.md / CLAUDE.md).
 *
 * @module
 */

import { type Briefing, primeBriefing } from "../app/prime.ts";
import type { Task } from "../core/task.ts";
import { defineCommand } from "./command.ts";
import { oneLine } from "./output.ts";

/** Cut user text to `max` characters on one line, so the briefing stays small. */
function clip(text: string, max: number): string {
  const line = oneLine(text);
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

function minutesLeft(until: string | null, now: string): string {
  if (until === null) return "no lease";
  const minutes = Math.round((Date.parse(until) - Date.parse(now)) / 60_000);
  return minutes < 0
    ? `lease ENDED ${until.slice(11, 16)}Z`
    : `lease until ${until.slice(11, 16)}Z (${minutes}m left)`;
}

function compactTask(task: Task): Record<string, unknown> {
  return {
    id: task.id,
    title: clip(task.title, 80),
    priority: task.priority,
    status: task.status,
    lease_expires_at: task.lease_expires_at,
  };
}

/** The five commands an agent most likely needs next, given what it holds. */
function nextCommands(b: Briefing): string[] {
  const held = b.held[0]?.id;
  if (held !== undefined) {
    return [
      `tm show ${held}              # details, criteria, dependencies`,
      `tm heartbeat ${held}         # renew the lease while you work (any write renews it)`,
      `tm share ${held} "MESSAGE"   # tell the other agents what you found`,
      `tm complete ${held}          # done (criteria met); unblocks dependents`,
      `tm release ${held}           # give it back if you cannot finish`,
    ];
  }
  return [
    "tm claim                  # take the best ready task for you (with a lease)",
    "tm show ID                # details, criteria, dependencies",
    "tm ready --explain ID     # why a task is not offered to you",
    'tm add "TITLE" --depends-on ID   # record new work you discover',
    "tm complete ID            # done (criteria met); unblocks dependents",
  ];
}

function briefingText(b: Briefing): string {
  const who = b.registered
    ? `capabilities: ${b.capabilities.length === 0 ? "none" : b.capabilities.join(", ")}`
    : "not registered: offered only tasks that need no capability";
  const lines = [`# tm briefing for ${b.agent} (${who})`, ""];
  lines.push(`## Held by you${b.held.length === 0 ? ": none" : ""}`);
  for (const t of b.held) {
    lines.push(`- [${t.id}] ${clip(t.title, 80)} - ${minutesLeft(t.lease_expires_at, b.now)}`);
  }
  if (b.held_more) lines.push("- … more: tm list --status in_progress");
  lines.push("", `## Ready for you${b.ready.length === 0 ? ": none" : " (best first)"}`);
  for (const t of b.ready) lines.push(`- [${t.id}] ${clip(t.title, 80)} (${t.priority})`);
  lines.push("", `## Notifications: ${b.unread_count} unread`);
  for (const n of b.notifications) {
    lines.push(`- [${n.type}]${n.priority === "high" ? " !" : ""} ${clip(n.message, 140)}`);
  }
  lines.push("", "## Next", ...nextCommands(b));
  return lines.join("\n");
}

/** The `prime` command. */
export const primeCommand = defineCommand({
  name: "prime",
  usage: `Usage: tm prime

A compact briefing (well under 1.5k tokens, whatever the size of the project) to start an
agent session with: who you are and your capabilities, the tasks you hold with their
leases, the best ready tasks for you, your unread notification count and the latest few,
and the five commands to use next. Reads only: nothing is marked read. Wire it into a
session-start hook (see docs/agents.md); tm onboard prints a snippet for AGENTS.md.`,
  options: {},
  args: [],
  async run({ app }) {
    const b = await primeBriefing(await app());
    return {
      data: {
        agent: b.agent,
        registered: b.registered,
        capabilities: b.capabilities,
        held: b.held.map(compactTask),
        held_more: b.held_more,
        ready: b.ready.map(compactTask),
        unread_count: b.unread_count,
        notifications: b.notifications.map((n) => ({
          id: n.id,
          type: n.type,
          priority: n.priority,
          task_id: n.task_id,
          message: clip(n.message, 140),
          created_at: n.created_at,
        })),
        next_commands: nextCommands(b).map((c) => c.replace(/\s+#.*$/, "")),
      },
      text: briefingText(b),
    };
  },
});

/** The snippet `tm onboard` prints. */
export const ONBOARD_SNIPPET = `## Task orchestration (tm)

This project coordinates agents with \`tm\`. Set \`TM_AGENT_ID\` to a stable name for your
session. At the start of a session run \`tm prime\` and follow it.

- Find work: \`tm claim\` takes the best ready task you can do (a lease, default 30 min).
- While working: \`tm heartbeat ID\` renews the lease (any write renews it); \`tm share ID
  "..."\` tells others what you found; \`tm note ID "..."\` keeps private notes.
- New work you discover: \`tm add "TITLE" --depends-on ID\` (it is not yours until claimed).
- Finish: \`tm complete ID\` once its success criteria are met (\`tm show ID\` lists them);
  \`tm release ID\` if you cannot.
- Exit code 6 means someone else holds the task or your lease was lost: stop working on
  it and run \`tm claim\` again. Add \`--json\` to any command for machine-readable output.`;

/** The snippet `tm onboard --mcp` prints: how to register `tm mcp` with an MCP client. */
export const ONBOARD_MCP_SNIPPET = `## tm over MCP

Give each agent session its own TM_AGENT_ID. Claude Code:

  claude mcp add tm --env TM_AGENT_ID=agent-1 -- tm mcp

Cursor (.cursor/mcp.json), Claude Desktop and other clients (.mcp.json):

{
  "mcpServers": {
    "tm": { "command": "tm", "args": ["mcp"], "env": { "TM_AGENT_ID": "agent-1" } }
  }
}

Codex:  codex mcp add tm --env TM_AGENT_ID=agent-1 -- tm mcp   or, in ~/.codex/config.toml:

  [mcp_servers.tm]
  command = "tm"
  args = ["mcp"]
  env = { TM_AGENT_ID = "agent-1" }

Tools: prime (call first), ready, claim, show, add, update, complete, share. See docs/mcp.md.`;

/** The `onboard` command. */
export const onboardCommand = defineCommand({
  name: "onboard",
  usage: `Usage: tm onboard [--mcp]

Print a short Markdown section telling AI agents how to work with tm in this project.
Append it to AGENTS.md or CLAUDE.md:  tm onboard >> AGENTS.md`,
  options: {
    mcp: {
      type: "boolean",
      help: "instead, the configuration that adds tm mcp to Claude Code, Cursor,\n" +
        "Codex or any client with an mcpServers file (docs/mcp.md)",
    },
  },
  args: [],
  run({ flags }) {
    const snippet = flags.mcp ? ONBOARD_MCP_SNIPPET : ONBOARD_SNIPPET;
    return Promise.resolve({ data: { snippet }, text: snippet });
  },
});
