/**
 * Use cases: claim a task with a lease, renew it, give it back (`tm claim`, `tm heartbeat`,
 * `tm release`). A claim is a compare-and-swap inside one write transaction; lease expiry is
 * decided there too, so no reaper process is needed.
 *
 * @module
 */

import { missingCapabilities } from "../core/capability.ts";
import { TmError } from "../core/errors.ts";
import { isHeld, mayClaim } from "../core/lease.ts";
import type { Task } from "../core/task.ts";
import type { StoreTx } from "../store/store.ts";
import { type AppContext, DEFAULT_MAX_LEASE_MS, nowIso } from "./context.ts";
import { routingCapabilities } from "./agents.ts";
import { type TaskWrite, writeLoadedTask, type WritePolicy, writeTask } from "./_task_write.ts";
import { loadTask } from "./resolve.ts";

/** Options of `tm claim`. */
export interface ClaimOptions {
  /** Lease length; the context's default when absent. */
  ttlMs?: number;
  /**
   * Take the task even from another agent's live lease (`--steal`), with this reason: the
   * former holder is notified and its next write fails with lease_lost (exit 6).
   */
  steal?: { reason: string };
  /** Without an id: narrow the agent's capability set to these (`--capability`). */
  capabilities?: readonly string[];
}

/** What a claim did. `task` is null when nothing was ready to claim. */
export interface ClaimResult {
  task: Task | null;
  /** The agent whose expired lease this claim took over, if any. */
  took_over_from: string | null;
}

function leaseEnd(now: string, ttlMs: number): string {
  return new Date(Date.parse(now) + ttlMs).toISOString();
}

/** Refuse (exit 5) a lease longer than the project's maximum (TM_MAX_LEASE, default 24h). */
export function checkLeaseLength(ctx: AppContext, ttlMs: number, what = "lease"): void {
  const max = ctx.maxLeaseMs ?? DEFAULT_MAX_LEASE_MS;
  if (ttlMs > max) {
    throw new TmError(
      "validation",
      `${what} of ${Math.round(ttlMs / 1000)}s is longer than the maximum lease (${
        Math.round(max / 1000)
      }s)`,
      { hint: "renew with tm heartbeat instead, or raise TM_MAX_LEASE", details: { max_ms: max } },
    );
  }
}

/** Explain why `task` could not be claimed by `agent`, as a user error. */
function claimRefusal(task: Task, agent: string, now: string, openDeps: number): TmError {
  if (isHeld(task, now)) {
    return new TmError(
      "conflict",
      `cannot claim task "${task.id}": held by "${task.claimed_by}" until ${task.lease_expires_at}`,
      {
        hint: "claim another task (tm ready), or wait for the lease to end",
        details: { holder: task.claimed_by, lease_expires_at: task.lease_expires_at },
      },
    );
  }
  if (task.status === "blocked") {
    return new TmError(
      "invalid_transition",
      `cannot claim task "${task.id}": blocked${
        openDeps > 0 ? ` by ${openDeps} open ${openDeps === 1 ? "dependency" : "dependencies"}` : ""
      }`,
      { hint: `tm ready --explain ${task.id} says why` },
    );
  }
  if (task.status === "in_progress") {
    return new TmError(
      "conflict",
      `cannot claim task "${task.id}": in progress${
        task.assignee !== null ? ` (assigned to "${task.assignee}")` : ""
      } without a claim`,
      { hint: "set it back to pending first: tm update ID --status pending" },
    );
  }
  if (task.assignee !== null && task.assignee !== agent) {
    return new TmError(
      "conflict",
      `cannot claim task "${task.id}": assigned to "${task.assignee}"`,
      { hint: `reassign it first: tm assign ${task.id} ${agent}` },
    );
  }
  return new TmError("invalid_transition", `cannot claim task "${task.id}": it is ${task.status}`);
}

/**
 * Who may claim is {@link mayClaim} (core/lease.ts), applied by the store as a
 * compare-and-swap; a former holder may claim again, so the ordinary writer check is off.
 */
const CLAIM: WritePolicy = { action: "claim", lease: "unchecked", renew: false };

/** Take `task` for the acting agent if the claim rule allows it; null if it does not (or lost a race). */
function takeClaim(
  tx: StoreTx,
  ctx: AppContext,
  task: Task,
  ttlMs: number,
  steal?: { reason: string },
): Promise<ClaimResult | null> {
  return writeLoadedTask(tx, ctx, task, CLAIM, async ({ now, record }) => {
    const lease = leaseEnd(now, ttlMs);
    const stealing = steal !== undefined && isHeld(task, now) && task.claimed_by !== ctx.agent;
    if (!stealing && !mayClaim(task, ctx.agent, now)) return null;
    if (!await tx.tasks.claim(task.id, ctx.agent, now, lease, task)) return null;
    const previous = task.status === "in_progress" && task.claimed_by !== null &&
        task.claimed_by !== ctx.agent
      ? task.claimed_by
      : null;
    if (previous !== null && stealing) {
      await revokeLease(record, task, previous, ctx.agent, "stole", steal.reason);
    } else if (previous !== null) {
      await record("lease_expired", {
        former_holder: previous,
        lease_expired_at: task.lease_expires_at,
      }, {
        recipients: [previous],
        message: `Your lease on task ${task.id} "${task.title}" expired; ${ctx.agent} claimed it`,
        priority: "high",
      });
    }
    await tx.participants.add(task.id, ctx.agent, "claimer", now);
    await record("claimed", { lease_expires_at: lease });
    return { task: (await tx.tasks.get(task.id))!, took_over_from: previous };
  });
}

