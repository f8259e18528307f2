/**
 * The command table: every `tm` command with its one-line summary, grouped for `tm help`.
 * A command's module (its usage, flags and implementation, and everything they import) is
 * loaded only when that command runs or its help is asked for: start-up cost is the product,
 * and loading every command family on every call cost ~16 ms and ~14 MiB (docs/performance.md).
 *
 * @module
 */

import type { CommandSpec } from "./command.ts";

/** A command as the table knows it before its module is loaded. */
export interface CommandEntry {
  /** The word after `tm`. */
  name: string;
  /** One line for `tm help`. */
  summary: string;
  /** Load the command's module and return its spec. */
  load(): Promise<CommandSpec>;
}

/** A titled group of commands in `tm help`. */
export interface CommandGroup {
  title: string;
  commands: readonly CommandEntry[];
}

/**
 * A table entry whose module is `file` beside this one. The specifier is computed on purpose:
 * Deno reads (but does not run) every statically analysable dynamic import at start-up, which
 * cost ~1.5 MiB and a few ms per call. `deno compile` therefore gets `--include src/cli/`.
 */
function lazy(name: string, summary: string, file: string, exportName: string): CommandEntry {
  return {
    name,
    summary,
    async load() {
      const module = await import(new URL(file, import.meta.url).href);
      const spec = module[exportName] as CommandSpec | undefined;
      if (spec === undefined || spec.name !== name) {
        throw new Error(`command table entry "${name}" does not match export ${exportName}`);
      }
      return spec;
    },
  };
}

