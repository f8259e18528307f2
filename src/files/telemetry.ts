/**
 * Local telemetry: one JSON line per command in `.task-orchestrator/telemetry/events.jsonl`,
 * written only when the `telemetry` feature is on, rotated by size, never sent anywhere.
 * Recording never fails or blocks a command: every error is swallowed.
 *
 * @module
 */

import { assertNoLinkInside } from "./contained.ts";
import { readConfig } from "./config.ts";

/** Rotate the log when it grows past this many bytes. */
export const TELEMETRY_MAX_BYTES = 1_000_000;
/** How many rotated files (`events.1.jsonl` …) are kept. */
export const TELEMETRY_KEEP = 3;

/** One recorded command: names and numbers only, never argument values. */
export interface TelemetryRecord {
  ts: string;
  command: string;
  /** Flag names used (values are not recorded). */
  flags: string[];
  exit_code: number;
  duration_ms: number;
}

/** The telemetry log of a data directory. */
export function telemetryPath(dataDir: string): string {
  return `${dataDir}/telemetry/events.jsonl`;
}

async function rotate(path: string, maxBytes: number): Promise<void> {
  let size: number;
  try {
    size = (await Deno.stat(path)).size;
  } catch {
    return;
  }
  if (size < maxBytes) return;
  const base = path.replace(/\.jsonl$/, "");
  for (let n = TELEMETRY_KEEP - 1; n >= 1; n--) {
    await Deno.rename(`${base}.${n}.jsonl`, `${base}.${n + 1}.jsonl`).catch(() => {});
  }
  await Deno.rename(path, `${base}.1.jsonl`).catch(() => {});
}

/**
 * Append `record` if telemetry is enabled for `dataDir`. Returns whether it was written;
 * never throws.
 */
export async function recordTelemetry(
  dataDir: string,
  record: TelemetryRecord,
  maxBytes = TELEMETRY_MAX_BYTES,
): Promise<boolean> {
  try {
    const config = await readConfig(dataDir);
    if (!config.features.telemetry) return false;
    const path = telemetryPath(dataDir);
    await assertNoLinkInside(dataDir, path);
    await Deno.mkdir(`${dataDir}/telemetry`, { recursive: true });
    await assertNoLinkInside(dataDir, path);
    await rotate(path, maxBytes);
    // One short O_APPEND write per line: concurrent tm processes do not interleave lines.
    await Deno.writeTextFile(path, `${JSON.stringify(record)}\n`, { append: true });
    return true;
  } catch {
    return false;
  }
}
