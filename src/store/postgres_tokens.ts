/**
 * PostgreSQL statements for the API tokens of `tm serve` (hashes only); mirrors
 * `sqlite_tokens.ts`.
 *
 * @module
 */

import type { ApiToken } from "../core/token.ts";
import type { PgSql } from "./postgres_sql.ts";
import type { TokenRepo } from "./store.ts";
import { TOKEN_COLUMNS } from "./sqlite_tokens.ts";

/** API tokens in PostgreSQL. */
export class PgTokenRepo implements TokenRepo {
  readonly #sql: PgSql;

  /** Use the connection's query helper. */
  constructor(sql: PgSql) {
    this.#sql = sql;
  }

  async insert(token: ApiToken): Promise<void> {
    await this.#sql.run(
      `INSERT INTO api_tokens (${TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        token.id,
        token.hash,
        token.agent,
        token.scope,
        token.created_by,
        token.created_at,
        token.revoked_at,
      ],
    );
  }

  async byHash(hash: string): Promise<ApiToken | null> {
    return (await this.#sql.row<ApiToken>(
      `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE hash = $1`,
      [hash],
    )) ?? null;
  }

  async get(id: string): Promise<ApiToken | null> {
    return (await this.#sql.row<ApiToken>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE id = $1`, [
      id,
    ])) ?? null;
  }

  list(): Promise<ApiToken[]> {
    return this.#sql.rows<ApiToken>(
      `SELECT ${TOKEN_COLUMNS} FROM api_tokens ORDER BY created_at, id`,
    );
  }

  async revoke(id: string, now: string): Promise<boolean> {
    const changed = await this.#sql.run(
      "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
      [now, id],
    );
    return changed === 1;
  }
}
