/**
 * Who may talk to `tm serve`, and as whom: the Host allowlist (DNS rebinding), the Origin
 * check (other web pages), bearer tokens and their scopes.
 *
 * @module
 */

import { authenticate, type TokenInfo } from "../app/tokens.ts";
import { scopeAllows, type TokenScope } from "../core/token.ts";
import type { Store } from "../store/store.ts";
import { HttpError } from "./http.ts";

/** Whether `hostname` is a loopback address or name. */
export function isLoopback(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127(\.\d{1,3}){3}$/.test(bare);
}

/**
 * The `Host` values a server on `hostname:port` answers: the loopback names when it listens
 * on loopback, the address itself otherwise, plus `extra` (names a reverse proxy forwards).
 * A wildcard address without `extra` gives null: any Host, tokens being required there.
 */
export function allowedHosts(
  hostname: string,
  port: number,
  extra: readonly string[],
): Set<string> | null {
  const hosts = new Set<string>();
  const add = (name: string) => {
    hosts.add(name.toLowerCase());
    if (!/:\d+$/.test(name) || name.endsWith("]")) hosts.add(`${name}:${port}`.toLowerCase());
  };
  if (isLoopback(hostname)) {
    for (const name of ["127.0.0.1", "localhost", "[::1]"]) add(name);
  } else if (hostname !== "0.0.0.0" && hostname !== "::") {
    add(hostname.includes(":") ? `[${hostname}]` : hostname);
  } else if (extra.length === 0) {
    return null;
  }
  for (const name of extra) add(name);
  return hosts;
}

/** Refuse a request whose Host is not allowed, or that another web page sent (403). */
export function checkOrigin(request: Request, hosts: Set<string> | null): void {
  // HTTP/2 (what a TLS client negotiates) has no Host header: the URL carries :authority.
  const host = (request.headers.get("host") ?? new URL(request.url).host).toLowerCase();
  if (hosts !== null && !hosts.has(host)) {
    throw new HttpError(403, "forbidden", "host not allowed", {
      hint: "use the address tm serve printed, or start it with --allow-host NAME",
    });
  }
  const origin = request.headers.get("origin");
  if (origin === null) return;
  let originHost: string;
  try {
    originHost = new URL(origin).host.toLowerCase();
  } catch {
    originHost = "";
  }
  // CORS is off: only the server's own pages (same origin) may call it from a browser.
  if (originHost !== host) {
    throw new HttpError(403, "forbidden", "cross-origin requests are not allowed");
  }
}

/** The identity a request acts with. */
export interface Caller {
  agent: string;
  scope: TokenScope;
  token: TokenInfo | null;
}

/** How requests are authenticated. */
export interface AuthOptions {
  /** Refuse requests without a token. */
  requireToken: boolean;
  /** Who a request without a token acts as (when tokens are not required). */
  serverAgent: string;
}

/**
 * Authenticate a request: a bearer token acts as its agent with its scope; a request without
 * one acts as the server's own agent (admin, like the local CLI) unless tokens are required.
 * A presented token that is wrong or revoked is always refused (401), never ignored.
 */
export async function authenticateRequest(
  request: Request,
  store: Store,
  options: AuthOptions,
): Promise<Caller> {
  const header = request.headers.get("authorization");
  if (header === null) {
    if (options.requireToken) {
      throw new HttpError(401, "unauthorized", "a token is required", {
        hint: 'send "Authorization: Bearer <token>" (tm token create AGENT)',
        headers: { "www-authenticate": 'Bearer realm="tm"' },
      });
    }
    return { agent: options.serverAgent, scope: "admin", token: null };
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const token = match === null ? null : await authenticate(store, match[1]!);
  if (token === null) {
    throw new HttpError(401, "unauthorized", "invalid or revoked token", {
      headers: { "www-authenticate": 'Bearer realm="tm", error="invalid_token"' },
    });
  }
  return { agent: token.agent, scope: token.scope, token };
}

/** Refuse (403) a caller whose scope is below `needed`. */
export function requireScope(caller: Caller, needed: TokenScope): void {
  if (!scopeAllows(caller.scope, needed)) {
    throw new HttpError(
      403,
      "forbidden",
      `this needs the ${needed} scope (token has ${caller.scope})`,
    );
  }
}
