/**
 * Bounded reads of what the user hands tm (an import file, an attached document, stdin):
 * `tm import /dev/zero` or an endless pipe must end with a clear error, not read forever.
 *
 * @module
 */

import { TmError } from "../core/errors.ts";
import { oneLine } from "./output.ts";

/** Largest import (JSON Lines) tm reads: 64 MiB. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
/** Largest attached document (`--file`): 1 MiB. */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;

function tooLarge(what: string, limit: number): TmError {
  return new TmError(
    "validation",
    `${what} is larger than ${Math.round(limit / 1024 / 1024)} MiB: not read`,
    { hint: "split it into smaller files", details: { limit_bytes: limit } },
  );
}

/** Read a stream as UTF-8 text, stopping with an error once it exceeds `limit` bytes. */
export async function readCapped(
  stream: ReadableStream<Uint8Array>,
  limit: number,
  what: string,
): Promise<string> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limit) throw tooLarge(what, limit);
      chunks.push(value);
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return new TextDecoder().decode(bytes);
}

/** Read the file at `path` (any kind: a FIFO, /dev/zero) up to `limit` bytes. */
export async function readFileCapped(path: string, limit: number, typed: string): Promise<string> {
  const file = await Deno.open(path, { read: true });
  return await readCapped(file.readable, limit, `"${oneLine(typed)}"`);
}
