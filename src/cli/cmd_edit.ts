/**
 * `tm edit`: change a task's title and description in the user's editor.
 *
 * @module
 */

import type { AppContext } from "../app/context.ts";
import { showTask, type TaskDetail } from "../app/show_task.ts";
import { type UpdateResult, updateTask } from "../app/update_task.ts";
import { TmError, usageError } from "../core/errors.ts";
import { validateTitle } from "../core/task.ts";
import { defineCommand } from "./command.ts";

/** The file the editor shows: the title, a blank line, the description. */
export function editorText(title: string, description: string | null): string {
  return `${title}\n\n${description ?? ""}`;
}

/** Read the edited file back: its first line is the title, the rest after a blank line the description. */
export function parseEditorText(text: string): { title: string; description: string | null } {
  const normalised = text.replace(/\r\n/g, "\n");
  const end = normalised.indexOf("\n");
  const title = end < 0 ? normalised : normalised.slice(0, end);
  const rest = end < 0 ? "" : normalised.slice(end + 1).replace(/^\n/, "").replace(/\n$/, "");
  return { title: validateTitle(title), description: rest === "" ? null : rest };
}

/** The `edit` command. */
export const editCommand = defineCommand({
  name: "edit",
  usage: `Usage: tm edit ID

Open the task's title and description in your editor ($VISUAL, else $EDITOR, else vi): the
first line is the title, the text after the blank line the description. Saving changes
them as tm update --title --description would (an unchanged file changes nothing); an
empty title is refused. Prints "Task <id> updated" or "Task <id> unchanged".

If someone else changed the title or description while the editor was open, the save is
refused (exit 6) rather than overwriting their change. A refused save keeps your text in
the file the error names.

Needs a terminal: without one (a pipe, an agent) it is refused with exit 2; use
tm update ID --title TEXT -d @FILE instead.`,
  options: {},
  args: ["ID"],
  authors: true,
  needs: { run: true },
  async run({ args, app, io }) {
    if (io.edit === undefined) throw noTerminal();
    const ctx = await app();
    const task = await showTask(ctx, args[0]!);
    const before = editorText(task.title, task.description);
    const path = await Deno.makeTempFile({ prefix: `tm-${task.id}-`, suffix: ".md" });
    let keep = false;
    try {
      await Deno.writeTextFile(path, before);
      const edited = await io.edit(path);
      if (edited === undefined) throw noTerminal();
      if (!edited) throw usageError("edit: the editor failed; nothing was changed");
      const after = await Deno.readTextFile(path);
      if (after === before) {
        return { data: { task, changed: [] }, text: `Task ${task.id} unchanged` };
      }
      const result = await save(ctx, task, after).catch((error) => {
        keep = true;
        throw keptText(error, path);
      });
      return {
        data: { ...result },
        text: `Task ${task.id} ${result.changed.length === 0 ? "unchanged" : "updated"}`,
      };
    } finally {
      if (!keep) await Deno.remove(path).catch(() => {});
    }
  },
});

/**
 * Save the edited text, unless someone changed the title or description since the editor
 * opened (then refused, exit 6, instead of overwriting their change).
 */
async function save(ctx: AppContext, task: TaskDetail, text: string): Promise<UpdateResult> {
  const { title, description } = parseEditorText(text);
  return await updateTask(ctx, task.id, { title, description }, {
    unchangedSince: { title: task.title, description: task.description },
  });
}

/** A refused save names the file that keeps what was typed, so nothing is lost. */
function keptText(error: unknown, path: string): unknown {
  if (!(error instanceof TmError)) return error;
  const hint = error.hint ??
    (error.code === "conflict" ? "see their change with tm show ID, then edit again" : undefined);
  return new TmError(error.code, `${error.message}; your text is kept in ${path}`, {
    ...(hint === undefined ? {} : { hint }),
    details: { ...error.details, kept_in: path },
    cause: error,
  });
}

function noTerminal() {
  return usageError(
    "edit: needs a terminal (stdin and stdout) to run your editor",
    "use tm update ID --title TEXT -d @FILE instead",
  );
}
