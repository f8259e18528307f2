/**
 * `--output FILE` for the commands that write a report or an export: the path is resolved
 * against the working directory, the file is written atomically, and a failure is one clear
 * I/O error (exit 4) naming the file as the user typed it.
 *
 * @module
 */

import { TmError } from "../core/errors.ts";
import { writeTextFileAtomic } from "../files/atomic.ts";
import { assertNotOwnedByTm } from "../files/contained.ts";
import { resolvePath } from "../files/safe_path.ts";
import type { Io } from "./io.ts";

/** `path` as typed, resolved against the working directory. */
export function resolveAgainst(cwd: string, path: string): string {
  return path.startsWith("/") ? path : `${cwd}/${path}`;
}

function reason(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "its directory does not exist";
  if (error instanceof Deno.errors.IsADirectory) return "it is a directory";
  if (error instanceof Deno.errors.NotADirectory) return "a parent is not a directory";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  return (error as Error).message;
}

/**
 * Write `text` to `output` atomically; returns the absolute path written. Refuses (exit 5)
 * a path that resolves to one of tm's own files (the database, a backup, ...).
 */
export async function writeOutputFile(
  io: Io,
  output: string,
  text: string,
  location: { dataDir: string; dbPath: string },
): Promise<string> {
  if (output === "") throw new TmError("usage", "--output needs a file name");
  // Folded lexically (out/../r.txt is r.txt even without out/), as tm always did.
  const typed = resolvePath(io.cwd(), output);
  await assertNotOwnedByTm(location, typed, output);
  // Through a final symbolic link to the file it names, so the link itself stays.
  const path = await Deno.realPath(typed).catch(() => typed);
  try {
    if ((await Deno.stat(path).catch(() => null))?.isDirectory) {
      throw new Deno.errors.IsADirectory(path);
    }
    await writeTextFileAtomic(path, text);
  } catch (error) {
    throw new TmError("storage", `cannot write "${output}": ${reason(error)}`);
  }
  return typed;
}
