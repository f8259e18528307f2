/**
 * Use cases of `tm migrate`: schema status (without migrating), applying migrations with a
 * backup first, and rolling back to the latest backup. These work on the database file
 * directly instead of through an opened (and therefore auto-migrated) store.
 *
 * @module
 */

import { notFoundError, TmError, usageError } from "../core/errors.ts";
import type { DataLocation } from "../files/data_dir.ts";
import type { BackupFile, DatabaseFiles } from "../store/store.ts";

/** Where the automatic backups of a project live. */
export function backupDir(location: DataLocation): string {
  return `${location.dataDir}/backups`;
}

/** The answer of `tm migrate --status`. */
export interface MigrationStatus {
  current_version: number;
  latest_version: number;
  up_to_date: boolean;
  pending: Array<{ version: number; description: string }>;
  backups: BackupFile[];
}

/** The schema state of the project's database, read without migrating it. */
export async function migrationStatus(
  location: DataLocation,
  lockTimeoutMs: number,
  database: DatabaseFiles,
): Promise<MigrationStatus> {
  const current = await database.schemaVersionOf(location.dbPath, lockTimeoutMs);
  const latest = database.migrations.length;
  return {
    current_version: current,
    latest_version: latest,
    up_to_date: current === latest,
    pending: database.migrations.slice(current).map((m, i) => ({
      version: current + i + 1,
      description: m.description,
    })),
    backups: await database.listBackups(backupDir(location)),
  };
}

/** The answer of `tm migrate --apply`. */
export interface ApplyResult {
  from_version: number;
  to_version: number;
  applied: Array<{ version: number; description: string }>;
  /** The backup taken before migrating (null when nothing was applied). */
  backup: string | null;
  pruned: string[];
}

/** Refuse a database written by a newer tm (exit 4), as every command that opens it does. */
export function assertNotNewer(status: MigrationStatus): void {
  const version = status.current_version;
  if (version > status.latest_version) {
    throw new TmError(
      "storage",
      `database schema v${version} is newer than this tm supports (v${status.latest_version})`,
      { hint: "upgrade tm" },
    );
  }
}

/** Apply the pending migrations (backup first, as every open does), then prune old backups. */
export async function applyMigrations(
  location: DataLocation,
  lockTimeoutMs: number,
  database: DatabaseFiles,
): Promise<ApplyResult> {
  const status = await migrationStatus(location, lockTimeoutMs, database);
  assertNotNewer(status);
  const before = new Set(status.backups.map((b) => b.path));
  await database.openAndMigrate({
    path: location.dbPath,
    lockTimeoutMs,
    backupDir: backupDir(location),
  });
  const after = await database.listBackups(backupDir(location));
  return {
    from_version: status.current_version,
    to_version: await database.schemaVersionOf(location.dbPath, lockTimeoutMs),
    applied: status.pending,
    backup: after.find((b) => !before.has(b.path))?.path ?? null,
    pruned: await database.pruneBackups(backupDir(location)),
  };
}

/** The answer of `tm migrate --rollback`. */
export interface RollbackResult {
  restored_from: string;
  schema_version: number;
  /** A copy of the database as it was just before the rollback. */
  safety_copy: string;
}

/**
 * Refuse `command` (`tm restore`, `tm migrate --rollback`) on a PostgreSQL project: both put a
 * SQLite file in place of the database, and PostgreSQL's backups are JSONL exports.
 */
export function assertFileDatabase(database: DatabaseFiles, command: string): void {
  if (database.engine === "sqlite") return;
  throw usageError(
    `${command} works on SQLite files only; this project's database is PostgreSQL`,
    "restore a SQLite copy instead: tm db copy --from FILE --to URL --force (docs/postgres.md)",
  );
}

/** The backup a rollback would restore (the newest), or a not-found error. */
export async function latestBackup(
  location: DataLocation,
  database: DatabaseFiles,
): Promise<BackupFile> {
  assertFileDatabase(database, "tm migrate --rollback");
  const latest = (await database.listBackups(backupDir(location)))[0];
  if (latest === undefined) {
    throw notFoundError(
      "no backup to roll back to",
      `backups are taken before each schema migration into ${backupDir(location)}`,
    );
  }
  return latest;
}

/**
 * Restore the newest backup over the database. The current state is copied first (as
 * `pre-rollback-*.db`, which later rollbacks do not pick), so a rollback can be undone.
 */
export async function rollback(
  location: DataLocation,
  database: DatabaseFiles,
): Promise<RollbackResult> {
  const latest = await latestBackup(location, database);
  const safety = `${backupDir(location)}/pre-rollback-${database.backupStamp()}.db`;
  await database.copyDatabase(location.dbPath, safety);
  await database.restoreDatabase(latest.path, location.dbPath);
  return {
    restored_from: latest.path,
    schema_version: latest.schema_version,
    safety_copy: safety,
  };
}
