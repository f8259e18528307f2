/**
 * `tm init`: create the data directory and database.
 *
 * @module
 */

import { initProject } from "../app/init.ts";
import { usageError } from "../core/errors.ts";
import { isPostgresUrl, withoutPassword, writeDatabaseConfig } from "../files/database_config.ts";
import { defineCommand } from "./command.ts";

/** The `init` command. */
export const initCommand = defineCommand({
  name: "init",
  usage: `Usage: tm init [--database postgres://user@host:port/db]

Create .task-orchestrator/ (database tasks.db, shared_context/, private_notes/, config/,
telemetry/, backups/) at the project root: the main git worktree's root when run inside a
git repository, else the working directory. TM_DB_PATH or --db choose another place.
Running it again is harmless.

With --database, the project's tasks live in that PostgreSQL database instead of tasks.db:
tm creates its tables there and records the URL, without its password, in
config/database.json. The password comes from PGPASSWORD or ~/.pgpass (or from the URL in
TM_DATABASE_URL, which overrides the recorded one). See docs/postgres.md.`,
  options: {
    database: {
      type: "string",
      value: "URL",
      help: "keep the tasks in this PostgreSQL database (postgres://…)",
    },
  },
  args: [],
  // The network is kept for --database; without it, init touches only files.
  needs: { net: true },
  async run({ location, lockTimeoutMs, database, flags }) {
    const url = flags.database;
    if (url !== undefined && !isPostgresUrl(url)) {
      throw usageError(
        "init: --database needs a postgres:// URL",
        "e.g. --database postgres://tm@db.example:5432/tasks",
      );
    }
    // A SQLite database already here is left as it was: say how to bring its tasks along.
    const left = url !== undefined &&
      await (await database({ engine: "sqlite", path: location.dbPath }))
        .exists(location.dbPath, lockTimeoutMs);
    const files = await database(url === undefined ? undefined : { engine: "postgres", url });
    const result = await initProject(location, lockTimeoutMs, files);
    if (url !== undefined) await writeDatabaseConfig(location.dataDir, url);
    const shown = url === undefined ? undefined : withoutPassword(url);
    return {
      data: { ...result, ...(shown === undefined ? {} : { database: shown }) },
      text: (result.created
        ? `Task database initialized in ${result.data_dir}`
        : `Already initialized: ${result.data_dir}`) +
        (shown === undefined ? "" : `\nTasks are kept in PostgreSQL: ${shown}`),
      ...(left
        ? {
          warnings: [
            `${location.dbPath} is left as it was; bring its tasks along with ` +
            `"tm db copy --from ${location.dbPath} --to URL"`,
          ],
        }
        : {}),
    };
  },
});
