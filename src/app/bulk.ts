/**
 * Use case: the same change to several tasks in one write transaction, all or nothing
 * (`tm complete A B C`, `tm update --where …`).
 *
 * @module
 */

import { TmError } from "../core/errors.ts";
import type { Store, StoreTx } from "../store/store.ts";
import type { AppContext, ContextMirror } from "./context.ts";

/** What a batch did: each task's result in input order, and post-commit warnings. */
export interface BatchResult<T> {
  results: Array<{ input: string; result: T }>;
  /** What went wrong after the commit (mirror files), one line each. */
  warnings: string[];
}

/**
 * Run `each` for every input (given, or selected by `select` in the same transaction) inside
 * one write transaction. The use cases run unchanged: they
 * get a context whose store runs their transactions inside this one, and whose mirror work
 * waits until the commit, so a refused task leaves nothing behind, files included. The
 * first refusal aborts the batch; its error names the task and says nothing was changed.
 */
export async function inOneTransaction<T>(
  ctx: AppContext,
  select: readonly string[] | ((ctx: AppContext) => Promise<string[]>),
  each: (ctx: AppContext, input: string) => Promise<T>,
): Promise<BatchResult<T>> {
  const afterCommit: Array<() => Promise<unknown>> = [];
  const results = await ctx.store.write(async (tx) => {
    const inner: AppContext = { ...ctx, store: nestedStore(ctx.store, tx) };
    if (ctx.mirror !== undefined) inner.mirror = deferredMirror(ctx.mirror, afterCommit);
    // A selection is made in the same transaction, so nothing changes between it and the writes.
    const inputs = typeof select === "function" ? await select(inner) : select;
    const done: BatchResult<T>["results"] = [];
    for (const input of inputs) {
      try {
        done.push({ input, result: await each(inner, input) });
      } catch (error) {
        if (!(error instanceof TmError) || inputs.length === 1) throw error;
        throw new TmError(
          error.code,
          `${error.message} (task ${done.length + 1} of ${inputs.length}: nothing was changed)`,
          {
            ...(error.hint === undefined ? {} : { hint: error.hint }),
            details: { ...error.details, input, done_before: done.map((d) => d.input) },
            cause: error,
          },
        );
      }
    }
    return done;
  });
  const warnings: string[] = [];
  for (const work of afterCommit) {
    await work().catch((error: Error) => {
      warnings.push(`could not update a shared-context mirror: ${error.message}`);
    });
  }
  return { results, warnings };
}

/** A store whose transactions are the open transaction `tx`. */
function nestedStore(store: Store, tx: StoreTx): Store {
  return {
    read: (fn) => fn(tx),
    write: (fn) => fn(tx),
    committedEvents: () => store.committedEvents(),
    dataVersion: () => store.dataVersion(),
    close: () => {},
  };
}

/** A mirror that records its work for after the commit (the files must match the database). */
function deferredMirror(
  mirror: ContextMirror,
  afterCommit: Array<() => Promise<unknown>>,
): ContextMirror {
  return {
    write: (task, entries) => {
      afterCommit.push(() => mirror.write(task, entries));
      return Promise.resolve("");
    },
    remove: (taskId) => {
      afterCommit.push(() => mirror.remove(taskId));
      return Promise.resolve();
    },
  };
}
