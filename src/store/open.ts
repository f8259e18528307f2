/**
 * The one place that picks the storage engine. Both stores are loaded through computed
 * specifiers on first use: SQLite's only by commands that open the database, the PostgreSQL
 * store (and with it npm:pg, ~19 MiB per process) only when the project's database is a
 * `postgres://` URL, so SQLite projects never parse it.
 *
 * @module
 */

import type { DatabaseTarget } from "../core/database_target.ts";
import { TmError } from "../core/errors.ts";
import type { DatabaseFiles, Store } from "./store.ts";

/** Options for {@link openStore}. */
export interface OpenOptions {
  lockTimeoutMs: number;
  /** Where pre-migration backups (SQLite file copies, PostgreSQL JSONL exports) go. */
  backupDir: string;
  /** PostgreSQL: false reports a database without tm's schema as "not initialised". */
  create?: boolean;
}

/**
 * Import a PostgreSQL module beside this one. A build that left the PostgreSQL modules out (a
 * `deno compile` without `--include src/store/postgres.ts`, a bundle missing its PostgreSQL
 * chunks) answers with one line instead of a stack.
 */
async function importPostgresModule<T>(url: URL): Promise<T> {
  try {
    return await import(url.href) as T;
  } catch (error) {
    if (!(error instanceof TypeError) || !/Module not found/.test(error.message)) throw error;
    throw new TmError("storage", "PostgreSQL is not available in this build of tm", {
      hint: "install the npm package or the release binary again, or run tm from source " +
        "(docs/postgres.md); unset TM_DATABASE_URL to use SQLite",
    });
  }
}

/** The PostgreSQL modules, loaded on first use (computed, so never parsed at start-up). */
export function loadPostgres(): Promise<typeof import("./postgres.ts")> {
  return importPostgresModule(new URL("./postgres.ts", import.meta.url));
}

/** Open the project's store on the engine `target` names. */
export async function openStore(target: DatabaseTarget, options: OpenOptions): Promise<Store> {
  if (target.engine === "sqlite") {
    // Imported on use through a computed specifier, as run.ts does: only commands that open
    // the database read and parse the SQLite store.
    const { openSqliteStore } = await import(
      new URL("./sqlite.ts", import.meta.url).href
    ) as typeof import("./sqlite.ts");
    return await openSqliteStore({
      path: target.path,
      lockTimeoutMs: options.lockTimeoutMs,
      backupDir: options.backupDir,
    });
  }
  const { openPostgresStore } = await loadPostgres();
  return await openPostgresStore({
    url: target.url,
    lockTimeoutMs: options.lockTimeoutMs,
    backupDir: options.backupDir,
    migrate: options.create ?? true,
  });
}

/** The database-level port (`tm init`, `tm migrate`) of `target`'s engine. */
export async function databaseFilesFor(target: DatabaseTarget): Promise<DatabaseFiles> {
  if (target.engine === "sqlite") {
    const files = await import(
      new URL("./database_files.ts", import.meta.url).href
    ) as typeof import("./database_files.ts");
    return files.sqliteDatabaseFiles;
  }
  const { postgresDatabaseFiles } = await importPostgresModule<
    typeof import("./postgres_files.ts")
  >(new URL("./postgres_files.ts", import.meta.url));
  return postgresDatabaseFiles(target.url);
}
