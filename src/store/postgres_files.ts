/**
 * A PostgreSQL database as the `DatabaseFiles` port of `tm init` and `tm migrate`: create and
 * migrate the schema, read its version, list and prune the JSONL exports taken before each
 * migration. Restoring an export is `tm db copy`'s job (from a SQLite copy), not a rollback.
 *
 * @module
 */

import { usageError } from "../core/errors.ts";
import {
  connectPostgres,
  exportJsonl,
  openPostgresStore,
  postgresSchemaVersion,
  redactUrl,
  translatePgError,
} from "./postgres.ts";
import { listBackups, pruneBackups } from "./backups.ts";
import { diagnosePostgres } from "./postgres_health.ts";
import { PG_MIGRATIONS } from "./postgres_migrations.ts";
import { openPostgresTables } from "./postgres_tables.ts";
import type { BackupFile, DatabaseFiles } from "./store.ts";

const EXPORT_NAME = /^postgres-v(\d+)-(\d{8}T\d{9}Z)\.jsonl$/;
const EXPORTS_KEPT = 10;

function listExports(dir: string): Promise<BackupFile[]> {
  return listBackups(dir, EXPORT_NAME);
}

/** The {@link DatabaseFiles} port of the PostgreSQL database at `url`. */
export function postgresDatabaseFiles(url: string): DatabaseFiles {
  return {
    engine: "postgres",
    migrations: PG_MIGRATIONS,
    exists: async (_path, timeoutMs) => await postgresSchemaVersion(url, timeoutMs) > 0,
    async openAndMigrate({ lockTimeoutMs, backupDir }) {
      const store = await openPostgresStore({ url, lockTimeoutMs, backupDir });
      await store.end();
    },
    schemaVersionOf: (_path, timeoutMs) => postgresSchemaVersion(url, timeoutMs),
    listBackups: listExports,
    pruneBackups: (dir) => pruneBackups(dir, EXPORTS_KEPT, EXPORT_NAME),
    async copyDatabase(_dbPath, target) {
      const client = await connectPostgres(url, 10_000);
      try {
        const dir = target.slice(0, target.lastIndexOf("/")) || ".";
        const path = await exportJsonl(client, dir, 0);
        await Deno.rename(path, target);
      } catch (error) {
        translatePgError(error, url, 10_000);
      } finally {
        await client.end().catch(() => {});
      }
    },
    restoreDatabase() {
      return Promise.reject(usageError(
        "tm migrate --rollback works on SQLite files only",
        "with PostgreSQL, restore from a SQLite copy: tm db copy --from FILE --to URL --force",
      ));
    },
    backupStamp: () => new Date().toISOString().replace(/[-:.]/g, ""),
    openTables: (_path, lockTimeoutMs) => openPostgresTables(url, lockTimeoutMs),
    // The file checks are SQLite's: PostgreSQL checks its own pages, diagnose() the rest.
    inspect: () => ({
      path: redactUrl(url),
      problem: null,
      detail: "PostgreSQL: page integrity is the server's; see the server checks",
      size: 0,
      schema_version: null,
      latest_version: PG_MIGRATIONS.length,
      integrity: [],
      foreign_key_violations: [],
      context_heads: [],
    }),
    diagnose: (timeoutMs) => diagnosePostgres(url, timeoutMs),
  };
}
