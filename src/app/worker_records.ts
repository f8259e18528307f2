/**
 * Use cases a worker needs beyond claim/heartbeat/complete/release: recording a failed run
 * and giving a task up (blocked, with the reason).
 *
 * @module
 */

import type { AppContext } from "./context.ts";
import { participantsOf } from "./_events.ts";
import { type WritePolicy, writeTask } from "./_task_write.ts";

const RECORD_FAILURE: WritePolicy = {
  action: "record a failure on",
  lease: "holder-or-free",
  renew: true,
};
/** Giving up ends the claim, so there is no lease left to renew. */
const GIVE_UP: WritePolicy = { action: "give up", lease: "holder-or-free", renew: false };

/** What one failed run of a task was. */
export interface RunFailure {
  attempt: number;
  exit_code: number;
  /** The last output lines, for the reason shown to people. */
  tail: string[];
}

/** Record a failed run of a task the caller holds (event "run_failed"); renews the lease. */
export function recordRunFailure(
  ctx: AppContext,
  taskId: string,
  failure: RunFailure,
): Promise<void> {
  return writeTask(ctx, taskId, RECORD_FAILURE, async ({ record }) => {
    await record("run_failed", { ...failure });
  });
}

/**
 * Give a held task up after its last retry: it becomes blocked (so no worker loops on it),
 * with an event naming the reason and a high-priority notification to its participants.
 */
export function giveUpTask(ctx: AppContext, taskId: string, reason: string): Promise<void> {
  return writeTask(ctx, taskId, GIVE_UP, async ({ tx, task, now, record }) => {
    await tx.tasks.update(task.id, {
      status: "blocked",
      claimed_by: null,
      lease_expires_at: null,
      updated_at: now,
    });
    const recipients = (await participantsOf(tx, task.id)).filter((a) => a !== ctx.agent);
    await record("gave_up", { reason }, {
      recipients: recipients.length > 0 ? recipients : [task.created_by],
      message: `Task ${task.id} "${task.title}" is blocked: ${reason}`,
      priority: "high",
    });
  });
}
