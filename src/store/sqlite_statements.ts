/**
 * The prepared-statement cache of one SQLite connection, which every `sqlite_*.ts`
 * repository shares. Its own module so that the repositories do not import `sqlite.ts`,
 * which imports them.
 *
 * @module
 */

import type { DatabaseSync, StatementSync } from "node:sqlite";

/** A cache of prepared statements for one connection. */
export class Statements {
  readonly #db: DatabaseSync;
  readonly #cache = new Map<string, StatementSync>();

  /** Wrap a connection. */
  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** The prepared statement for `sql`, prepared once per connection. */
  get(sql: string): StatementSync {
    let statement = this.#cache.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#cache.set(sql, statement);
    }
    return statement;
  }
}
