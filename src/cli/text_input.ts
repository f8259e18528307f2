/**
 * Long text from a file or stdin wherever a command takes text: `-d @spec.md` reads the file,
 * `-d -` reads stdin, `@@x` is the literal text `@x`. Only a value that is one word starting
 * with `@` names a file, so a message such as "@bob please look" stays a message. A shell
 * cannot pass more than ~128 KiB in one argument; a file or stdin has no such limit.
 *
 * @module
 */

import { TmError, validationError } from "../core/errors.ts";
import type { Io } from "./io.ts";
import { oneLine } from "./output.ts";

/** The text `value` stands for: itself, a file's content (`@FILE`) or stdin (`-`). */
export async function textArgument(value: string, io: Io, what: string): Promise<string> {
  if (value === "-") return await io.readStdin();
  if (value.startsWith("@@")) return value.slice(1);
  if (!value.startsWith("@") || value.length === 1 || /\s/.test(value)) return value;
  const path = value.slice(1);
  try {
    // Capped as stdin is, so `@/dev/zero` ends with an error instead of reading forever;
    // computed specifier: add and update load the reader only when given a file.
    const { MAX_IMPORT_BYTES, readFileCapped } = await import(
      new URL("./input.ts", import.meta.url).href
    ) as typeof import("./input.ts");
    const full = path.startsWith("/") ? path : `${io.cwd()}/${path}`;
    return await readFileCapped(full, MAX_IMPORT_BYTES, path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new TmError("not_found", `cannot read ${what} from "${oneLine(path)}": no such file`, {
        hint: `write @@${oneLine(path)} for text that starts with @`,
      });
    }
    if (error instanceof Deno.errors.IsADirectory) {
      throw validationError(`cannot read ${what} from "${oneLine(path)}": it is a directory`);
    }
    throw error;
  }
}

/** {@link textArgument} for an optional value. */
export function optionalText(
  value: string | undefined,
  io: Io,
  what: string,
): Promise<string | undefined> {
  return value === undefined ? Promise.resolve(undefined) : textArgument(value, io, what);
}
