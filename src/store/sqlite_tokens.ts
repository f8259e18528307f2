/**
 * SQLite statements for the API tokens of `tm serve` (hashes only).
 *
 * @module
 */

import type { ApiToken } from "../core/token.ts";
import type { Statements } from "./sqlite_statements.ts";
import type { TokenRepo } from "./store.ts";

/** The columns of an {@link ApiToken}, in order; PostgreSQL uses the same. */
export const TOKEN_COLUMNS = "id, hash, agent, scope, created_by, created_at, revoked_at";

/** API tokens in SQLite. */
export class SqliteTokenRepo implements TokenRepo {
  readonly #sql: Statements;

  /** Use the connection's statement cache. */
  constructor(statements: Statements) {
    this.#sql = statements;
  }

  insert(token: ApiToken): Promise<void> {
    this.#sql.get(`INSERT INTO api_tokens (${TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
      token.id,
      token.hash,
      token.agent,
      token.scope,
      token.created_by,
      token.created_at,
      token.revoked_at,
    );
    return Promise.resolve();
  }

  byHash(hash: string): Promise<ApiToken | null> {
    const row = this.#sql.get(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE hash = ?`).get(hash);
    return Promise.resolve(row === undefined ? null : ({ ...row }) as unknown as ApiToken);
  }

  get(id: string): Promise<ApiToken | null> {
    const row = this.#sql.get(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE id = ?`).get(id);
    return Promise.resolve(row === undefined ? null : ({ ...row }) as unknown as ApiToken);
  }

  list(): Promise<ApiToken[]> {
    const rows = this.#sql.get(`SELECT ${TOKEN_COLUMNS} FROM api_tokens ORDER BY created_at, id`)
      .all();
    return Promise.resolve(rows.map((row) => ({ ...row }) as unknown as ApiToken));
  }

  revoke(id: string, now: string): Promise<boolean> {
    const result = this.#sql.get(
      "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
    ).run(now, id);
    return Promise.resolve(Number(result.changes) === 1);
  }
}
