/**
 * Durations as typed on the command line (`--ttl 30m`, `--timeout 5`).
 *
 * @module
 */

import { validationError } from "./errors.ts";

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * Parse a duration such as `90s`, `30m`, `1h30m`, `2d` or a plain number of seconds into
 * milliseconds. Fails with a validation error naming `flag` otherwise.
 *
 * @example
 * ```ts
 * import { parseDuration } from "./duration.ts";
 * parseDuration("1h30m", "--ttl"); // 5_400_000
 * ```
 */
export function parseDuration(value: string, flag: string): number {
  const ms = parseUncheckedDuration(value, flag);
  if (ms > MAX_DURATION_MS) {
    throw validationError(`invalid ${flag} "${value}": longer than 10 years`);
  }
  return ms;
}

/** The longest duration accepted: dates computed from it must stay representable. */
export const MAX_DURATION_MS = 10 * 365 * 86_400_000;

function parseUncheckedDuration(value: string, flag: string): number {
  const text = value.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
  let total = 0;
  let consumed = 0;
  for (const match of text.matchAll(part)) {
    if (match.index !== consumed) break;
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    consumed += match[0].length;
  }
  if (consumed === 0 || consumed !== text.length) {
    throw validationError(
      `invalid ${flag} "${value}": not a duration`,
      "use a number of seconds or a value such as 90s, 30m, 2h, 1d",
    );
  }
  return Math.round(total);
}

/** Format milliseconds compactly for people: `1h30m`, `45s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  let seconds = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]] as const) {
    if (seconds >= size) {
      parts.push(`${Math.floor(seconds / size)}${unit}`);
      seconds %= size;
    }
  }
  return parts.join("");
}
