/**
 * Finding the project's data directory (`.task-orchestrator/`), as git finds `.git`:
 * walk up from the working directory; from a linked git worktree, continue in the main
 * worktree so that agents in several worktrees share one state; `TM_DB_PATH` / `--db`
 * override.
 *
 * @module
 */

import { resolvePath } from "./safe_path.ts";

/** The data directory's name at a project root. */
export const DATA_DIR_NAME = ".task-orchestrator";
/** The database file's name inside the data directory. */
export const DB_FILE_NAME = "tasks.db";

/** Where a project's state lives. */
export interface DataLocation {
  /** The data directory (holds the database and the human-readable files). */
  dataDir: string;
  /** The SQLite database file. */
  dbPath: string;
  /** How it was found. */
  source: "override" | "found" | "default";
}

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** The directory holding `path` (trailing slashes ignored; "/" at the top). */
export function parentOf(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const index = trimmed.lastIndexOf("/");
  return index <= 0 ? "/" : trimmed.slice(0, index);
}

/**
 * If `dir` is the root of a linked git worktree (its `.git` is a file pointing into another
 * repository's `worktrees/`), return the main worktree's root; otherwise `null`.
 */
export function mainWorktreeOf(dir: string): string | null {
  const dotGit = `${dir}/.git`;
  if (!isFile(dotGit)) return null;
  let text: string;
  try {
    text = Deno.readTextFileSync(dotGit);
  } catch {
    return null;
  }
  const match = /^gitdir:\s*(.+?)\s*$/m.exec(text);
  if (!match) return null;
  const gitDir = resolvePath(dir, match[1]!);
  let commonDir: string;
  try {
    commonDir = resolvePath(gitDir, Deno.readTextFileSync(`${gitDir}/commondir`).trim());
  } catch {
    return null; // a submodule or a plain gitdir link: not a linked worktree
  }
  return commonDir.endsWith("/.git") ? parentOf(commonDir) : null;
}

/** The root to create a new data directory at: the (main) git worktree root, else `cwd`. */
function projectRootFor(cwd: string): string {
  for (let dir = cwd;; dir = parentOf(dir)) {
    const main = mainWorktreeOf(dir);
    if (main !== null) return main;
    if (isDirectory(`${dir}/.git`)) return dir;
    if (dir === "/") return cwd;
  }
}

/** Interpret a `TM_DB_PATH` / `--db` value: a `.db` file, or a data directory. */
export function locationFromOverride(value: string, cwd: string): DataLocation {
  const path = resolvePath(cwd, value);
  if (path.endsWith(".db")) {
    return { dataDir: parentOf(path), dbPath: path, source: "override" };
  }
  return { dataDir: path, dbPath: `${path}/${DB_FILE_NAME}`, source: "override" };
}

/**
 * Find the data directory for a command run in `cwd`.
 *
 * Returns the first `.task-orchestrator/` found walking up (following linked worktrees to
 * the main worktree), or — when there is none — where `tm init` would create it, with
 * `source: "default"`.
 */
export function locateDataDir(cwd: string, override?: string): DataLocation {
  if (override !== undefined && override !== "") return locationFromOverride(override, cwd);
  const start = resolvePath("/", cwd);
  const visited = new Set<string>();
  for (let dir = start; !visited.has(dir); dir = parentOf(dir)) {
    visited.add(dir);
    const candidate = `${dir}/${DATA_DIR_NAME}`;
    if (isDirectory(candidate)) {
      return { dataDir: candidate, dbPath: `${candidate}/${DB_FILE_NAME}`, source: "found" };
    }
    const main = mainWorktreeOf(dir);
    if (main !== null) {
      const shared = `${main}/${DATA_DIR_NAME}`;
      if (isDirectory(shared)) {
        return { dataDir: shared, dbPath: `${shared}/${DB_FILE_NAME}`, source: "found" };
      }
      // Keep walking up from the main worktree, as if the command had been run there.
      dir = main;
      visited.add(dir);
    }
    if (dir === "/") break;
  }
  const root = projectRootFor(start);
  const dataDir = `${root}/${DATA_DIR_NAME}`;
  return { dataDir, dbPath: `${dataDir}/${DB_FILE_NAME}`, source: "default" };
}

/** The directories beside the database, as the original tool laid them out. */
export const DATA_SUBDIRS = [
  "shared_context",
  "private_notes",
  "config",
  "telemetry",
  "backups",
] as const;

/** Whether the database of `location` exists yet. */
export async function databaseExists(location: DataLocation): Promise<boolean> {
  try {
    return (await Deno.stat(location.dbPath)).isFile;
  } catch (error) {
    // A path through a file (TM_DB_PATH=/etc/passwd) has no database either.
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return false;
    }
    throw error;
  }
}

/**
 * The data directory's `.gitignore`: `git add -A` must not commit the live database (a
 * binary that changes on every command), everyone's private notes, backups or telemetry.
 * The shared-context mirrors, config, templates and hooks stay versionable.
 */
export const DATA_DIR_GITIGNORE =
  `# Written by tm init: the database and per-agent files stay out of git.
tasks.db
tasks.db-*
tasks.db.lock
*.tmp
private_notes/
backups/
telemetry/
`;

/** Create the data directory, its subdirectories and its .gitignore (idempotent). */
export async function createDataDir(location: DataLocation): Promise<void> {
  await Deno.mkdir(location.dataDir, { recursive: true });
  for (const dir of DATA_SUBDIRS) {
    await Deno.mkdir(`${location.dataDir}/${dir}`, { recursive: true });
  }
  // Never replaces a .gitignore someone edited (nor follows a link planted there).
  try {
    await Deno.writeTextFile(`${location.dataDir}/.gitignore`, DATA_DIR_GITIGNORE, {
      createNew: true,
    });
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
  }
}
