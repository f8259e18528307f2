/**
 * Database backups: the automatic pre-migration copies in `.task-orchestrator/backups/`,
 * their retention, and the restore used by `tm migrate --rollback`. Copies are made and
 * restored with SQLite's online backup API, so they are consistent even while other tm
 * processes use the database.
 *
 * @module
 */

import { backup, DatabaseSync } from "node:sqlite";
import type { BackupFile } from "./store.ts";
import { TmError } from "../core/errors.ts";
import { settleCopy } from "./sqlite_health.ts";

export type { BackupFile };

/** How many automatic backups are kept; older ones are deleted after a new one is taken. */
export const BACKUPS_KEPT = 10;

const BACKUP_NAME = /^tasks-v(\d+)-(\d{8}T\d{9}Z)-[0-9a-f]+\.db$/;

/**
 * The automatic backups in `dir`, newest first (by the timestamp in their name). `name`
 * captures the schema version and the timestamp (PostgreSQL's JSONL exports have their own).
 */
export async function listBackups(dir: string, name = BACKUP_NAME): Promise<BackupFile[]> {
  const found: Array<BackupFile & { stamp: string }> = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const match = name.exec(entry.name);
      if (!entry.isFile || !match) continue;
      const path = `${dir}/${entry.name}`;
      const size = (await Deno.stat(path)).size;
      found.push({
        path,
        name: entry.name,
        schema_version: Number(match[1]),
        size,
        stamp: match[2]!,
      });
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  found.sort((a, b) => (a.stamp < b.stamp ? 1 : a.stamp > b.stamp ? -1 : 0));
  return found.map(({ stamp: _stamp, ...file }) => file);
}

/**
 * Delete all but the `keep` newest automatic backups (files `name` matches, as for
 * {@link listBackups}); returns the deleted paths.
 */
export async function pruneBackups(
  dir: string,
  keep = BACKUPS_KEPT,
  name = BACKUP_NAME,
): Promise<string[]> {
  const old = (await listBackups(dir, name)).slice(keep);
  for (const file of old) await Deno.remove(file.path).catch(() => {});
  return old.map((file) => file.path);
}

/** Read the schema version of a database file without changing it (no pragma writes). */
export function schemaVersionOf(path: string, timeoutMs = 10_000): number {
  let db: DatabaseSync | undefined;
  try {
    try {
      db = new DatabaseSync(path, { timeout: timeoutMs });
      db.prepare("PRAGMA user_version").get();
    } catch {
      // A read-only directory: a read-only connection still reads the version.
      db?.close();
      db = new DatabaseSync(path, { timeout: timeoutMs, readOnly: true });
    }
    const row = db.prepare("PRAGMA user_version").get() as { user_version: number };
    return row.user_version;
  } catch (error) {
    throw new TmError("storage", `database error: ${(error as Error).message}: "${path}"`, {
      details: { problem: "not_a_database" },
      cause: error,
    });
  } finally {
    if (db?.isOpen) db.close();
  }
}

/** Copy the live database at `dbPath` to `target` (online backup). */
export async function copyDatabase(dbPath: string, target: string): Promise<void> {
  const db = new DatabaseSync(dbPath, { timeout: 10_000 });
  try {
    await backup(db, target);
  } finally {
    db.close();
  }
  settleCopy(target);
}

/**
 * Restore `backupPath` over the database at `dbPath`. The backup API writes every page
 * into the live database under its write lock, so concurrent tm processes see the old
 * state or the restored one, never a mix, and the WAL stays consistent.
 */
export async function restoreDatabase(backupPath: string, dbPath: string): Promise<void> {
  // Read-write, so that closing it checkpoints and removes any -wal/-shm an older WAL-mode
  // backup gets on opening (a read-only connection would leave them behind).
  const source = new DatabaseSync(backupPath);
  try {
    await backup(source, dbPath);
  } finally {
    source.close();
  }
}
