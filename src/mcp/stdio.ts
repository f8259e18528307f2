/**
 * The stdio transport: newline-delimited JSON-RPC messages in, one JSON line per response
 * out. Every malformed input ends in a JSON-RPC error, not a crash: bytes that are not UTF-8
 * or not JSON (-32700), a line over the size cap (-32600, and the rest of that line is
 * skipped without buffering it). End of input ends the loop once the answers to what was
 * already read are written.
 *
 * @module
 */

import { type McpSession, RPC_ERRORS, rpcError, type RpcResponse } from "./server.ts";

/** The longest line accepted: 4 MiB, room for a 1 MiB document escaped as JSON. */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** Where the loop writes. */
export interface StdioOutput {
  /** Write one protocol line (the caller adds nothing; `line` ends with "\n"). */
  write(line: string): void;
  /** Aborted when the output is gone: the loop stops reading. */
  closed?: AbortSignal;
}

/** Answer one line of input; undefined when no response is due. */
export async function answerLine(
  session: McpSession,
  bytes: Uint8Array,
): Promise<RpcResponse | undefined> {
  let message: unknown;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    if (text.trim() === "") return undefined;
    message = JSON.parse(text);
  } catch (error) {
    return rpcError(null, RPC_ERRORS.parse, `parse error: ${(error as Error).message}`);
  }
  return await session.handle(message);
}

const NEWLINE = 0x0a;

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * Serve `session` over a byte stream of newline-delimited messages until the input ends (or
 * the output closes). Requests are answered as they finish; the session orders tool calls.
 */
export async function serveStdio(
  session: McpSession,
  input: ReadableStream<Uint8Array>,
  output: StdioOutput,
  maxLineBytes = MAX_LINE_BYTES,
): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  const send = (response: RpcResponse | undefined) => {
    if (response !== undefined && output.closed?.aborted !== true) {
      output.write(`${JSON.stringify(response)}\n`);
    }
  };
  const dispatch = (line: Uint8Array) => {
    const answer: Promise<void> = answerLine(session, line).then(send).finally(() =>
      inFlight.delete(answer)
    );
    inFlight.add(answer);
  };
  let chunks: Uint8Array[] = [];
  let size = 0;
  let skipping = false;
  const reader = input.getReader();
  const onClose = () => void reader.cancel().catch(() => {});
  output.closed?.addEventListener("abort", onClose);
  try {
    while (true) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done || value === undefined) break;
      let start = 0;
      while (start < value.length) {
        const end = value.indexOf(NEWLINE, start);
        const piece = value.subarray(start, end < 0 ? value.length : end);
        if (!skipping) {
          if (size + piece.length > maxLineBytes) {
            skipping = true;
            chunks = [];
            size = 0;
          } else if (piece.length > 0) {
            chunks.push(piece.slice());
            size += piece.length;
          }
        }
        if (end < 0) break;
        if (skipping) {
          send(
            rpcError(null, RPC_ERRORS.invalidRequest, `message longer than ${maxLineBytes} bytes`),
          );
        } else if (size > 0) {
          dispatch(concat(chunks, size));
        }
        chunks = [];
        size = 0;
        skipping = false;
        start = end + 1;
      }
    }
    // A last message without its newline still counts.
    if (!skipping && size > 0) dispatch(concat(chunks, size));
    else if (skipping) {
      send(rpcError(null, RPC_ERRORS.invalidRequest, `message longer than ${maxLineBytes} bytes`));
    }
  } finally {
    output.closed?.removeEventListener("abort", onClose);
    reader.releaseLock();
  }
  while (inFlight.size > 0) await Promise.all(inFlight);
}