/** Every command, in the order `tm help` shows them. */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  {
    title: "Tasks",
    commands: [
      lazy(
        "init",
        "create the data directory and database (idempotent)",
        "./cmd_init.ts",
        "initCommand",
      ),
      lazy("add", "create a task", "./cmd_add.ts", "addCommand"),
      lazy("list", "list tasks, one line each", "./cmd_list.ts", "listCommand"),
      lazy(
        "search",
        "find tasks by words in their title, description or shared context",
        "./cmd_list.ts",
        "searchCommand",
      ),
      lazy("show", "one task in full", "./cmd_show.ts", "showCommand"),
      lazy("tags", "the tags in use, with counts", "./cmd_tags.ts", "tagsCommand"),
      lazy("tree", "the dependency tree: what blocks what", "./cmd_tree.ts", "treeCommand"),
      lazy("board", "tasks in columns by status", "./cmd_board.ts", "boardCommand"),
      lazy(
        "update",
        "change a task's status, priority, assignee, title or description",
        "./cmd_update.ts",
        "updateCommand",
      ),
      lazy(
        "edit",
        "change a task's title and description in your editor",
        "./cmd_edit.ts",
        "editCommand",
      ),
      lazy(
        "assign",
        "set the assignee of a task",
        "./cmd_update.ts",
        "assignCommand",
      ),
      lazy(
        "dep",
        "add or remove a dependency (dep add|remove ID DEP_ID)",
        "./cmd_dep.ts",
        "depCommand",
      ),
      lazy(
        "complete",
        "complete a task; unblock and notify its dependents",
        "./cmd_complete.ts",
        "completeCommand",
      ),
      lazy("delete", "delete a task", "./cmd_delete.ts", "deleteCommand"),
      lazy(
        "archive",
        "move finished tasks out of the default views",
        "./cmd_archive.ts",
        "archiveCommand",
      ),
      lazy(
        "restore-task",
        "bring back a task deleted in the last 30 days",
        "./cmd_archive.ts",
        "restoreTaskCommand",
      ),
      lazy(
        "template",
        "task templates that create a set of linked tasks (list|show|apply NAME)",
        "./cmd_template.ts",
        "templateCommand",
      ),
    ],
  },
  {
    title: "Core loop",
    commands: [
      lazy(
        "criteria",
        "list, add and check a task's success criteria; record measured values",
        "./cmd_criteria.ts",
        "criteriaCommand",
      ),
      lazy(
        "progress",
        "append a progress update (a leading NN% is recorded as percent)",
        "./cmd_progress.ts",
        "progressCommand",
      ),
      lazy(
        "feedback",
        "rate a completed task (quality, timeliness 1-5, note)",
        "./cmd_feedback.ts",
        "feedbackCommand",
      ),
      lazy(
        "metrics",
        "throughput, cycle time, estimate accuracy and feedback, per agent",
        "./cmd_metrics.ts",
        "metricsCommand",
      ),
      lazy(
        "report",
        "activity report: created, completed, rates, feature adoption",
        "./cmd_metrics.ts",
        "reportCommand",
      ),
      lazy(
        "critical-path",
        "the longest dependency chain of open tasks by estimated hours",
        "./cmd_metrics.ts",
        "criticalPathCommand",
      ),
      lazy(
        "config",
        "show and switch feature flags",
        "./cmd_config.ts",
        "configCommand",
      ),
    ],
  },
  {
    title: "Multi-agent work",
    commands: [
      lazy(
        "ready",
        "tasks that can start now, best first (--explain ID: why not)",
        "./cmd_ready.ts",
        "readyCommand",
      ),
      lazy(
        "claim",
        "atomically take a task (the best ready one when no ID) with a lease",
        "./cmd_claim.ts",
        "claimCommand",
      ),
      lazy(
        "heartbeat",
        "renew your lease on a task",
        "./cmd_claim.ts",
        "heartbeatCommand",
      ),
      lazy("release", "give a claimed task back", "./cmd_claim.ts", "releaseCommand"),
      lazy(
        "agent",
        "register agents and their capabilities (agent register|list|show|remove)",
        "./cmd_agent.ts",
        "agentCommand",
      ),
      lazy(
        "worker",
        "run a command for each matching ready task (claim, run, complete/retry)",
        "./cmd_worker.ts",
        "workerCommand",
      ),
    ],
  },
  {
    title: "Agent sessions",
    commands: [
      lazy(
        "prime",
        "a compact briefing for an agent session (identity, my work, ready, unread)",
        "./cmd_prime.ts",
        "primeCommand",
      ),
      lazy(
        "onboard",
        "print a snippet for AGENTS.md / CLAUDE.md on how to use tm",
        "./cmd_prime.ts",
        "onboardCommand",
      ),
      lazy(
        "mcp",
        "serve tm's tools to an MCP client over stdio (docs/mcp.md)",
        "./cmd_mcp.ts",
        "mcpCommand",
      ),
      lazy(
        "validate-orchestration",
        "check TM_AGENT_ID, a reachable tm and the database (help enforcement)",
        "./cmd_orchestration.ts",
        "validateOrchestrationCommand",
      ),
      lazy(
        "fix-orchestration",
        "fix what validate-orchestration finds, asking on a terminal (--interactive)",
        "./cmd_orchestration.ts",
        "fixOrchestrationCommand",
      ),
    ],
  },
  {
    title: "Collaboration",
    commands: [
      lazy("join", "join a task as a participant", "./cmd_collab.ts", "joinCommand"),
      lazy(
        "share",
        "add an update (or a document) to a task's shared context",
        "./cmd_collab.ts",
        "shareCommand",
      ),
      lazy(
        "note",
        "add a private note to a task (only you see it)",
        "./cmd_collab.ts",
        "noteCommand",
      ),
      lazy(
        "discover",
        "broadcast a discovery to everyone working on a task and its dependents",
        "./cmd_collab.ts",
        "discoverCommand",
      ),
      lazy(
        "sync",
        "record a sync point, or wait for one (--wait)",
        "./cmd_collab.ts",
        "syncCommand",
      ),
      lazy(
        "context",
        "a task's shared context and your own private notes",
        "./cmd_collab.ts",
        "contextCommand",
      ),
      lazy(
        "retract",
        "take back a shared-context entry you wrote (kept in history)",
        "./cmd_retract.ts",
        "retractCommand",
      ),
      lazy(
        "watch",
        "print your new notifications (--follow: as they arrive)",
        "./cmd_watch.ts",
        "watchCommand",
      ),
    ],
  },
  {
    title: "Server",
    commands: [
      lazy(
        "serve",
        "serve the HTTP API, live events and the dashboard (loopback by default)",
        "./cmd_serve.ts",
        "serveCommand",
      ),
      lazy(
        "login",
        "run this project's commands against a tm server (login URL --token T)",
        "./cmd_login.ts",
        "loginCommand",
      ),
      lazy("logout", "forget this project's tm login", "./cmd_login.ts", "logoutCommand"),
      lazy(
        "token",
        "API tokens for tm serve (token create AGENT|list|revoke ID)",
        "./cmd_token.ts",
        "tokenCommand",
      ),
    ],
  },
  {
    title: "Data",
    commands: [
      lazy(
        "export",
        "export all tasks (json, csv, markdown, jsonl)",
        "./cmd_export.ts",
        "exportCommand",
      ),
      lazy(
        "import",
        "import tasks from a JSONL export (all or nothing)",
        "./cmd_export.ts",
        "importCommand",
      ),
      lazy(
        "migrate",
        "schema status, apply migrations, roll back to the last backup",
        "./cmd_migrate.ts",
        "migrateCommand",
      ),
      lazy(
        "db",
        "copy the database between SQLite and PostgreSQL (db copy --to URL|FILE)",
        "./cmd_db.ts",
        "dbCommand",
      ),
      lazy(
        "doctor",
        "check the database, mirrors, stray files and backups (--repair mends)",
        "./cmd_doctor.ts",
        "doctorCommand",
      ),
      lazy(
        "restore",
        "put a backup in place of the database (keeps what it replaces)",
        "./cmd_doctor.ts",
        "restoreCommand",
      ),
    ],
  },
  {
    title: "Help",
    commands: [
      lazy(
        "help",
        "this overview, or the options of one command (help COMMAND, help exit-codes)",
        "./cmd_help.ts",
        "helpCommand",
      ),
      lazy(
        "completions",
        "shell completion for bash, zsh or fish, from the command declarations",
        "./cmd_completions.ts",
        "completionsCommand",
      ),
    ],
  },
];

