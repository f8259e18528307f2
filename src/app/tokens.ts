/**
 * Use cases of the API tokens of `tm serve` (`tm token create|list|revoke`, and checking a
 * token presented to the server). A token is shown once, at creation; only its SHA-256 hash
 * is stored, so a copy of the database does not give anyone the tokens.
 *
 * @module
 */

import { notFoundError } from "../core/errors.ts";
import { sha256Hex, toHex } from "../core/digest.ts";
import { validateAgentName } from "../core/task.ts";
import type { ApiToken, TokenScope } from "../core/token.ts";
import { type AppContext, nowIso } from "./context.ts";

/** Every token starts with this, so a leaked one is easy to recognise (and to scan for). */
export const TOKEN_PREFIX = "tm_";

/** A token as it is listed: everything but its hash. */
export type TokenInfo = Omit<ApiToken, "hash">;

/** What `tm token create` returns: the token's record and, this once, the token itself. */
export interface CreatedToken {
  token: TokenInfo;
  secret: string;
}

/** SHA-256 of a token, hex: what the database keeps. */
export function hashToken(secret: string): Promise<string> {
  return sha256Hex(secret);
}

function info(token: ApiToken): TokenInfo {
  const { hash: _hash, ...rest } = token;
  return rest;
}

/** Create a token acting as `agent` with `scope`; the secret is returned only here. */
export async function createToken(
  ctx: AppContext,
  input: { agent: string; scope: TokenScope },
): Promise<CreatedToken> {
  const agent = validateAgentName(input.agent, "agent name");
  // 32 random bytes: guessing is hopeless, so a plain hash (no salt, no stretching) is enough.
  const secret = `${TOKEN_PREFIX}${toHex(crypto.getRandomValues(new Uint8Array(32)))}`;
  const hash = await hashToken(secret);
  const token: ApiToken = {
    id: toHex(crypto.getRandomValues(new Uint8Array(4))),
    hash,
    agent,
    scope: input.scope,
    created_by: ctx.agent,
    created_at: nowIso(ctx),
    revoked_at: null,
  };
  await ctx.store.write((tx) => tx.tokens.insert(token));
  return { token: info(token), secret };
}

/** Every token (active and revoked), without hashes. */
export async function listTokens(ctx: AppContext): Promise<TokenInfo[]> {
  return (await ctx.store.read((tx) => tx.tokens.list())).map(info);
}

/** Revoke a token by its id (exit 3 if there is none; revoking twice is harmless). */
export function revokeToken(ctx: AppContext, id: string): Promise<TokenInfo> {
  return ctx.store.write(async (tx) => {
    const token = await tx.tokens.get(id);
    if (token === null) {
      throw notFoundError(`token "${id}" not found`, 'see "tm token list"');
    }
    const now = nowIso(ctx);
    const revoked = await tx.tokens.revoke(id, now);
    return info(revoked ? { ...token, revoked_at: now } : token);
  });
}

/** The active token whose secret is `secret`, or null (unknown, malformed or revoked). */
export async function authenticate(
  store: AppContext["store"],
  secret: string,
): Promise<TokenInfo | null> {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) return null;
  const hash = await hashToken(secret);
  const token = await store.read((tx) => tx.tokens.byHash(hash));
  return token === null || token.revoked_at !== null ? null : info(token);
}
