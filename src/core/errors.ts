/**
 * Typed user errors. Each class maps to one exit code of the agent contract (docs/cli.md);
 * anything that is not a `TmError` is a bug and is reported with its stack (exit 1).
 *
 * @module
 */

import type { ValidationReport } from "./criteria.ts";

/** Stable machine-readable error classes, as they appear in `--json` error objects. */
export type ErrorCode =
  | "usage"
  | "not_found"
  | "not_initialized"
  | "busy"
  | "timeout"
  | "storage"
  | "validation"
  | "cycle"
  | "invalid_transition"
  | "conflict"
  | "lease_lost";

/** Exit code for each error class (0–6, as documented in `tm help exit-codes`). */
export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = {
  usage: 2,
  not_found: 3,
  not_initialized: 4,
  busy: 4,
  timeout: 4,
  storage: 4,
  validation: 5,
  cycle: 5,
  invalid_transition: 5,
  conflict: 6,
  lease_lost: 6,
};

/** Optional details carried by a user error. */
export interface TmErrorOptions {
  /** What the user can do about it, shown after the message. */
  hint?: string;
  /** Extra structured data for `--json` consumers (for example the holder of a task). */
  details?: Record<string, unknown>;
  /** The underlying error, if any. */
  cause?: unknown;
}

/** A user error: printed as one line `tm: <message>` and mapped to an exit code. */
export class TmError extends Error {
  /** The error class. */
  readonly code: ErrorCode;
  /** A suggestion for the user, if there is one. */
  readonly hint: string | undefined;
  /** Structured details for `--json`. */
  readonly details: Record<string, unknown> | undefined;

  /** Create a user error of class `code`. */
  constructor(code: ErrorCode, message: string, options: TmErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "TmError";
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  /** The process exit code for this error. */
  get exitCode(): number {
    return EXIT_CODES[this.code];
  }

  /** Whether repeating the same command later may succeed. */
  get retryable(): boolean {
    return this.code === "busy" || this.code === "timeout";
  }
}

/** A completion refused by `--validate` (exit 5), carrying the report that refused it. */
export class ValidationFailed extends TmError {
  /** Every criterion's verdict; also in `details.validation` for `--json`. */
  readonly report: ValidationReport;

  /** Refuse with `message`; the report goes to `--json` consumers as `details.validation`. */
  constructor(message: string, report: ValidationReport, hint?: string) {
    super("validation", message, {
      ...(hint === undefined ? {} : { hint }),
      details: { validation: report },
    });
    this.report = report;
  }
}

/** Shorthand for a usage error (exit 2). */
export function usageError(message: string, hint?: string): TmError {
  return new TmError("usage", message, hint === undefined ? {} : { hint });
}

/** Shorthand for a validation error (exit 5). */
export function validationError(message: string, hint?: string): TmError {
  return new TmError("validation", message, hint === undefined ? {} : { hint });
}

/** Shorthand for a not-found error (exit 3). */
export function notFoundError(message: string, hint?: string): TmError {
  return new TmError("not_found", message, hint === undefined ? {} : { hint });
}

/**
 * The error object of the agent contract: what `--json` prints on stderr and what the server
 * answers, `{code, exit_code, message, hint?, details?, retryable}`.
 */
export function errorObject(error: TmError): Record<string, unknown> {
  const body: Record<string, unknown> = {
    code: error.code,
    exit_code: error.exitCode,
    message: error.message,
    retryable: error.retryable,
  };
  if (error.hint !== undefined) body.hint = error.hint;
  if (error.details !== undefined) body.details = error.details;
  return body;
}