/**
 * The commands the original guarded with orchestration enforcement (its add, join, share,
 * note, discover, sync, context, assign, watch and template): at the standard and strict
 * levels they refuse to run without TM_AGENT_ID, a reachable tm and a database.
 */
export const ORCHESTRATED_COMMANDS: ReadonlySet<string> = new Set([
  "add",
  "join",
  "share",
  "note",
  "discover",
  "sync",
  "context",
  "assign",
  "watch",
  "template",
]);

const BY_NAME = new Map<string, CommandEntry>();

/** The command called `name`, if there is one. */
export function findCommand(name: string): CommandEntry | undefined {
  if (BY_NAME.size === 0) {
    for (const group of COMMAND_GROUPS) {
      for (const command of group.commands) BY_NAME.set(command.name, command);
    }
  }
  return BY_NAME.get(name);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** Whether `a` is `b` with two neighbouring letters swapped ("lsit" for "list"). */
function isTransposition(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const differ = [...a].flatMap((c, i) => (c === b[i] ? [] : [i]));
  return differ.length === 2 && differ[1] === differ[0]! + 1 &&
    a[differ[0]!] === b[differ[1]!] && a[differ[1]!] === b[differ[0]!];
}

/** The closest command name to a mistyped one, if any is close. */
export function suggestCommand(name: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const group of COMMAND_GROUPS) {
    for (const command of group.commands) {
      // A swap of two neighbouring letters is the most common typo: it counts as one edit.
      const distance = isTransposition(name, command.name) ? 1 : editDistance(name, command.name);
      if (distance <= 2 && (best === undefined || distance < best.distance)) {
        best = { name: command.name, distance };
      }
    }
  }
  return best?.name;
}
