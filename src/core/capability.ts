/**
 * Capabilities: what an agent can do and what a task requires (routing). Pure: no I/O.
 *
 * @module
 */

import { validationError } from "./errors.ts";

const CAPABILITY_PATTERN = /^[a-z0-9][a-z0-9._:/+-]{0,63}$/;

/**
 * Normalise and check a capability name: lowercase letters, digits and `. _ : / + -`,
 * 1–64 characters, starting with a letter or digit.
 *
 * @example
 * ```ts
 * import { parseCapability } from "./capability.ts";
 * parseCapability(" Python "); // "python"
 * ```
 */
export function parseCapability(value: string): string {
  const name = value.trim().toLowerCase();
  if (!CAPABILITY_PATTERN.test(name)) {
    throw validationError(
      `invalid capability "${value}"`,
      "use 1-64 lowercase letters, digits, '.', '_', ':', '/', '+' or '-'",
    );
  }
  return name;
}

/** Parse repeated or comma-separated capability flags into a sorted set. */
export function parseCapabilities(values: readonly string[]): string[] {
  const names = values.flatMap((v) => v.split(",")).filter((v) => v.trim() !== "");
  return [...new Set(names.map(parseCapability))].sort();
}

/** The capabilities in `required` that `available` lacks, in order. */
export function missingCapabilities(
  required: readonly string[],
  available: readonly string[],
): string[] {
  const have = new Set(available);
  return required.filter((c) => !have.has(c));
}
