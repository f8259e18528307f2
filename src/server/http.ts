/**
 * HTTP plumbing of `tm serve`: JSON responses, the error object of the agent contract with
 * an HTTP status derived from the exit-code class, and reading a bounded JSON body.
 *
 * @module
 */

import { errorObject, TmError } from "../core/errors.ts";
import { JSON_SCHEMA_VERSION } from "../version.ts";

/** HTTP status for each exit-code class (docs/server.md): never 500 for a user error. */
const STATUS_BY_EXIT_CODE: Readonly<Record<number, number>> = {
  2: 400,
  3: 404,
  4: 503,
  5: 422,
  6: 409,
};

/** Seconds a client should wait before retrying a busy (503) answer. */
export const RETRY_AFTER_S = 1;

/** An error the HTTP layer itself raises (unknown route, bad token, body too large, ...). */
export class HttpError extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** Stable machine-readable code, like a `TmError` code. */
  readonly code: string;
  /** What the client can do about it. */
  readonly hint: string | undefined;
  /** Extra headers (Allow, Retry-After, WWW-Authenticate). */
  readonly headers: Record<string, string>;

  /** Create an HTTP-level error. */
  constructor(
    status: number,
    code: string,
    message: string,
    options: { hint?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
    this.hint = options.hint;
    this.headers = options.headers ?? {};
  }
}

/** Headers every answer carries: no caching, no sniffing, no framing, no referrer. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};

/** A JSON document answer; `schema_version` is added as the CLI's `--json` adds it. */
export function jsonResponse(
  data: Record<string, unknown>,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(`${JSON.stringify({ schema_version: JSON_SCHEMA_VERSION, ...data })}\n`, {
    status,
    headers: {
      ...SECURITY_HEADERS,
      "content-type": "application/json; charset=utf-8",
      ...headers,
    },
  });
}

/**
 * The answer for a thrown error: a `TmError` or `HttpError` becomes the contract's error
 * object (`{error: {code, exit_code?, message, hint?, retryable, details?}}`); anything else
 * is a bug, answered 500 without internals (the caller logs it).
 */
export function errorResponse(error: unknown): Response {
  if (error instanceof TmError) {
    const status = STATUS_BY_EXIT_CODE[error.exitCode] ?? 500;
    const body = errorObject(error);
    const headers: Record<string, string> = status === 503
      ? { "retry-after": String(RETRY_AFTER_S) }
      : {};
    return jsonResponse({ error: body }, status, headers);
  }
  if (error instanceof HttpError) {
    const body: Record<string, unknown> = {
      code: error.code,
      message: error.message,
      retryable: error.status === 503 || error.status === 408 || error.status === 429,
    };
    if (error.hint !== undefined) body.hint = error.hint;
    return jsonResponse({ error: body }, error.status, error.headers);
  }
  return jsonResponse(
    {
      error: {
        code: "internal",
        message: "internal error (a bug; the server log has the details)",
        retryable: false,
      },
    },
    500,
  );
}

/** Limits on reading a request body. */
export interface BodyLimits {
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** How long the whole body may take to arrive, in milliseconds. */
  timeoutMs: number;
}

/**
 * Read a request's JSON object body within `limits`: 413 past the size, 408 past the time,
 * 415 for a body that does not say it is JSON, 400 for malformed JSON or a non-object.
 * An empty body is `{}`. Requiring `application/json` also keeps other web pages out: a
 * browser sends that type across origins only after a CORS preflight, which tm never grants.
 */
export async function readJsonBody(
  request: Request,
  limits: BodyLimits,
): Promise<Record<string, unknown>> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limits.maxBytes) throw tooLarge(limits.maxBytes);
  if (request.body === null) return {};
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      // The rest of the body may never come: end the connection with the answer, or it
      // stays open (Deno.serve has no idle timeout; docs/server.md).
      () =>
        reject(
          new HttpError(408, "timeout", "request body took too long to arrive", {
            headers: { connection: "close" },
          }),
        ),
      limits.timeoutMs,
    );
  });
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), timeout]);
      if (done) break;
      size += value.byteLength;
      if (size > limits.maxBytes) throw tooLarge(limits.maxBytes);
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    throw error;
  } finally {
    clearTimeout(timer);
  }
  if (size === 0) return {};
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new HttpError(415, "unsupported_media_type", "request body must be JSON", {
      hint: "send Content-Type: application/json",
    });
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new HttpError(400, "usage", `malformed JSON body: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new HttpError(400, "usage", "request body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

function tooLarge(maxBytes: number): HttpError {
  // The rest of the body is not wanted: close rather than read it to find the next request.
  return new HttpError(413, "payload_too_large", `request body over ${maxBytes} bytes`, {
    headers: { connection: "close" },
  });
}
