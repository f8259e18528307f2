/**
 * `tm edit`: change a task's title and description in the user's editor.
 *
 * @module
 */

import { showTask } from "../app/show_task.ts";
import { updateTask } from "../app/update_task.ts";
import { usageError } from "../core/errors.ts";
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
    try {
      await Deno.writeTextFile(path, before);
      const edited = await io.edit(path);
      if (edited === undefined) throw noTerminal();
      if (!edited) throw usageError("edit: the editor failed; nothing was changed");
      const after = await Deno.readTextFile(path);
      if (after === before) {
        return { data: { task, changed: [] }, text: `Task ${task.id} unchanged` };
      }
      const { title, description } = parseEditorText(after);
      const result = await updateTask(ctx, task.id, { title, description });
      return {
        data: { ...result },
        text: `Task ${task.id} ${result.changed.length === 0 ? "unchanged" : "updated"}`,
      };
    } finally {
      await Deno.remove(path).catch(() => {});
    }
  },
});

function noTerminal() {
  return usageError(
    "edit: needs a terminal (stdin and stdout) to run your editor",
    "use tm update ID --title TEXT -d @FILE instead",
  );
}
