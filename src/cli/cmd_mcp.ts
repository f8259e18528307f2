/**
 * `tm mcp`: serve tm's tools to an MCP client (Claude Code, Codex, Cursor, …) over stdio.
 * Everything of the protocol lives in src/mcp/, loaded only by this command.
 *
 * @module
 */

import { McpSession } from "../mcp/server.ts";
import { serveStdio } from "../mcp/stdio.ts";
import { defineCommand } from "./command.ts";
import { resolveIdentity } from "./identity.ts";

/** The `mcp` command. */
export const mcpCommand = defineCommand({
  name: "mcp",
  usage: `Usage: tm mcp

Serve tm to an MCP client over stdio (newline-delimited JSON-RPC 2.0; logs on stderr only).
Eight tools: prime, ready, claim, show, add, update, complete, share; and the prompt
"prime". Each tool's result is the --json document of the matching tm command, and a
failure is its --json error object (code, message, hint, retryable) with isError set.
The tools act as TM_AGENT_ID (or --agent-id): set one name per agent session. The server
ends when its input closes. Configuration for Claude Code, Codex and Cursor: docs/mcp.md,
or tm onboard --mcp.

Example:
  claude mcp add tm --env TM_AGENT_ID=claude-1 -- tm mcp`,
  options: {},
  args: [],
  async run({ io, location, agentId }) {
    const identity = resolveIdentity(agentId, (key) => io.env(key));
    if (identity.source === "default") {
      io.stderr(`tm: TM_AGENT_ID not set: acting as "${identity.agent}"\n`);
    }
    const session = new McpSession({
      agent: identity.agent,
      ...(location.source === "override" ? { db: location.dbPath } : {}),
      cwd: io.cwd(),
      env: (key) => io.env(key),
      now: () => io.now(),
      log: (text) => io.stderr(text),
    });
    const input = io.stdinStream?.() ?? new Blob([]).stream();
    await serveStdio(session, input, {
      write: (line) => io.stdout(line),
      ...(io.stdoutClosed === undefined ? {} : { closed: io.stdoutClosed }),
    });
    return { data: {}, text: "", streamed: true };
  },
});
