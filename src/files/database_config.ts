/**
 * Which database a project uses: `TM_DATABASE_URL`, else the URL `tm init --database`
 * recorded in `config/database.json` (without its password), else the SQLite file. Read on
 * every command, so it is one small synchronous file read and no heavy imports.
 *
 * @module
 */

import type { DatabaseTarget } from "../core/database_target.ts";
import { validationError } from "../core/errors.ts";
import { assertNoLinkInside } from "./contained.ts";

/** The file, relative to the data directory, that names a PostgreSQL database. */
export const DATABASE_CONFIG_FILE = "config/database.json";

/** Whether `url` names a PostgreSQL database. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** The URL without its password, as `tm init --database` records it. */
export function withoutPassword(url: string): string {
  const parsed = new URL(url);
  parsed.password = "";
  parsed.searchParams.delete("password");
  return parsed.href;
}

/** The URL recorded in the project's config, if any. */
export function configuredDatabaseUrl(dataDir: string): string | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(`${dataDir}/${DATABASE_CONFIG_FILE}`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return undefined;
    }
    throw error;
  }
  const url = (JSON.parse(text) as { url?: unknown }).url;
  if (typeof url !== "string" || !isPostgresUrl(url)) {
    throw validationError(`${DATABASE_CONFIG_FILE}: "url" must be a postgres:// URL`);
  }
  return url;
}

/** The database of the project in `dataDir` (`envUrl`: the value of `TM_DATABASE_URL`). */
export function databaseTarget(
  dataDir: string,
  dbPath: string,
  envUrl: string | undefined,
): DatabaseTarget {
  if (envUrl !== undefined && envUrl.trim() !== "") {
    if (!isPostgresUrl(envUrl)) {
      throw validationError("invalid TM_DATABASE_URL: expected postgres://user@host:port/db");
    }
    return { engine: "postgres", url: envUrl };
  }
  const url = configuredDatabaseUrl(dataDir);
  return url === undefined ? { engine: "sqlite", path: dbPath } : { engine: "postgres", url };
}

/** Record `url` (password removed) as the project's database. */
export async function writeDatabaseConfig(dataDir: string, url: string): Promise<void> {
  const path = `${dataDir}/${DATABASE_CONFIG_FILE}`;
  // A linked config/ or database.json would send this write outside the data directory.
  await assertNoLinkInside(dataDir, path);
  await Deno.mkdir(`${dataDir}/config`, { recursive: true });
  await assertNoLinkInside(dataDir, path);
  await Deno.writeTextFile(
    path,
    `${JSON.stringify({ url: withoutPassword(url) }, null, 2)}\n`,
  );
}
