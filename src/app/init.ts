/**
 * Use case: create a project's data directory and database (`tm init`).
 *
 * @module
 */

import { ensureConfigYaml } from "../files/config.ts";
import { createDataDir, type DataLocation } from "../files/data_dir.ts";
import type { DatabaseFiles } from "../store/store.ts";

/** What `tm init` did. */
export interface InitResult {
  data_dir: string;
  db_path: string;
  created: boolean;
}

/** Create the data directory, its subdirectories and the database. Idempotent. */
export async function initProject(
  location: DataLocation,
  lockTimeoutMs: number,
  database: DatabaseFiles,
): Promise<InitResult> {
  const existed = await database.exists(location.dbPath, lockTimeoutMs);
  await createDataDir(location);
  await database.openAndMigrate({
    path: location.dbPath,
    lockTimeoutMs,
    backupDir: `${location.dataDir}/backups`,
  });
  // The original's config.yaml beside the database (a copy; tm reads config/config.json).
  await ensureConfigYaml(location.dataDir);
  return { data_dir: location.dataDir, db_path: location.dbPath, created: !existed };
}
