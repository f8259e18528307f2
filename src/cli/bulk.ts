/**
 * Several tasks in one command: `tm complete A B C`, `tm update --where "tag=x" --status …`.
 * One id keeps the command's own output; several ids, or a `--where` selection, run in one
 * transaction (all or nothing) and report per task.
 *
 * @module
 */

import type { AppContext } from "../app/context.ts";
import { idFromAddOutput } from "../app/resolve.ts";
import { usageError } from "../core/errors.ts";
import type { CommandResult } from "./command.ts";

/** The `--where` option of the bulk commands. */
export const WHERE_OPTION = {
  where: {
    type: "string",
    value: "FILTERS",
    help: 'every task tm list FILTERS would list ("tag=x status=pending",\n' +
      'or "--tag x --open"), instead of ids',
  },
} as const;

/** Apply `one` to the tasks named by `ids` (the words of the `ID...` argument) or `where`. */
export async function forTasks(
  command: string,
  input: { ids: string | undefined; where: string | undefined; app: () => Promise<AppContext> },
  one: (ctx: AppContext, id: string) => Promise<CommandResult>,
): Promise<CommandResult> {
  const words = idFromAddOutput(input.ids ?? "");
  const ids = [...new Set(words.split(/\s+/).filter((id) => id !== ""))];
  if (ids.length > 0 && input.where !== undefined) {
    throw usageError(`${command}: give task ids or --where, not both`);
  }
  if (ids.length === 0 && input.where === undefined) {
    throw usageError(
      `${command}: missing argument ID`,
      `usage: tm ${command} ID... | --where FILTERS`,
    );
  }
  const ctx = await input.app();
  if (input.where === undefined && ids.length === 1) return one(ctx, ids[0]!);
  // Only batches load the batch machinery: one id stays as light as it was. The specifiers are
  // computed because Deno reads a literal import()'s module at start-up even if it never runs.
  const [{ inOneTransaction }, { listTasks }, { whereFilter }] = await Promise.all([
    import(new URL("../app/bulk.ts", import.meta.url).href) as Promise<
      typeof import("../app/bulk.ts")
    >,
    import(new URL("../app/show_task.ts", import.meta.url).href) as Promise<
      typeof import("../app/show_task.ts")
    >,
    import(new URL("./list_filter.ts", import.meta.url).href) as Promise<
      typeof import("./list_filter.ts")
    >,
  ]);
  const filter = input.where === undefined ? undefined : await whereFilter(input.where, input.app);
  const batch = await inOneTransaction(
    ctx,
    filter === undefined
      ? ids
      : async (inner) => (await listTasks(inner, filter)).map((task) => task.id),
    one,
  );
  if (batch.results.length === 0) {
    return { data: { results: [], count: 0 }, text: "No tasks found" };
  }
  return {
    data: { results: batch.results.map((r) => r.result.data), count: batch.results.length },
    text: batch.results.map((r) => r.result.text).filter((t) => t !== "").join("\n"),
    warnings: [...batch.results.flatMap((r) => r.result.warnings ?? []), ...batch.warnings],
  };
}
