/**
 * A PostgreSQL database as tables of rows (`tm db copy`). Writes hold the project's write
 * lock, like every tm write; the identity columns continue after the copied ids.
 *
 * @module
 */

import {
  connectPostgres,
  openPostgresStore,
  redactUrl,
  translatePgError,
  WRITE_LOCK_CLASS,
} from "./postgres.ts";
import type { TableReader, TableStore, TableWriter } from "./store.ts";
import { tableKey, TABLES_IN_ORDER } from "./tables.ts";

// Rows per INSERT statement: well under PostgreSQL's 65,535 parameters for every table.
const BATCH = 500;
const IDENTITIES = [["tasks", "seq"], ["events", "id"], ["notifications", "id"], [
  "progress",
  "id",
]] as const;

/** Open (creating and migrating if needed) the PostgreSQL database at `url` as tables. */
export async function openPostgresTables(url: string, lockTimeoutMs: number): Promise<TableStore> {
  await (await openPostgresStore({ url, lockTimeoutMs })).end();
  const client = await connectPostgres(url, lockTimeoutMs);
  const query = async (text: string, values: unknown[] = []) => {
    try {
      return (await client.query(text, values)).rows as Array<Record<string, unknown>>;
    } catch (error) {
      translatePgError(error, url, lockTimeoutMs);
    }
  };
  const tables: TableReader = {
    async columns(table) {
      const rows = await query(
        `SELECT column_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER'
         ORDER BY ordinal_position`,
        [table],
      );
      return rows.map((row) => row.column_name as string);
    },
    async count(table) {
      return (await query(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n as number;
    },
    page(table, columns, offset, limit) {
      return query(
        `SELECT ${columns.join(", ")} FROM ${table} ORDER BY ${tableKey(table)} ` +
          "LIMIT $1 OFFSET $2",
        [limit, offset],
      );
    },
  };
  const writer: TableWriter = {
    ...tables,
    async clear() {
      for (const table of [...TABLES_IN_ORDER].reverse()) await query(`DELETE FROM ${table}`);
    },
    async insert(table, columns, rows) {
      for (let start = 0; start < rows.length; start += BATCH) {
        const batch = rows.slice(start, start + BATCH);
        const values: unknown[] = [];
        const tuples = batch.map((row) =>
          `(${columns.map((c) => (values.push(row[c] ?? null), `$${values.length}`)).join(", ")})`
        );
        await query(
          `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${tuples.join(", ")}`,
          values,
        );
      }
    },
  };
  const transaction = async <T>(begin: string, fn: () => Promise<T>): Promise<T> => {
    await query(begin);
    try {
      const result = await fn();
      await query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    }
  };
  return {
    tables: TABLES_IN_ORDER,
    name: redactUrl(url),
    read: (fn) => transaction("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", () => fn(tables)),
    write: (fn) =>
      transaction("BEGIN", async () => {
        await query(
          `SELECT pg_advisory_xact_lock(${WRITE_LOCK_CLASS}, hashtext(current_schema()))`,
        );
        await fn(writer);
        // New rows continue after the copied ids.
        for (const [table, column] of IDENTITIES) {
          await query(
            `SELECT setval(pg_get_serial_sequence('${table}', '${column}'),
               coalesce((SELECT max(${column}) FROM ${table}), 0) + 1, false)`,
          );
        }
      }),
    async close() {
      await client.end().catch(() => {});
    },
  };
}
