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

function lazy(
  name: string,
  summary: string,
  module: () => Promise<Record<string, unknown>>,
  exportName: string,
): CommandEntry {
  return {
    name,
    summary,
    async load() {
      const spec = (await module())[exportName] as CommandSpec | undefined;
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
        () => import("./cmd_init.ts"),
        "initCommand",
      ),
      lazy("add", "create a task", () => import("./cmd_add.ts"), "addCommand"),
      lazy("list", "list tasks, one line each", () => import("./cmd_list.ts"), "listCommand"),
      lazy("show", "one task in full", () => import("./cmd_show.ts"), "showCommand"),
      lazy(
        "update",
        "change a task's status, priority, assignee, title or description",
        () => import("./cmd_update.ts"),
        "updateCommand",
      ),
      lazy(
        "assign",
        "set the assignee of a task",
        () => import("./cmd_update.ts"),
        "assignCommand",
      ),
      lazy(
        "dep",
        "add or remove a dependency (dep add|remove ID DEP_ID)",
        () => import("./cmd_dep.ts"),
        "depCommand",
      ),
      lazy(
        "complete",
        "complete a task; unblock and notify its dependents",
        () => import("./cmd_complete.ts"),
        "completeCommand",
      ),
      lazy("delete", "delete a task", () => import("./cmd_delete.ts"), "deleteCommand"),
      lazy(
        "template",
        "task templates that create a set of linked tasks (list|show|apply NAME)",
        () => import("./cmd_template.ts"),
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
        () => import("./cmd_criteria.ts"),
        "criteriaCommand",
      ),
      lazy(
        "progress",
        "append a progress update (a leading NN% is recorded as percent)",
        () => import("./cmd_progress.ts"),
        "progressCommand",
      ),
      lazy(
        "feedback",
        "rate a completed task (quality, timeliness 1-5, note)",
        () => import("./cmd_feedback.ts"),
        "feedbackCommand",
      ),
      lazy(
        "metrics",
        "throughput, cycle time, estimate accuracy and feedback, per agent",
        () => import("./cmd_metrics.ts"),
        "metricsCommand",
      ),
      lazy(
        "report",
        "activity report: created, completed, rates, feature adoption",
        () => import("./cmd_metrics.ts"),
        "reportCommand",
      ),
      lazy(
        "critical-path",
        "the longest dependency chain of open tasks by estimated hours",
        () => import("./cmd_metrics.ts"),
        "criticalPathCommand",
      ),
      lazy(
        "config",
        "show and switch feature flags",
        () => import("./cmd_config.ts"),
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
        () => import("./cmd_ready.ts"),
        "readyCommand",
      ),
      lazy(
        "claim",
        "atomically take a task (the best ready one when no ID) with a lease",
        () => import("./cmd_claim.ts"),
        "claimCommand",
      ),
      lazy(
        "heartbeat",
        "renew your lease on a task",
        () => import("./cmd_claim.ts"),
        "heartbeatCommand",
      ),
      lazy("release", "give a claimed task back", () => import("./cmd_claim.ts"), "releaseCommand"),
      lazy(
        "agent",
        "register agents and their capabilities (agent register|list|show|remove)",
        () => import("./cmd_agent.ts"),
        "agentCommand",
      ),
      lazy(
        "worker",
        "run a command for each matching ready task (claim, run, complete/retry)",
        () => import("./cmd_worker.ts"),
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
        () => import("./cmd_prime.ts"),
        "primeCommand",
      ),
      lazy(
        "onboard",
        "print a snippet for AGENTS.md / CLAUDE.md on how to use tm",
        () => import("./cmd_prime.ts"),
        "onboardCommand",
      ),
    ],
  },
  {
    title: "Collaboration",
    commands: [
      lazy("join", "join a task as a participant", () => import("./cmd_collab.ts"), "joinCommand"),
      lazy(
        "share",
        "add an update (or a document) to a task's shared context",
        () => import("./cmd_collab.ts"),
        "shareCommand",
      ),
      lazy(
        "note",
        "add a private note to a task (only you see it)",
        () => import("./cmd_collab.ts"),
        "noteCommand",
      ),
      lazy(
        "discover",
        "broadcast a discovery to everyone working on a task and its dependents",
        () => import("./cmd_collab.ts"),
        "discoverCommand",
      ),
      lazy(
        "sync",
        "record a sync point, or wait for one (--wait)",
        () => import("./cmd_collab.ts"),
        "syncCommand",
      ),
      lazy(
        "context",
        "a task's shared context and your own private notes",
        () => import("./cmd_collab.ts"),
        "contextCommand",
      ),
      lazy(
        "watch",
        "print your new notifications (--follow: as they arrive)",
        () => import("./cmd_watch.ts"),
        "watchCommand",
      ),
    ],
  },
  {
    title: "Data",
    commands: [
      lazy(
        "export",
        "export all tasks (json, csv, markdown, jsonl)",
        () => import("./cmd_export.ts"),
        "exportCommand",
      ),
      lazy(
        "import",
        "import tasks from a JSONL export (all or nothing)",
        () => import("./cmd_export.ts"),
        "importCommand",
      ),
      lazy(
        "migrate",
        "schema status, apply migrations, roll back to the last backup",
        () => import("./cmd_migrate.ts"),
        "migrateCommand",
      ),
    ],
  },
  {
    title: "Help",
    commands: [
      lazy(
        "help",
        "this overview, or the options of one command (help COMMAND, help exit-codes)",
        () => import("./cmd_help.ts"),
        "helpCommand",
      ),
    ],
  },
];

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

/** The closest command name to a mistyped one, if any is close. */
export function suggestCommand(name: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const group of COMMAND_GROUPS) {
    for (const command of group.commands) {
      const distance = editDistance(name, command.name);
      if (distance <= 2 && (best === undefined || distance < best.distance)) {
        best = { name: command.name, distance };
      }
    }
  }
  return best?.name;
}
