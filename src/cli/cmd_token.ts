/**
 * `tm token create|list|revoke`: the API tokens of `tm serve`.
 *
 * @module
 */

import { createToken, listTokens, revokeToken } from "../app/tokens.ts";
import { parseScope } from "../core/token.ts";
import { usageError } from "../core/errors.ts";
import { defineCommand } from "./command.ts";

/** The `token` command family. */
export const tokenCommand = defineCommand({
  name: "token",
  usage: `Usage: tm token create AGENT [--scope read|write|admin]
       tm token list
       tm token revoke ID

API tokens for tm serve. A request that carries "Authorization: Bearer TOKEN" acts as the
token's AGENT, with its scope: read (look only), write (everything an agent does), admin
(also manage tokens and other agents' registrations). Nobody can act as another agent, or
read another agent's private notes, through the server.

create: make a token and print it. It is shown this once: only its SHA-256 hash is
        stored. Prints the token's ID (for revoking) and the token.
list:   every token (id, agent, scope, created, revoked), never the tokens themselves.
revoke: stop a token from working at once (exit 3 if there is no such ID).`,
  options: {
    scope: { type: "string", value: "S", help: "(create) read | write | admin (default write)" },
  },
  args: ["create|list|revoke"],
  optionalArgs: ["AGENT|ID"],
  authors: true,
  async run({ args, flags, app }) {
    const [action, name] = args as [string, string | undefined];
    const scope = flags.scope;
    if (action !== "create" && scope !== undefined) {
      throw usageError(`token ${action}: --scope only goes with "tm token create"`);
    }
    if (action === "list") {
      if (name !== undefined) throw usageError(`token list: unexpected argument "${name}"`);
      const tokens = await listTokens(await app());
      return {
        data: { tokens, count: tokens.length },
        text: tokens.length === 0
          ? "No tokens"
          : tokens.map((t) =>
            `${t.id} ${t.agent} ${t.scope} created ${t.created_at} by ${t.created_by}${
              t.revoked_at === null ? "" : ` (revoked ${t.revoked_at})`
            }`
          ).join("\n"),
      };
    }
    if (action === "create") {
      if (name === undefined) throw usageError("token create: missing argument AGENT");
      const created = await createToken(await app(), {
        agent: name,
        scope: parseScope(scope ?? "write"),
      });
      const t = created.token;
      return {
        data: { ...created },
        text: [
          `Token ${t.id} created for agent ${t.agent} (scope ${t.scope}); it is shown only now:`,
          created.secret,
        ].join("\n"),
      };
    }
    if (action === "revoke") {
      if (name === undefined) throw usageError("token revoke: missing argument ID");
      const token = await revokeToken(await app(), name);
      return { data: { token }, text: `Token ${token.id} revoked` };
    }
    throw usageError(`token: unknown action "${action}"`, 'use "create", "list" or "revoke"');
  },
});