/**
 * Claim a task: the given one, or the best ready task offered to this agent. Losing a race
 * (or a task held by someone else) is a conflict naming the holder (exit 6).
 */
export function claimTask(
  ctx: AppContext,
  idInput: string | null,
  options: ClaimOptions = {},
): Promise<ClaimResult> {
  const ttlMs = options.ttlMs ?? ctx.leaseTtlMs;
  checkLeaseLength(ctx, ttlMs);
  if (options.steal !== undefined && idInput === null) {
    throw new TmError("usage", "claim --steal needs a task ID");
  }
  // Taking the best ready task touches only that task's row and appends, so engines may run
  // such claims side by side (store.ts, claimWrite); a claim by id stays an ordinary write.
  const write = idInput === null && ctx.store.claimWrite !== undefined
    ? ctx.store.claimWrite.bind(ctx.store)
    : ctx.store.write.bind(ctx.store);
  return write(async (tx) => {
    const now = nowIso(ctx);
    if (idInput !== null) {
      const task = await loadTask(tx, idInput);
      const missing = missingCapabilities(
        await tx.agents.taskCapabilities(task.id),
        await routingCapabilities(tx, ctx.agent),
      );
      if (missing.length > 0) {
        throw new TmError(
          "validation",
          `cannot claim task "${task.id}": capability ${missing.join(", ")} missing`,
          {
            hint: `register it first: tm agent register ${ctx.agent} --capability ${missing[0]}`,
            details: { missing },
          },
        );
      }
      const result = await takeClaim(tx, ctx, task, ttlMs, options.steal);
      if (result !== null) return result;
      throw claimRefusal(task, ctx.agent, now, await tx.dependencies.openCount(task.id));
    }
    const [best] = await tx.tasks.ready({
      now,
      offeredTo: ctx.agent,
      capabilities: await routingCapabilities(tx, ctx.agent, options.capabilities),
      limit: 1,
      lockRows: true,
    });
    if (best === undefined) return { task: null, took_over_from: null };
    const result = await takeClaim(tx, ctx, best, ttlMs);
    if (result === null) throw new Error(`claim of ready task ${best.id} did not apply`);
    return result;
  });
}

/** Renewing and giving back are for the holder only; neither renews by the ordinary rule. */
const RENEW: WritePolicy = { action: "renew the lease of", lease: "holder", renew: false };
const RELEASE: WritePolicy = { action: "release", lease: "holder", renew: false };

/**
 * Renew this agent's lease on a task. An explicit `ttlMs` sets the lease to exactly now+ttl;
 * without one the default ttl only extends it, so a longer lease taken with `claim --ttl`
 * is never shortened by a plain heartbeat.
 */
export function heartbeat(
  ctx: AppContext,
  idInput: string,
  options: ClaimOptions = {},
): Promise<Task> {
  if (options.ttlMs !== undefined) checkLeaseLength(ctx, options.ttlMs);
  return writeTask(ctx, idInput, RENEW, async ({ tx, task, now, record }) => {
    let lease = leaseEnd(now, options.ttlMs ?? ctx.leaseTtlMs);
    const current = task.lease_expires_at;
    if (
      options.ttlMs === undefined && current !== null && Date.parse(current) > Date.parse(lease)
    ) {
      lease = current;
    }
    await tx.tasks.update(task.id, { lease_expires_at: lease });
    await record("heartbeat", { lease_expires_at: lease });
    return { ...task, lease_expires_at: lease };
  });
}

/**
 * Record the revocation of `holder`'s live lease by `by`: a `lease_expired` event marked
 * `forced` (so the former holder's next write fails with lease_lost, exit 6, as after any
 * takeover) with a high-priority notification saying who did it and why.
 */
async function revokeLease(
  record: TaskWrite["record"],
  task: Task,
  holder: string,
  by: string,
  verb: "stole" | "force-released",
  reason: string,
): Promise<void> {
  await record("lease_expired", {
    former_holder: holder,
    lease_expired_at: task.lease_expires_at,
    forced: true,
    reason,
  }, {
    recipients: [holder],
    message: `${by} ${verb} task ${task.id} "${task.title}" from you: ${reason}`,
    priority: "high",
  });
}

/** A lead's release of a task held by another agent: reason required, holder notified. */
const FORCE_RELEASE: WritePolicy = { action: "release", lease: "unchecked", renew: false };

/** Options of `tm release`. */
export interface ReleaseOptions {
  /** Release even another agent's claim (`--force`), with this reason. */
  force?: { reason: string };
}

/** Give a claimed task back: it becomes pending (or blocked) and claimable by others. */
export function releaseTask(
  ctx: AppContext,
  idInput: string,
  options: ReleaseOptions = {},
): Promise<Task> {
  const force = options.force;
  const policy = force === undefined ? RELEASE : FORCE_RELEASE;
  return writeTask(ctx, idInput, policy, async ({ tx, task, now, record }) => {
    if (force !== undefined) {
      if (task.status !== "in_progress" || task.claimed_by === null) {
        throw new TmError(
          "invalid_transition",
          `cannot release task "${task.id}": it is not claimed (status ${task.status})`,
        );
      }
      if (task.claimed_by !== ctx.agent) {
        await revokeLease(record, task, task.claimed_by, ctx.agent, "force-released", force.reason);
      }
    }
    const status = await tx.dependencies.openCount(task.id) > 0 ? "blocked" : "pending";
    const patch = { status, claimed_by: null, lease_expires_at: null, updated_at: now } as const;
    await tx.tasks.update(task.id, patch);
    await record(
      "released",
      force === undefined ? undefined : {
        forced: true,
        reason: force.reason,
        former_holder: task.claimed_by,
      },
    );
    return { ...task, ...patch };
  });
}
