/**
 * Private notes: Markdown, one file per agent per task under
 * `private_notes/<agent>/task_<id>.md`. Only the owning agent's commands read them.
 *
 * @module
 */

import { isTaskId, validateAgentName } from "../core/task.ts";
import { validationError } from "../core/errors.ts";
import { pathInside } from "./safe_path.ts";
import { assertNoLinkInside } from "./contained.ts";
import { writeAll } from "./atomic.ts";
import { TmError } from "../core/errors.ts";

/** Where `agent`'s notes on task `taskId` live; validates both names first. */
export function privateNotePath(dataDir: string, agent: string, taskId: string): string {
  validateAgentName(agent, "agent name");
  if (!isTaskId(taskId)) throw validationError(`Invalid task ID "${taskId}"`);
  return pathInside(dataDir, ["private_notes", agent, `task_${taskId}.md`]);
}

/** Options for {@link appendPrivateNote}. */
export interface PrivateNoteInput {
  dataDir: string;
  agent: string;
  taskId: string;
  /** ISO 8601 time of the note (its heading). */
  at: string;
  message: string;
}

/**
 * Append one note. The whole note is one `write` on a file opened with O_APPEND, so notes
 * written at once by several processes of the same agent never interleave.
 */
export async function appendPrivateNote(input: PrivateNoteInput): Promise<string> {
  const path = privateNotePath(input.dataDir, input.agent, input.taskId);
  await assertNoLinkInside(input.dataDir, path);
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true, mode: 0o700 });
  // Checked again after mkdir: a link planted meanwhile is refused, not followed.
  await assertNoLinkInside(input.dataDir, path);
  const body = `## ${input.at}\n\n${input.message.replace(/\s+$/, "")}\n\n`;
  const bytes = new TextEncoder().encode(body);
  const file = await Deno.open(path, { append: true, create: true, mode: 0o600 });
  let before = 0;
  try {
    before = (await file.stat()).size;
    await writeAll(file, bytes);
  } catch (error) {
    // A failed note leaves the file as it was (no empty file, no half a note).
    await file.truncate(before).catch(() => {});
    file.close();
    if (before === 0) await Deno.remove(path).catch(() => {});
    throw new TmError("storage", `cannot write note "${path}": ${(error as Error).message}`);
  }
  file.close();
  return path;
}

/** `agent`'s notes on task `taskId`, or null when there are none. */
export async function readPrivateNotes(
  dataDir: string,
  agent: string,
  taskId: string,
): Promise<string | null> {
  const path = privateNotePath(dataDir, agent, taskId);
  await assertNoLinkInside(dataDir, path);
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/**
 * Write `agent`'s notes on task `taskId` from an export, unless the agent has notes there
 * already: returns "written", "same" (identical notes are there) or "exists" (other notes
 * are there and are kept). Created exclusively, so a note written meanwhile is never lost.
 */
export async function restorePrivateNotes(
  dataDir: string,
  agent: string,
  taskId: string,
  text: string,
): Promise<"written" | "same" | "exists"> {
  const path = privateNotePath(dataDir, agent, taskId);
  await assertNoLinkInside(dataDir, path);
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true, mode: 0o700 });
  // As in appendPrivateNote: a link planted during mkdir is refused, not followed.
  await assertNoLinkInside(dataDir, path);
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { write: true, createNew: true, mode: 0o600 });
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    return await Deno.readTextFile(path) === text ? "same" : "exists";
  }
  try {
    await writeAll(file, new TextEncoder().encode(text));
  } finally {
    file.close();
  }
  return "written";
}
