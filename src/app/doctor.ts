/**
 * `tm doctor` and `tm restore`: describe a data directory that may be damaged (database
 * integrity and foreign keys, schema version, YAML mirrors that lag the database, stray
 * files, the newest backups) and put a backup back in place of the database, keeping a
 * copy of what it replaces. Both work on the files directly: a broken database must not
 * stop them.
 *
 * @module
 */

import { TmError, validationError } from "../core/errors.ts";
import type { DataLocation } from "../files/data_dir.ts";
import type { BackupFile, DatabaseFiles, ServerHealth } from "../store/store.ts";
import type { DatabaseHealth } from "../store/sqlite_health.ts";
import { assertFileDatabase, backupDir } from "./migrate.ts";

/** A shared-context mirror older than the database. */
export interface LaggingMirror {
  task_id: string;
  /** Newest entry in the database. */
  database_seq: number;
  /** Newest entry in the YAML file; null when the file is missing or unreadable. */
  mirror_seq: number | null;
}

/** A file in the data directory that should not be there. */
export interface StrayFile {
  path: string;
  reason: string;
}

/** What `tm doctor` found. */
export interface DoctorReport {
  healthy: boolean;
  /** One line per problem, for people. */
  problems: string[];
  database: DatabaseHealth;
  lagging_mirrors: LaggingMirror[];
  stray_files: StrayFile[];
  /** The newest backups (at most 3), newest first. */
  backups: BackupFile[];
  /** A database server's own checks (PostgreSQL projects only). */
  server?: ServerHealth;
}

/** Highest `seq:` in a rendered mirror (entries are listed in order, so it is the last). */
function mirrorSeq(text: string): number | null {
  let highest: number | null = null;
  for (const match of text.matchAll(/^\s*(?:- )?seq: (\d+)\s*$/gm)) {
    highest = Math.max(highest ?? 0, Number(match[1]));
  }
  return highest;
}

async function laggingMirrors(dataDir: string, health: DatabaseHealth): Promise<LaggingMirror[]> {
  const lagging: LaggingMirror[] = [];
  for (const head of health.context_heads) {
    const path = `${dataDir}/shared_context/task_${head.task_id}.yaml`;
    let seq: number | null = null;
    try {
      if (!(await Deno.lstat(path)).isSymlink) seq = mirrorSeq(await Deno.readTextFile(path));
    } catch {
      seq = null;
    }
    if (seq === null || seq < head.seq) {
      lagging.push({ task_id: head.task_id, database_seq: head.seq, mirror_seq: seq });
    }
  }
  return lagging;
}

/** Walk the data directory (bounded depth) for links, leftovers of interrupted writes, etc. */
async function strayFiles(location: DataLocation): Promise<StrayFile[]> {
  const found: StrayFile[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = `${dir}/${entry.name}`;
      if (entry.isSymlink) {
        found.push({ path, reason: "symbolic link (tm refuses to follow it)" });
      } else if (/^\..+\.tmp$/.test(entry.name)) {
        found.push({ path, reason: "left over from an interrupted write" });
      } else if (dir.endsWith("/backups") && /-(wal|shm|journal)$/.test(entry.name)) {
        found.push({ path, reason: "SQLite side file beside a backup" });
      } else if (entry.isDirectory && depth < 3) {
        await walk(path, depth + 1);
      }
    }
  };
  await walk(location.dataDir, 0);
  return found;
}

const PROBLEM_LINES: Record<string, string> = {
  missing: "is missing",
  empty: "is empty (0 bytes)",
  not_a_database: "is not a database",
  foreign: "is not a tm database",
  unreadable: "cannot be opened (a read-only directory, or no permission)",
};

/** What is wrong on a database server, one line each. */
function serverProblems(server: ServerHealth): string[] {
  if (server.connection_error !== null) {
    return [server.connection_error];
  }
  const problems = [...server.migration_problems, ...server.referential_problems];
  if ((server.schema_version ?? 0) > server.latest_version) {
    problems.push(
      `schema v${server.schema_version} is newer than this tm (v${server.latest_version})`,
    );
  }
  const current = server.schema_version === server.latest_version;
  if (current && !server.listen.ok) {
    problems.push(
      `LISTEN/NOTIFY does not work (${server.listen.detail}): live followers only poll`,
    );
  }
  return problems;
}

