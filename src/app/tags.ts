/**
 * Use case: the tags in use, with counts (`tm tags`).
 *
 * @module
 */

import type { AppContext } from "./context.ts";

/** A tag and how many tasks carry it (`open`: not completed or cancelled). */
export interface TagCount {
  tag: string;
  count: number;
  open: number;
}

/** Every tag in use, most used first. */
export function tagCounts(ctx: AppContext): Promise<TagCount[]> {
  return ctx.store.read((tx) => tx.tasks.tagCounts());
}
