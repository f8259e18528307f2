/**
 * `tm db copy`: move a project's database between SQLite and PostgreSQL.
 *
 * @module
 */

import type { DatabaseTarget } from "../core/database_target.ts";
import { usageError } from "../core/errors.ts";
import { databaseTarget, isPostgresUrl } from "../files/database_config.ts";
import { resolvePath } from "../files/safe_path.ts";
import { defineCommand } from "./command.ts";

function targetOf(value: string, cwd: string): DatabaseTarget {
  return isPostgresUrl(value)
    ? { engine: "postgres", url: value }
    : { engine: "sqlite", path: resolvePath(cwd, value) };
}

/** The `db` command family. */
export const dbCommand = defineCommand({
  name: "db",
  usage: `Usage: tm db copy --to postgres://user@host:port/db|FILE [--from URL|FILE] [--force]

copy: copy every table of the project's database (or --from's) into another database,
PostgreSQL or a SQLite file, creating tm's schema there; then read both again and compare
row counts and checksums (exit 4 if they differ). A target that already holds tm data is
refused (exit 6) unless --force, which replaces its contents. Progress goes to a terminal's
stderr; nothing in a pipe. To move a project, copy, then point it at the copy (tm init
--database URL, or TM_DATABASE_URL). See docs/postgres.md.`,
  options: {
    to: { type: "string", value: "URL|FILE", help: "the database to copy into" },
    from: {
      type: "string",
      value: "URL|FILE",
      help: "the database to copy from (default: the project's)",
    },
    force: { type: "boolean", help: "replace the target's contents if it has any" },
  },
  args: ["copy"],
  needs: { net: true },
  async run({ args, flags, location, lockTimeoutMs, database, io }) {
    if (args[0] !== "copy") throw usageError(`db: unknown subcommand "${args[0]}"`, "tm db copy");
    if (flags.to === undefined) throw usageError("db copy: --to is required");
    const from = flags.from === undefined
      ? databaseTarget(location.dataDir, location.dbPath, io.env("TM_DATABASE_URL"))
      : targetOf(flags.from, io.cwd());
    const to = targetOf(flags.to, io.cwd());
    if (JSON.stringify(from) === JSON.stringify(to)) {
      throw usageError("db copy: source and target are the same database");
    }
    if (from.engine === "sqlite") {
      // Never create an empty source by opening a mistyped path.
      await Deno.stat(from.path);
    }
    const { copyDatabase } = await import("../app/db_copy.ts");
    const source = await (await database(from)).openTables(
      from.engine === "sqlite" ? from.path : "",
      lockTimeoutMs,
    );
    try {
      const target = await (await database(to)).openTables(
        to.engine === "sqlite" ? to.path : "",
        lockTimeoutMs,
      );
      try {
        const terminal = io.isTerminal();
        const result = await copyDatabase(source, target, {
          force: flags.force === true,
          ...(terminal
            ? {
              progress: (done: number, total: number) =>
                io.stderr(`\rcopying: ${done}/${total} rows${done === total ? "\n" : ""}`),
            }
            : {}),
        });
        return {
          data: { ...result },
          text: `Copied ${result.rows} rows in ${result.tables.length} tables ` +
            `from ${result.from} to ${result.to}; counts and checksums verified`,
        };
      } finally {
        await target.close();
      }
    } finally {
      await source.close();
    }
  },
});
