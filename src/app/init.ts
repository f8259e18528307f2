/**
 * Use case: create a project's data directory and database (`tm init`).
 *
 * @module
 */

import { createDataDir, databaseExists, type DataLocation } from "../files/data_dir.ts";
import { openSqliteStore } from "../store/sqlite.ts";

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
): Promise<InitResult> {
  const existed = await databaseExists(location);
  await createDataDir(location);
  const store = await openSqliteStore({
    path: location.dbPath,
    lockTimeoutMs,
    backupDir: `${location.dataDir}/backups`,
  });
  store.close();
  return { data_dir: location.dataDir, db_path: location.dbPath, created: !existed };
}
