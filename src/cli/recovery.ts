/**
 * What to say when the project's database cannot be used: name the file, the newest
 * backup and the command that restores it. Loaded only on that error path.
 *
 * @module
 */

import { TmError } from "../core/errors.ts";
import type { DataLocation } from "../files/data_dir.ts";
import type { BackupFile } from "../store/store.ts";

/** How the backups of a directory are listed (the store's, handed over by run.ts). */
export type ListBackups = (dir: string) => Promise<BackupFile[]>;

/** The newest backup of the project, or null when there is none (or the directory is unreadable). */
export async function newestBackup(
  location: DataLocation,
  listBackups: ListBackups,
): Promise<string | null> {
  const backups = await listBackups(`${location.dataDir}/backups`).catch(() => []);
  return backups[0]?.path ?? null;
}

/** `error` (an unusable database) with a hint naming the newest backup and how to restore it. */
export async function withRecoveryHint(
  error: TmError,
  location: DataLocation,
  listBackups: ListBackups,
): Promise<TmError> {
  const backup = await newestBackup(location, listBackups);
  const hint = backup === null
    ? `no backup in ${location.dataDir}/backups; "tm doctor" describes the data directory`
    : `newest backup: ${backup}; restore it with: tm restore ${backup} --yes`;
  return new TmError(error.code, error.message, {
    hint,
    details: { ...error.details, path: location.dbPath, newest_backup: backup },
    cause: error,
  });
}

/** The error for a data directory whose database file has disappeared. */
export function missingDatabase(
  location: DataLocation,
  listBackups: ListBackups,
): Promise<TmError> {
  return withRecoveryHint(
    new TmError("storage", `database "${location.dbPath}" not found: it is missing`, {
      details: { problem: "missing" },
    }),
    location,
    listBackups,
  );
}

/** Whether `error` says the database file itself is unusable (not busy, not a full disk). */
export function isUnusableDatabase(error: unknown): error is TmError {
  return error instanceof TmError && error.code === "storage" &&
    (error.details?.problem !== undefined ||
      /not a database|malformed/i.test(error.message));
}
