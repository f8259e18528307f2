/**
 * `tm claim`, `tm heartbeat`, `tm release`: leases on tasks.
 *
 * @module
 */

import { claimTask, heartbeat, releaseTask } from "../app/claims.ts";
import { parseDuration } from "../core/duration.ts";
import { parseCapabilities } from "../core/capability.ts";
import { usageError, validationError } from "../core/errors.ts";
import { defineCommand } from "./command.ts";
import { forTasks, WHERE_OPTION } from "./bulk.ts";
import { oneLine } from "./output.ts";

/** The `--reason` that `--steal` / `--force` require: one line, 1-500 characters. */
function forceReason(flag: string, reason: string | undefined): { reason: string } {
  if (reason === undefined || reason.trim() === "") {
    throw usageError(`${flag} needs --reason TEXT`, "say why, for the agent who loses the task");
  }
  if (reason.length > 500) throw validationError("--reason is longer than 500 characters");
  return { reason: reason.trim() };
}

function ttl(value: string | undefined): { ttlMs?: number } {
  return value === undefined ? {} : { ttlMs: leaseTtl(value) };
}

/** Parse a `--ttl` lease length; a lease under a second would expire before it is used. */
export function leaseTtl(value: string): number {
  const ms = parseDuration(value, "--ttl");
  if (ms < 1000) {
    throw validationError(
      `invalid --ttl "${value}": a lease must last at least 1s`,
      "e.g. --ttl 90s, --ttl 30m",
    );
  }
  return ms;
}

/** The `claim` command. */
export const claimCommand = defineCommand({
  name: "claim",
  usage: `Usage: tm claim [ID] [--ttl DURATION] [--capability C]...
       tm claim ID --steal --reason TEXT

Take a task: it becomes in_progress and held by you until the lease ends. Without ID, the
best ready task offered to you (see tm ready: never one that needs a capability you have
not registered; claiming such a task by ID is refused, exit 5). Exactly one agent wins a race; the others
are told who holds it (exit 6). Re-claiming a task you hold renews the lease. Any write you
make to the task renews it too; tm heartbeat renews it explicitly. When the lease ends
without renewal the task is claimable again. Prints "Claimed task <id>: <title> (lease
until <time>)" or "No ready tasks" (exit 0). A lease may last at most $TM_MAX_LEASE (default
24h); longer work renews it with tm heartbeat.

--steal takes a task from another agent's live lease (a lead taking work back from an agent
that died): the former holder gets a high-priority notification with the reason, and its
next write to the task fails with exit 6 (lease lost).`,
  options: {
    ttl: {
      type: "string",
      value: "DURATION",
      help: "lease length, at least 1s, e.g. 90s, 30m, 2h (default $TM_LEASE_TTL\n" +
        "or 30m)",
    },
    capability: {
      type: "string",
      multiple: true,
      value: "C",
      help: "without ID: only tasks that need nothing beyond C; repeatable",
    },
    steal: { type: "boolean", help: "take the task even from another agent's live lease" },
    reason: { type: "string", value: "TEXT", help: "why (required with --steal)" },
  },
  args: [],
  optionalArgs: ["ID"],
  authors: true,
  async run({ args, flags, app }) {
    if (flags.reason !== undefined && !flags.steal) {
      throw usageError("claim: --reason only goes with --steal");
    }
    const result = await claimTask(await app(), args[0] ?? null, {
      ...ttl(flags.ttl),
      capabilities: parseCapabilities(flags.capability),
      ...(flags.steal ? { steal: forceReason("--steal", flags.reason) } : {}),
    });
    const task = result.task;
    return {
      data: { ...result },
      text: task === null
        ? "No ready tasks"
        : `Claimed task ${task.id}: ${oneLine(task.title)} (lease until ${task.lease_expires_at})`,
    };
  },
});

/** The `heartbeat` command. */
export const heartbeatCommand = defineCommand({
  name: "heartbeat",
  usage: `Usage: tm heartbeat ID [--ttl DURATION]

Renew the lease on a task you hold. Without --ttl the lease is extended to at least now +
$TM_LEASE_TTL (or 30m), never shortened, so a longer lease taken with claim --ttl is kept;
with --ttl it ends exactly that long from now. If another agent took it over after your
lease ended, this fails with exit 6 (lease lost).`,
  options: {
    ttl: { type: "string", value: "DURATION", help: "new lease length from now, at least 1s" },
  },
  args: ["ID"],
  authors: true,
  async run({ args, flags, app }) {
    const task = await heartbeat(await app(), args[0]!, ttl(flags.ttl));
    return {
      data: { task },
      text: `Lease on task ${task.id} renewed until ${task.lease_expires_at}`,
    };
  },
});

/** The `release` command. */
export const releaseCommand = defineCommand({
  name: "release",
  usage: `Usage: tm release ID... [--force --reason TEXT]
       tm release --where FILTERS [--force --reason TEXT]

Give back a task you hold: it becomes pending (or blocked) and claimable by others.
Several ids, or --where, release them all in one transaction (all or nothing). With
--force, release another agent's claim (a lead freeing work of an agent that died): the
former holder gets a high-priority notification with the reason, and its next write to the
task fails with exit 6 (lease lost).`,
  options: {
    ...WHERE_OPTION,
    force: { type: "boolean", help: "release even another agent's claim" },
    reason: { type: "string", value: "TEXT", help: "why (required with --force)" },
  },
  args: [],
  optionalArgs: ["ID..."],
  authors: true,
  run({ args, flags, app }) {
    if (flags.reason !== undefined && !flags.force) {
      throw usageError("release: --reason only goes with --force");
    }
    const force = flags.force ? { force: forceReason("--force", flags.reason) } : {};
    return forTasks("release", { ids: args[0], where: flags.where, app }, async (ctx, id) => {
      const task = await releaseTask(ctx, id, force);
      return { data: { task }, text: `Task ${task.id} released` };
    });
  },
});
