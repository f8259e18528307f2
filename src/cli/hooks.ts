/**
 * Hooks: executable files in `.task-orchestrator/hooks/` run after a command's transactions
 * committed, one per event, with the event as JSON on stdin. A hook that fails or hangs is
 * reported (one line) and never undoes the change or alters tm's exit code.
 *
 * @module
 */

import type { TaskEvent } from "../core/event.ts";
import { JSON_SCHEMA_VERSION } from "../version.ts";

/** The hooks directory inside a data directory. */
export function hooksDir(dataDir: string): string {
  return `${dataDir}/hooks`;
}

/** The hook file name for an event type: `completed` → `on-task-completed`. */
export function hookName(eventType: string): string {
  return `on-task-${eventType.replaceAll("_", "-")}`;
}

/**
 * The executable hook files present, by name (one readDir; a stat only for entries named
 * `on-*`). Empty when the directory does not exist, which is the common case.
 */
export function installedHooks(dataDir: string): Set<string> {
  const found = new Set<string>();
  let entries: Iterable<Deno.DirEntry>;
  try {
    entries = Deno.readDirSync(hooksDir(dataDir));
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!entry.name.startsWith("on-") || entry.isDirectory) continue;
    try {
      const info = Deno.statSync(`${hooksDir(dataDir)}/${entry.name}`);
      if (info.isFile && ((info.mode ?? 0) & 0o111) !== 0) found.add(entry.name);
    } catch {
      // a dangling link is not a hook
    }
  }
  return found;
}

/** Options for {@link runHooks}. */
export interface RunHooksOptions {
  dataDir: string;
  /** Working directory of the hooks (the project root). */
  cwd: string;
  events: readonly TaskEvent[];
  /** Per-hook time limit; a hook still running then is killed. */
  timeoutMs: number;
  /** Executable hooks present (from {@link installedHooks}). */
  installed: ReadonlySet<string>;
}

/** One hook that did not succeed, as a one-line reason. */
export interface HookFailure {
  hook: string;
  event_id: number;
  reason: string;
}

async function lastStderrLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const text = await new Response(stream).text();
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  return (lines.at(-1) ?? "").slice(0, 200);
}

async function runOne(
  path: string,
  event: TaskEvent,
  options: RunHooksOptions,
): Promise<string | null> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(path, {
      cwd: options.cwd,
      stdin: "piped",
      stdout: "null",
      stderr: "piped",
      env: { TM_EVENT_TYPE: event.type, TM_EVENT_ID: String(event.id) },
      // Its own process group, so that a timeout kills what the hook started as well.
      detached: true,
    }).spawn();
  } catch (error) {
    return `could not start: ${(error as Error).message}`;
  }
  const payload = JSON.stringify({ schema_version: JSON_SCHEMA_VERSION, event });
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(`${payload}\n`)).catch(() => {});
  await writer.close().catch(() => {});
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch {
      try {
        child.kill("SIGKILL");
      } catch {
        // it just ended
      }
    }
  }, options.timeoutMs);
  const status = await child.status;
  clearTimeout(timer);
  // A grandchild that left the group may still hold stderr open: read it only briefly.
  const stderr = await Promise.race([
    lastStderrLine(child.stderr),
    new Promise<string>((resolve) => setTimeout(() => resolve(""), 200)),
  ]);
  child.stderr.cancel().catch(() => {});
  if (timedOut) return `timed out after ${options.timeoutMs / 1000}s and was killed`;
  if (status.success) return null;
  const how = status.signal !== null ? `killed by ${status.signal}` : `exit code ${status.code}`;
  return stderr === "" ? how : `${how}: ${stderr}`;
}

/** Run the hooks of `events` in order, one at a time; returns the failures. */
export async function runHooks(options: RunHooksOptions): Promise<HookFailure[]> {
  const failures: HookFailure[] = [];
  for (const event of options.events) {
    const name = hookName(event.type);
    if (!options.installed.has(name)) continue;
    const reason = await runOne(`${hooksDir(options.dataDir)}/${name}`, event, options);
    if (reason !== null) failures.push({ hook: name, event_id: event.id, reason });
  }
  return failures;
}
