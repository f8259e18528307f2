/**
 * The query helper every `postgres_*.ts` repository shares: one connection, `$n` parameters,
 * rows as plain objects. Its own module so that the repositories do not import
 * `postgres.ts`, which imports them. It counts round trips, so tests can hold hot commands
 * to a budget (each statement is one round trip to a possibly remote server).
 *
 * @module
 */

/** The part of a `pg` client the repositories use. */
export interface PgQueryable {
  query(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: Array<Record<string, unknown>>; rowCount: number | null }>;
}

/** Statements over one PostgreSQL connection. */
export class PgSql {
  readonly #client: PgQueryable;
  /** Statements sent so far on this connection. */
  roundTrips = 0;

  /** Wrap a connection. */
  constructor(client: PgQueryable) {
    this.#client = client;
  }

  /** Every row of `text`. */
  async rows<T>(text: string, values: unknown[] = []): Promise<T[]> {
    this.roundTrips++;
    const result = await this.#client.query(text, values);
    return result.rows as T[];
  }

  /** The first row of `text`, if any. */
  async row<T>(text: string, values: unknown[] = []): Promise<T | undefined> {
    return (await this.rows<T>(text, values))[0];
  }

  /** Run `text`; returns how many rows it changed. */
  async run(text: string, values: unknown[] = []): Promise<number> {
    this.roundTrips++;
    const result = await this.#client.query(text, values);
    return result.rowCount ?? 0;
  }
}

/** A LIMIT parameter: SQLite's -1 ("no limit"), which callers pass, is NULL in PostgreSQL. */
export function limit(n: number | null | undefined): number | null {
  return n === null || n === undefined || n < 0 ? null : n;
}
