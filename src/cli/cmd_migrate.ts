/**
 * `tm migrate`: schema status, apply, rollback. It never calls `app()`, so the database is
 * not auto-migrated by opening it: `--status` reports the schema as it is.
 *
 * @module
 */

import { TmError, usageError } from "../core/errors.ts";
import { defineCommand } from "./command.ts";

/** The `migrate` command. */
export const migrateCommand = defineCommand({
  name: "migrate",
  usage: `Usage: tm migrate [--status | --dry-run | --apply | --rollback [--yes]]

Every tm command migrates an older database when it opens it, after an online backup into
.task-orchestrator/backups/ (tasks-v<old version>-<time>.db; the 10 newest are kept).
This command makes that explicit.`,
  options: {
    status: {
      type: "boolean",
      help: "the database's schema version, the pending migrations and the backups,\n" +
        "without migrating anything (the default)",
    },
    "dry-run": {
      type: "boolean",
      help: 'what --apply would do: "Would apply: <version> - <description>" lines',
    },
    apply: { type: "boolean", help: "apply the pending migrations now (backup first)" },
    rollback: {
      type: "boolean",
      help: "restore the newest backup over the database; the current state is first\n" +
        "copied to backups/pre-rollback-<time>.db. Asks for confirmation on a\n" +
        "terminal; elsewhere it is refused without --yes (exit 2). The next other tm\n" +
        "command migrates the restored database again: roll back to recover data,\n" +
        "or to keep using an older tm.",
    },
    yes: { type: "boolean", help: "confirm --rollback without asking" },
  },
  args: [],
  async run({ flags, location, lockTimeoutMs, database, io }) {
    const modes = (["status", "dryRun", "apply", "rollback"] as const).filter((mode) =>
      flags[mode]
    );
    if (modes.length > 1) {
      throw usageError("migrate: choose one of --status, --dry-run, --apply, --rollback");
    }
    if (flags.yes && modes[0] !== "rollback") {
      throw usageError("migrate: --yes only goes with --rollback");
    }
    if (!await (await database()).exists(location.dbPath, lockTimeoutMs)) {
      throw new TmError("not_initialized", `not initialised: no database at "${location.dbPath}"`, {
        hint: 'run "tm init" first',
      });
    }
    // Loaded on use: keeps the start-up of every other command lean.
    const { applyMigrations, assertNotNewer, latestBackup, migrationStatus, rollback } =
      await import(
        "../app/migrate.ts"
      );
    const db = await database();
    const mode = modes[0] ?? "status";
    if (mode === "apply") {
      const result = await applyMigrations(location, lockTimeoutMs, db);
      const text = result.applied.length === 0 ? `Schema is up to date (v${result.to_version})` : [
        `Migrated schema v${result.from_version} -> v${result.to_version}`,
        ...result.applied.map((m) => `  applied ${m.version}: ${m.description}`),
        ...(result.backup === null ? [] : [`Backup: ${result.backup}`]),
      ].join("\n");
      return { data: { ...result }, text };
    }
    if (mode === "rollback") {
      if (!flags.yes) {
        const latest = await latestBackup(location, db);
        const question =
          `Restore ${latest.name} (schema v${latest.schema_version}) over the database?`;
        const answer = io.confirm?.(question);
        if (answer === undefined) {
          throw usageError(
            "migrate: refusing to roll back without --yes (stdin is not a terminal)",
            `this would restore ${latest.name} (schema v${latest.schema_version})`,
          );
        }
        if (!answer) return { data: { rolled_back: false }, text: "Rollback cancelled" };
      }
      const result = await rollback(location, db);
      return {
        data: { rolled_back: true, ...result },
        text: [
          `Restored ${result.restored_from} (schema v${result.schema_version})`,
          `Previous state saved to ${result.safety_copy}`,
        ].join("\n"),
      };
    }
    const status = await migrationStatus(location, lockTimeoutMs, db);
    assertNotNewer(status);
    if (mode === "dryRun") {
      // The original's --dry-run lines.
      const text = status.pending.length === 0
        ? "No pending migrations"
        : status.pending.map((m) => `Would apply: ${m.version} - ${m.description}`).join("\n");
      return { data: { ...status }, text };
    }
    const lines = [
      `Schema version: ${status.current_version} (latest ${status.latest_version})`,
      // "Pending migrations" always, as the original printed it (its scripts grep "migration").
      `Pending migrations: ${status.pending.length}`,
      ...(status.up_to_date ? ["Up to date"] : []),
      ...status.pending.map((m) => `  ${m.version}: ${m.description}`),
      `Backups: ${status.backups.length}${
        status.backups[0] === undefined ? "" : ` (latest ${status.backups[0].name})`
      }`,
    ];
    return { data: { ...status }, text: lines.join("\n") };
  },
});
