/**
 * The command table: every `tm` command, grouped for `tm help`.
 *
 * @module
 */

import type { CommandSpec } from "./command.ts";
import { addCommand } from "./cmd_add.ts";
import { agentCommand } from "./cmd_agent.ts";
import { claimCommand, heartbeatCommand, releaseCommand } from "./cmd_claim.ts";
import {
  contextCommand,
  discoverCommand,
  joinCommand,
  noteCommand,
  shareCommand,
  syncCommand,
} from "./cmd_collab.ts";
import { completeCommand } from "./cmd_complete.ts";
import { configCommand } from "./cmd_config.ts";
import { criteriaCommand } from "./cmd_criteria.ts";
import { feedbackCommand } from "./cmd_feedback.ts";
import { progressCommand } from "./cmd_progress.ts";
import { criticalPathCommand, metricsCommand, reportCommand } from "./cmd_metrics.ts";
import { deleteCommand } from "./cmd_delete.ts";
import { depCommand } from "./cmd_dep.ts";
import { exportCommand, importCommand } from "./cmd_export.ts";
import { migrateCommand } from "./cmd_migrate.ts";
import { helpCommand } from "./cmd_help.ts";
import { initCommand } from "./cmd_init.ts";
import { listCommand } from "./cmd_list.ts";
import { onboardCommand, primeCommand } from "./cmd_prime.ts";
import { readyCommand } from "./cmd_ready.ts";
import { showCommand } from "./cmd_show.ts";
import { templateCommand } from "./cmd_template.ts";
import { assignCommand, updateCommand } from "./cmd_update.ts";
import { watchCommand } from "./cmd_watch.ts";
import { workerCommand } from "./cmd_worker.ts";

/** A titled group of commands in `tm help`. */
export interface CommandGroup {
  title: string;
  commands: readonly CommandSpec[];
}

/** Every command, in the order `tm help` shows them. */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  {
    title: "Tasks",
    commands: [
      initCommand,
      addCommand,
      listCommand,
      showCommand,
      updateCommand,
      assignCommand,
      depCommand,
      completeCommand,
      deleteCommand,
      templateCommand,
    ],
  },
  {
    title: "Core loop",
    commands: [
      criteriaCommand,
      progressCommand,
      feedbackCommand,
      metricsCommand,
      reportCommand,
      criticalPathCommand,
      configCommand,
    ],
  },
  {
    title: "Multi-agent work",
    commands: [
      readyCommand,
      claimCommand,
      heartbeatCommand,
      releaseCommand,
      agentCommand,
      workerCommand,
    ],
  },
  {
    title: "Agent sessions",
    commands: [primeCommand, onboardCommand],
  },
  {
    title: "Collaboration",
    commands: [
      joinCommand,
      shareCommand,
      noteCommand,
      discoverCommand,
      syncCommand,
      contextCommand,
      watchCommand,
    ],
  },
  {
    title: "Data",
    commands: [exportCommand, importCommand, migrateCommand],
  },
  {
    title: "Help",
    commands: [helpCommand],
  },
];

const BY_NAME = new Map<string, CommandSpec>();

/** The command called `name`, if there is one. */
export function findCommand(name: string): CommandSpec | undefined {
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
