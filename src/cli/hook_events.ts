/**
 * Which events each command can record, so that a process keeps the permission to start
 * hooks only when a hook named after one of them is installed: an executable
 * `hooks/on-task-completed` must not leave `tm list` or `tm note` able to run programs.
 * A command missing from the table keeps the permission whenever any hook is installed.
 *
 * @module
 */

import type { EventType } from "../core/event.ts";
import { hookName } from "./hooks.ts";

const TASK_CHANGES: readonly EventType[] = [
  "updated",
  "assigned",
  "blocked",
  "unblocked",
  "completed",
  "released",
  "claimed",
  "lease_expired",
];

/** The events each command may record (empty: it records none). */
export const COMMAND_EVENTS: Readonly<Record<string, readonly EventType[]>> = {
  init: [],
  add: ["created", "dependency_added", "blocked"],
  list: [],
  show: [],
  update: TASK_CHANGES,
  assign: ["assigned"],
  dep: ["dependency_added", "dependency_removed", "blocked", "unblocked"],
  complete: ["completed", "unblocked"],
  delete: ["deleted", "unblocked"],
  template: ["template_applied", "created", "dependency_added", "blocked"],
  criteria: ["criteria"],
  progress: ["progress", "run_failed", "gave_up"],
  feedback: ["feedback"],
  metrics: [],
  report: [],
  "critical-path": [],
  config: [],
  ready: [],
  claim: ["claimed", "lease_expired"],
  heartbeat: ["heartbeat"],
  release: ["released", "lease_expired"],
  agent: ["agent_registered", "agent_updated", "agent_removed"],
  prime: [],
  onboard: [],
  join: ["joined"],
  share: ["shared", "document_shared", "joined"],
  note: [],
  discover: ["discovered", "joined"],
  sync: ["sync_point", "joined"],
  context: [],
  watch: [],
  export: [],
  import: ["imported", "created", "blocked", "unblocked"],
  migrate: [],
  db: [],
  doctor: [],
  restore: [],
  help: [],
  token: [],
  login: [],
  logout: [],
  search: [],
  tags: [],
  tree: [],
  board: [],
  completions: [],
  edit: TASK_CHANGES,
  archive: ["archived", "unblocked"],
  "restore-task": ["restored", "blocked", "unblocked"],
  retract: ["context_retracted"],
  "validate-orchestration": [],
  "fix-orchestration": [],
  // serve, mcp and worker write on behalf of others for as long as they run: they are not
  // listed, so they keep the permission whenever a hook is installed.
};

/** Whether `command` can fire one of the `installed` hooks (unknown commands: any hook). */
export function firesInstalledHook(command: string, installed: ReadonlySet<string>): boolean {
  if (installed.size === 0) return false;
  const events = COMMAND_EVENTS[command];
  if (events === undefined) return true;
  return events.some((event) => installed.has(hookName(event)));
}
