/**
 * Use case: feedback on a completed task (`tm feedback`).
 *
 * @module
 */

import { TmError, validationError } from "../core/errors.ts";
import type { Feedback } from "../core/tracking.ts";
import type { AppContext } from "./context.ts";
import { requireFeatures } from "./_features.ts";
import { type WritePolicy, writeTask } from "./_task_write.ts";

/** Feedback is on completed tasks, which no lease holds any more. */
const FEEDBACK: WritePolicy = { action: "give feedback on", lease: "unchecked", renew: false };

/** Parse a 1–5 score (`--quality`, `--timeliness`). */
export function parseScore(value: string, flag: string): number {
  if (!/^\s*\d+\s*$/.test(value) || Number(value) < 1 || Number(value) > 5) {
    throw validationError(`invalid ${flag} "${value}": expected a whole number from 1 to 5`);
  }
  return Number(value);
}

/** What `tm feedback` records. */
export interface FeedbackInput {
  quality: number | null;
  timeliness: number | null;
  note: string | null;
}

/** Record (or replace) the acting agent's feedback on a completed task. */
export async function giveFeedback(
  ctx: AppContext,
  idInput: string,
  input: FeedbackInput,
): Promise<Feedback> {
  if (input.quality === null && input.timeliness === null && input.note === null) {
    throw validationError("feedback needs --quality, --timeliness or --note");
  }
  await requireFeatures(ctx, [["feedback", "tm feedback", true]]);
  return writeTask(ctx, idInput, FEEDBACK, async ({ tx, task, now, record }) => {
    if (task.status !== "completed") {
      throw new TmError(
        "invalid_transition",
        `cannot give feedback on task "${task.id}": it is ${task.status}, not completed`,
        { hint: "feedback is for completed tasks" },
      );
    }
    const feedback: Feedback = { task_id: task.id, agent: ctx.agent, ...input, created_at: now };
    await tx.tracking.setFeedback(feedback);
    await record("feedback", { quality: input.quality, timeliness: input.timeliness });
    return feedback;
  });
}
