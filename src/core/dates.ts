/**
 * Natural and relative dates for `--deadline` and `--due-before`: `tomorrow`, `+3d`,
 * `friday`, `eow`, `2026-12-24 17:00`. Resolved in the local time zone of the process (what
 * the person typing means) and returned as UTC ISO 8601, as tm stores every time. Pure apart
 * from the zone: `now` is passed in.
 *
 * @module
 */

import { validationError } from "./errors.ts";
import { parseDeadline } from "./task.ts";

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const UNIT_MS: Readonly<Record<string, number>> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** The last millisecond of the local day of `date`. */
function endOfDay(date: Date): Date {
  const end = new Date(date);
  end.setHours(23, 59, 59, 999);
  return end;
}

/** `date` moved by `days` local calendar days (daylight-saving safe). */
function addDays(date: Date, days: number): Date {
  const moved = new Date(date);
  moved.setDate(moved.getDate() + days);
  return moved;
}

/**
 * Parse a deadline as people write it, at `now`:
 * - `today` / `eod`, `tomorrow`: the end of that local day;
 * - a weekday (`friday`, `fri`): the end of its next occurrence, today included;
 * - `eow` (end of Sunday), `eom` (end of the month's last day);
 * - `+3d`, `+12h`, `+30m`, `+2w`: that long after now;
 * - `YYYY-MM-DD HH:MM[:SS]` (a space, no zone): that local time;
 * - any ISO 8601 form {@link parseDeadline} takes (a bare date is the end of that day, UTC;
 *   a time without a zone after `T` is UTC, as before).
 */
export function parseWhen(value: string, now: Date, what = "deadline"): string {
  const text = value.trim().toLowerCase();
  if (text === "today" || text === "eod") return endOfDay(now).toISOString();
  if (text === "tomorrow") return endOfDay(addDays(now, 1)).toISOString();
  if (text === "eow") return endOfDay(addDays(now, (7 - now.getDay()) % 7)).toISOString();
  if (text === "eom") {
    return endOfDay(new Date(now.getFullYear(), now.getMonth() + 1, 0)).toISOString();
  }
  const day = WEEKDAYS.findIndex((name) => name === text || name.slice(0, 3) === text);
  if (day >= 0) return endOfDay(addDays(now, (day - now.getDay() + 7) % 7)).toISOString();
  const relative = /^\+(\d{1,6})([mhdw])$/.exec(text);
  if (relative) {
    return new Date(now.getTime() + Number(relative[1]) * UNIT_MS[relative[2]!]!).toISOString();
  }
  const local = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (local) {
    const [, y, mo, d, h, mi, s] = local.map(Number) as number[];
    const date = new Date(y!, mo! - 1, d!, h!, mi!, Number.isNaN(s) ? 0 : s!);
    if (date.getMonth() !== mo! - 1 || date.getDate() !== d! || h! > 23 || mi! > 59) {
      throw validationError(`invalid ${what} "${value}": not a real date`);
    }
    return date.toISOString();
  }
  try {
    return parseDeadline(value);
  } catch (error) {
    // An ISO-looking value keeps the precise reason ("not a real date").
    if (/^\d{4}-/.test(text)) throw error;
    throw validationError(
      `invalid ${what} "${value}"`,
      "use tomorrow, friday, eow, eom, +3d, +12h, YYYY-MM-DD, 'YYYY-MM-DD HH:MM' or ISO 8601",
    );
  }
}
