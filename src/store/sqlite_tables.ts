/**
 * A SQLite database file as tables of rows (`tm db copy`).
 *
 * @module
 */

import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { openSqliteStore, translateSqliteError } from "./sqlite.ts";
import type { TableReader, TableStore, TableWriter } from "./store.ts";
import { tableKey, TABLES_IN_ORDER } from "./tables.ts";

function reader(db: DatabaseSync): TableReader {
  return {
    columns(table) {
      // hidden: 0 for ordinary columns, 2 and 3 for generated ones.
      const rows = db.prepare(`PRAGMA table_xinfo(${table})`).all() as Array<
        { name: string; hidden: number }
      >;
      return Promise.resolve(rows.filter((row) => row.hidden === 0).map((row) => row.name));
    },
    count(table) {
      const row = db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number };
      return Promise.resolve(row.n);
    },
    page(table, columns, offset, limit) {
      const rows = db.prepare(
        `SELECT ${columns.join(", ")} FROM ${table} ORDER BY ${tableKey(table)} LIMIT ? OFFSET ?`,
      ).all(limit, offset);
      return Promise.resolve(rows.map((row) => ({ ...row })));
    },
  };
}

/** Open (creating and migrating if needed) the SQLite file at `path` as tables. */
export async function openSqliteTables(path: string, lockTimeoutMs: number): Promise<TableStore> {
  (await openSqliteStore({ path, lockTimeoutMs })).close();
  const db = new DatabaseSync(path, { timeout: lockTimeoutMs });
  db.exec("PRAGMA foreign_keys = ON");
  const tables = reader(db);
  const writer: TableWriter = {
    ...tables,
    clear() {
      for (const table of [...TABLES_IN_ORDER].reverse()) db.exec(`DELETE FROM ${table}`);
      return Promise.resolve();
    },
    insert(table, columns, rows) {
      const insert = db.prepare(
        `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${
          columns.map(() => "?").join(", ")
        })`,
      );
      for (const row of rows) insert.run(...columns.map((c) => (row[c] ?? null) as SQLInputValue));
      return Promise.resolve();
    },
  };
  const transaction = async <T>(begin: string, fn: () => Promise<T>): Promise<T> => {
    try {
      db.exec(begin);
    } catch (error) {
      translateSqliteError(error, lockTimeoutMs);
    }
    try {
      const result = await fn();
      db.exec("COMMIT");
      return result;
    } catch (error) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw error;
    }
  };
  return {
    tables: TABLES_IN_ORDER,
    name: path,
    read: (fn) => transaction("BEGIN", () => fn(tables)),
    write: (fn) => transaction("BEGIN IMMEDIATE", () => fn(writer)),
    close() {
      db.close();
      return Promise.resolve();
    },
  };
}
