/**
 * Path safety for files named after user input (agent names, task ids): build the path
 * from checked segments, then prove the result stays inside the data directory.
 *
 * @module
 */

import { validationError } from "../core/errors.ts";

/** Longest segment accepted (agent names are at most 64; task ids are 8). */
const MAX_SEGMENT_LENGTH = 128;

/** `path` resolved against `base` (when relative), with `.`, `..` and repeated slashes folded. */
export function resolvePath(base: string, path: string): string {
  return normalise(path.startsWith("/") ? path : `${base}/${path}`);
}

function normalise(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/**
 * Join `segments` under `root`, refusing any segment that is empty, `.`/`..`, contains a
 * slash, a backslash or NUL, or is too long, and any result that would leave `root`.
 *
 * @example
 * ```ts
 * import { pathInside } from "./safe_path.ts";
 * pathInside("/p/.task-orchestrator", ["private_notes", "alice", "task_0a1b2c3d.md"]);
 * // "/p/.task-orchestrator/private_notes/alice/task_0a1b2c3d.md"
 * ```
 */
export function pathInside(root: string, segments: readonly string[]): string {
  for (const segment of segments) {
    if (
      segment === "" || segment === "." || segment === ".." ||
      /[/\\]/.test(segment) || segment.includes("\0") || segment.length > MAX_SEGMENT_LENGTH
    ) {
      throw validationError(
        `unsafe path segment "${segment.replaceAll("\0", "\\0").slice(0, 80)}"`,
        "names may not contain '/', '\\\\', NUL or be '.' or '..'",
      );
    }
  }
  const base = normalise(root.startsWith("/") ? root : `${Deno.cwd()}/${root}`);
  const full = normalise(`${base}/${segments.join("/")}`);
  if (!full.startsWith(`${base}/`)) {
    throw validationError(`path "${full}" would leave the data directory "${base}"`);
  }
  return full;
}
