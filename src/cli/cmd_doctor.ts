/**
 * `tm doctor` (describe, and with `--repair` mend, the data directory) and `tm restore`
 * (put a backup back in place of the database). Neither opens the store before it has
 * looked at the database file, so both work when it is damaged.
 *
 * @module
 */

import { notFoundError, usageError } from "../core/errors.ts";
import { databaseExists } from "../files/data_dir.ts";
import type { ServerHealth } from "../store/store.ts";
import { defineCommand } from "./command.ts";
import { resolveAgainst } from "./output_file.ts";
import { oneLine } from "./output.ts";

/** The server part of the report: connection, versions, leases, LISTEN. */
function serverLines(server: ServerHealth): string {
  const version = server.server_version === null ? "" : `PostgreSQL ${server.server_version}, `;
  const lines = [
    `Database: ${server.url} (${version}schema v${
      server.schema_version ?? "?"
    }, latest v${server.latest_version})`,
  ];
  if (server.connection_error === null && server.schema_version === server.latest_version) {
    lines.push(
      server.listen.ok
        ? `LISTEN/NOTIFY: ok (${server.listen.ms} ms)`
        : `LISTEN/NOTIFY: not working`,
    );
    const leases = server.expired_leases;
    if (leases.length > 0) {
      const shown = leases.slice(0, 5).map((l) => `${l.task_id} (${l.claimed_by})`).join(", ");
      lines.push(
        `Leases: ${leases.length} expired but still held (claimable again): ${shown}${
          leases.length > 5 ? ", …" : ""
        }`,
      );
    }
  }
  return lines.join("\n");
}

/** The `doctor` command. */
export const doctorCommand = defineCommand({
  name: "doctor",
  usage: `Usage: tm doctor [--repair]

Check the data directory: the database's integrity and foreign keys, its schema version,
shared-context mirrors that lag the database, stray files (symbolic links, leftovers of
interrupted writes, SQLite side files beside backups) and the newest backups. On
PostgreSQL the server is asked instead of the file: connection, server and schema version,
orphaned rows, leases expired but still held, LISTEN/NOTIFY. Changes nothing unless
--repair is given. Exit 0 when healthy, 4 when a problem remains.`,
  options: {
    repair: {
      type: "boolean",
      help: "rewrite lagging mirrors from the database and remove leftovers older than a\n" +
        "minute (symbolic links are only reported: remove them yourself)",
    },
  },
  args: [],
  async run({ flags, location, database, app, io, lockTimeoutMs }) {
    if (location.source === "default" && !await databaseExists(location)) {
      throw notFoundError(`no data directory found from "${io.cwd()}"`, 'run "tm init" first');
    }
    const { examine, removeLeftovers } = await import("../app/doctor.ts");
    const files = await database();
    let report = await examine(location, files, lockTimeoutMs);
    const repaired: string[] = [];
    if (flags.repair) {
      if (report.database.problem === null && report.lagging_mirrors.length > 0) {
        const { refreshSharedContext } = await import("../app/collaboration.ts");
        const ctx = await app();
        for (const mirror of report.lagging_mirrors) {
          repaired.push(await refreshSharedContext(ctx, mirror.task_id));
        }
      }
      repaired.push(...await removeLeftovers(report, io.now()));
      report = await examine(location, files, lockTimeoutMs);
    }
    const lines = [
      report.server === undefined
        ? `Database: ${location.dbPath} (schema v${
          report.database.schema_version ?? "?"
        }, latest v${report.database.latest_version})`
        : serverLines(report.server),
      ...report.problems.map((problem) => `  problem: ${oneLine(problem)}`),
      ...repaired.map((path) => `  repaired: ${path}`),
      report.backups.length === 0
        ? "Backups: none"
        : `Backups: ${report.backups.map((b) => b.path).join(", ")}`,
      report.healthy ? "Healthy" : `${report.problems.length} problem(s)`,
    ];
    return {
      data: { ...report, repaired },
      text: lines.join("\n"),
      ...(report.healthy ? {} : { exitCode: 4 }),
    };
  },
});

/** The `restore` command. */
export const restoreCommand = defineCommand({
  name: "restore",
  usage: `Usage: tm restore BACKUP [--yes]

Put the database file BACKUP (for example the newest file in .task-orchestrator/backups/,
which "tm doctor" lists) in place of the project's database. What it replaces is kept: a
usable database is copied to backups/pre-restore-<time>.db, a damaged one is moved to
backups/pre-restore-<time>.damaged. BACKUP must pass the integrity check. SQLite only: a
PostgreSQL project is restored with tm db copy --from FILE --to URL --force.`,
  options: {
    yes: {
      type: "boolean",
      help: "confirm without asking (required when stdin is not a terminal)",
    },
  },
  args: ["BACKUP"],
  async run({ args, flags, location, database, io }) {
    if (location.source === "default" && !await databaseExists(location)) {
      throw notFoundError(`no data directory found from "${io.cwd()}"`, 'run "tm init" first');
    }
    const { restoreBackup } = await import("../app/doctor.ts");
    const { assertFileDatabase } = await import("../app/migrate.ts");
    const files = await database();
    assertFileDatabase(files, "tm restore");
    const backup = resolveAgainst(io.cwd(), args[0]!);
    if (!flags.yes) {
      const answer = io.confirm?.(`Restore ${backup} over ${location.dbPath}?`);
      if (answer === undefined) {
        throw usageError(
          "restore: refusing to replace the database without --yes (stdin is not a terminal)",
        );
      }
      if (!answer) return { data: { restored: false }, text: "Restore cancelled" };
    }
    const result = await restoreBackup(location, files, backup);
    return {
      data: { restored: true, ...result },
      text: [
        `Restored ${result.restored_from} (schema v${result.schema_version})`,
        ...(result.safety_copy === null ? [] : [`Previous database kept at ${result.safety_copy}`]),
      ].join("\n"),
    };
  },
});
