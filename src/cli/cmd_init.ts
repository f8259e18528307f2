/**
 * `tm init`: create the data directory and database.
 *
 * @module
 */

import { initProject } from "../app/init.ts";
import { defineCommand } from "./command.ts";

/** The `init` command. */
export const initCommand = defineCommand({
  name: "init",
  usage: `Usage: tm init

Create .task-orchestrator/ (database tasks.db, shared_context/, private_notes/, config/,
telemetry/, backups/) at the project root: the main git worktree's root when run inside a
git repository, else the working directory. TM_DB_PATH or --db choose another place.
Running it again is harmless.`,
  options: {},
  args: [],
  async run({ location, lockTimeoutMs, database }) {
    const result = await initProject(location, lockTimeoutMs, await database());
    return {
      data: { ...result },
      text: result.created
        ? `Task database initialized in ${result.data_dir}`
        : `Already initialized: ${result.data_dir}`,
    };
  },
});
