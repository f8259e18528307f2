/**
 * Use cases a worker needs beyond claim/heartbeat/complete/release: recording a failed run
 * and giving a task up (blocked, with the reason).
 *
 * @module
 */

import { type AppContext, nowIso } from "./context.ts";
import { participantsOf, recordEvent } from "./_events.ts";
import { assertWriter, renewIfHolder } from "./_lifecycle.ts";
import { loadTask } from "./resolve.ts";

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
  return ctx.store.write(async (tx) => {
    const now = nowIso(ctx);
    const task = await loadTask(tx, taskId);
    await assertWriter(tx, task, ctx.agent, now, "record a failure on");
    await recordEvent(tx, {
      taskId: task.id,
      type: "run_failed",
      agent: ctx.agent,
      now,
      data: { ...failure },
    });
    await renewIfHolder(tx, task, ctx.agent, now, ctx.leaseTtlMs);
  });
}

/**
 * Give a held task up after its last retry: it becomes blocked (so no worker loops on it),
 * with an event naming the reason and a high-priority notification to its participants.
 */
export function giveUpTask(ctx: AppContext, taskId: string, reason: string): Promise<void> {
  return ctx.store.write(async (tx) => {
    const now = nowIso(ctx);
    const task = await loadTask(tx, taskId);
    await assertWriter(tx, task, ctx.agent, now, "give up");
    await tx.tasks.update(task.id, {
      status: "blocked",
      claimed_by: null,
      lease_expires_at: null,
      updated_at: now,
    });
    const recipients = (await participantsOf(tx, task.id)).filter((a) => a !== ctx.agent);
    await recordEvent(tx, {
      taskId: task.id,
      type: "gave_up",
      agent: ctx.agent,
      now,
      data: { reason },
      notify: {
        recipients: recipients.length > 0 ? recipients : [task.created_by],
        message: `Task ${task.id} "${task.title}" is blocked: ${reason}`,
        priority: "high",
      },
    });
  });
}
