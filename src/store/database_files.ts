/**
 * The SQLite database file as the `DatabaseFiles` port of `tm init` and `tm migrate`.
 * Loaded on use by the composition root, so other commands never load the backup code.
 *
 * @module
 */

import {
  copyDatabase,
  listBackups,
  pruneBackups,
  restoreDatabase,
  schemaVersionOf,
} from "./backups.ts";
import { MIGRATIONS } from "./migrations.ts";
import { backupStamp, openSqliteStore } from "./sqlite.ts";
import type { DatabaseFiles } from "./store.ts";
import { inspectDatabase } from "./sqlite_health.ts";

/** The SQLite implementation of {@link DatabaseFiles}. */
export const sqliteDatabaseFiles: DatabaseFiles = {
  engine: "sqlite",
  migrations: MIGRATIONS,
  async exists(path) {
    try {
      return (await Deno.stat(path)).isFile;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
        return false;
      }
      throw error;
    }
  },
  async openAndMigrate(options) {
    const store = await openSqliteStore({ ...options, creating: true });
    store.close();
  },
  schemaVersionOf,
  listBackups,
  pruneBackups: (dir) => pruneBackups(dir),
  copyDatabase,
  restoreDatabase,
  backupStamp: () => backupStamp(),
  inspect: inspectDatabase,
  async openTables(path, lockTimeoutMs) {
    // Computed: only tm db copy reads this module.
    const { openSqliteTables } = await import(
      new URL("./sqlite_tables.ts", import.meta.url).href
    ) as typeof import("./sqlite_tables.ts");
    return await openSqliteTables(path, lockTimeoutMs);
  },
};
