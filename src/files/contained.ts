/**
 * Containment of the files tm keeps in its data directory: each is reached without
 * following a symbolic link (a linked note file, agent directory or `shared_context/`
 * would otherwise send writes anywhere on the machine), and no `--output` file may land
 * on the database, its `-wal`/`-shm`, a backup or anything else tm owns there.
 *
 * Deno cannot open with O_NOFOLLOW, so every component below the data directory is
 * checked with `lstat` just before the file is opened. The data directory itself may be a
 * link (a user's choice); what is inside it may not.
 *
 * @module
 */

import { TmError } from "../core/errors.ts";
import { DATA_DIR_NAME, DATA_SUBDIRS } from "./data_dir.ts";

function relativeParts(dataDir: string, path: string): string[] | null {
  const base = dataDir.replace(/\/+$/, "");
  if (!path.startsWith(`${base}/`)) return null;
  return path.slice(base.length + 1).split("/").filter((part) => part !== "");
}

function linkRefused(path: string): TmError {
  return new TmError(
    "storage",
    `refusing to follow the symbolic link "${path}" inside the data directory`,
    { hint: "replace the link with a regular file or directory; tm doctor lists stray files" },
  );
}

/**
 * Throw (exit 4) when any component of `path` below `dataDir` is a symbolic link.
 * Components that do not exist yet are fine: tm creates them as plain files/directories.
 */
export async function assertNoLinkInside(dataDir: string, path: string): Promise<void> {
  const parts = relativeParts(dataDir, path);
  if (parts === null) return;
  let current = dataDir.replace(/\/+$/, "");
  for (const part of parts) {
    current = `${current}/${part}`;
    let info: Deno.FileInfo;
    try {
      info = await Deno.lstat(current);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    if (info.isSymlink) throw linkRefused(current);
  }
}

async function realPathOrSelf(path: string): Promise<string> {
  try {
    return await Deno.realPath(path);
  } catch {
    return path;
  }
}

/** The real path `path` would be written at: its directory resolved, a final link followed. */
async function realTarget(path: string): Promise<string> {
  const real = await Deno.realPath(path).catch(() => null);
  if (real !== null) return real;
  const slash = path.lastIndexOf("/");
  const dir = slash <= 0 ? "/" : path.slice(0, slash);
  return `${(await realPathOrSelf(dir)).replace(/\/+$/, "")}/${path.slice(slash + 1)}`;
}

/**
 * Refuse (exit 5) an output path that resolves to something tm owns: the database and its
 * `-wal`/`-shm`/`-journal`, its `config.yaml`, anything in the data directory's own subdirectories (backups,
 * notes, mirrors, config, telemetry, hooks, templates) and, for a standard
 * `.task-orchestrator` directory, anything in it at all.
 */
export async function assertNotOwnedByTm(
  location: { dataDir: string; dbPath: string },
  path: string,
  typed: string,
): Promise<void> {
  const target = await realTarget(path);
  const dataDir = await realPathOrSelf(location.dataDir);
  const db = await realTarget(location.dbPath);
  const owned = [
    db,
    `${db}-wal`,
    `${db}-shm`,
    `${db}-journal`,
    `${db}.lock`,
    `${dataDir}/config.yaml`,
  ];
  const ownedDirs = [...DATA_SUBDIRS, "hooks", "templates"].map((dir) => `${dataDir}/${dir}`);
  if (dataDir.endsWith(`/${DATA_DIR_NAME}`)) ownedDirs.push(dataDir);
  if (
    owned.includes(target) ||
    ownedDirs.some((dir) => target === dir || target.startsWith(`${dir}/`))
  ) {
    throw new TmError(
      "validation",
      `refusing to write "${typed}": it is tm's own file in the data directory "${location.dataDir}"`,
      { hint: "choose an output path outside the data directory" },
    );
  }
}
