/**
 * API tokens of `tm serve` as the domain sees them: what a token names (an agent) and what it
 * may do (a scope). Pure: hashing and storage live in `src/app/tokens.ts` and the store.
 *
 * @module
 */

import { validationError } from "./errors.ts";

/** What an API token may do: read < write < admin (token management). */
export type TokenScope = "read" | "write" | "admin";

/** The scopes, weakest first: each one may do what the ones before it may. */
export const TOKEN_SCOPES: readonly TokenScope[] = ["read", "write", "admin"];

/** A stored API token: its hash, never the token itself. */
export interface ApiToken {
  /** Short public id, for listing and revoking. */
  id: string;
  /** SHA-256 of the token, hex. */
  hash: string;
  /** The agent every request with this token acts as. */
  agent: string;
  scope: TokenScope;
  created_by: string;
  created_at: string;
  revoked_at: string | null;
}

/** Parse a scope name (exit 5 on anything else). */
export function parseScope(value: string): TokenScope {
  if ((TOKEN_SCOPES as readonly string[]).includes(value)) return value as TokenScope;
  throw validationError(`invalid scope "${value}"`, "use read, write or admin");
}

/** Whether `held` allows what `needed` asks for. */
export function scopeAllows(held: TokenScope, needed: TokenScope): boolean {
  return TOKEN_SCOPES.indexOf(held) >= TOKEN_SCOPES.indexOf(needed);
}