/** Examine the data directory of `location`. Never changes anything. */
export async function examine(
  location: DataLocation,
  database: DatabaseFiles,
  timeoutMs = 10_000,
): Promise<DoctorReport> {
  let health = database.inspect(location.dbPath, { full: true });
  const problems: string[] = [];
  const server = await database.diagnose?.(timeoutMs);
  if (server !== undefined) {
    health = { ...health, schema_version: server.schema_version };
    health.context_heads = server.context_heads;
    problems.push(...serverProblems(server));
  } else if (health.problem !== null) {
    const detail = health.detail === null ? "" : `: ${health.detail}`;
    problems.push(`database "${location.dbPath}" ${PROBLEM_LINES[health.problem]}${detail}`);
  } else {
    if (health.integrity.length > 0 && health.integrity.join() !== "ok") {
      problems.push(`integrity check failed: ${health.integrity.slice(0, 3).join("; ")}`);
    }
    if (health.foreign_key_violations.length > 0) {
      problems.push(`${health.foreign_key_violations.length} foreign-key violation(s)`);
    }
    if ((health.schema_version ?? 0) > health.latest_version) {
      problems.push(
        `schema v${health.schema_version} is newer than this tm (v${health.latest_version})`,
      );
    }
  }
  const lagging = await laggingMirrors(location.dataDir, health);
  if (lagging.length > 0) {
    problems.push(`${lagging.length} shared-context mirror(s) lag the database (--repair)`);
  }
  const stray = await strayFiles(location);
  for (const file of stray) problems.push(`${file.path}: ${file.reason}`);
  const backups = (await database.listBackups(backupDir(location)).catch(() => [])).slice(0, 3);
  return {
    healthy: problems.length === 0,
    problems,
    database: health,
    lagging_mirrors: lagging,
    stray_files: stray,
    backups,
    ...(server === undefined ? {} : { server }),
  };
}

/** Remove the leftovers doctor may remove safely: old temp files and backup side files. */
export async function removeLeftovers(report: DoctorReport, now: Date): Promise<string[]> {
  const removed: string[] = [];
  for (const file of report.stray_files) {
    if (file.reason.startsWith("symbolic link")) continue; // the user decides about links
    const info = await Deno.lstat(file.path).catch(() => null);
    // A temp file younger than a minute may belong to a write in progress.
    if (info === null || (info.mtime !== null && now.getTime() - info.mtime.getTime() < 60_000)) {
      continue;
    }
    await Deno.remove(file.path).then(() => removed.push(file.path), () => {});
  }
  return removed;
}

/** What `tm restore` did. */
export interface RestoreResult {
  restored_from: string;
  schema_version: number;
  /** A consistent copy of the database that was replaced; null when there was none. */
  safety_copy: string | null;
}

async function realPathOr(path: string): Promise<string> {
  return await Deno.realPath(path).catch(() => path);
}

/**
 * Put `backupPath` in place of the project's database. A usable database is first copied to
 * `backups/pre-restore-<time>.db`; an unusable one (empty, foreign, damaged) is moved there
 * as it is, so nothing is ever lost by restoring.
 */
export async function restoreBackup(
  location: DataLocation,
  database: DatabaseFiles,
  backupPath: string,
): Promise<RestoreResult> {
  assertFileDatabase(database, "tm restore");
  if (await realPathOr(backupPath) === await realPathOr(location.dbPath)) {
    throw validationError("restore: the backup is the database itself");
  }
  const backup = database.inspect(backupPath, { full: true });
  if (backup.problem !== null) {
    throw new TmError(
      backup.problem === "missing" ? "not_found" : "validation",
      `restore: "${backupPath}" ${PROBLEM_LINES[backup.problem]}`,
    );
  }
  if (backup.integrity.join() !== "ok") {
    throw validationError(`restore: "${backupPath}" fails the integrity check`);
  }
  if ((backup.schema_version ?? 0) > backup.latest_version) {
    throw validationError(
      `restore: "${backupPath}" has schema v${backup.schema_version}, newer than this tm`,
      "upgrade tm",
    );
  }
  const dir = backupDir(location);
  await Deno.mkdir(dir, { recursive: true });
  const current = database.inspect(location.dbPath, { full: false });
  let safety: string | null = null;
  if (current.problem === null) {
    safety = `${dir}/pre-restore-${database.backupStamp()}.db`;
    await database.copyDatabase(location.dbPath, safety);
  } else if (current.problem !== "missing") {
    safety = `${dir}/pre-restore-${database.backupStamp()}.damaged`;
    await Deno.rename(location.dbPath, safety);
    for (const side of ["-wal", "-shm", "-journal"]) {
      await Deno.rename(`${location.dbPath}${side}`, `${safety}${side}`).catch(() => {});
    }
  }
  await database.restoreDatabase(backupPath, location.dbPath);
  return {
    restored_from: backupPath,
    schema_version: backup.schema_version ?? 0,
    safety_copy: safety,
  };
}
