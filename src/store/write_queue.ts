/**
 * The writers' queue: an exclusive OS file lock (`flock` on `<db>.lock`) that every tm writer
 * holds from before `BEGIN IMMEDIATE` to after `COMMIT`. A free queue is taken without
 * waiting (one non-blocking `flock`); a writer that finds it taken sleeps in the kernel and
 * is woken the moment the holder releases it, instead of SQLite's busy handler polling with
 * growing sleeps, which under 32-64 processes let some writers lose every retry for 10 s
 * while many short transactions went by. Because every tm writer is in the queue, its holder
 * finds SQLite's lock free; SQLite's lock stays the guarantee and its busy timeout only
 * waits for writers outside tm.
 *
 * @module
 */

import { TmError } from "../core/errors.ts";

/** One process's handle on the queue of a database; the lock file is opened on first use. */
export class WriteQueue {
  readonly #path: string;
  #file: Deno.FsFile | undefined;

  /** The queue of the database at `dbPath` (its lock file is `<dbPath>.lock`). */
  constructor(dbPath: string) {
    this.#path = `${dbPath}.lock`;
  }

  /** The lock file, opened on first use; undefined when it cannot be created. */
  #open(): Deno.FsFile | undefined {
    try {
      this.#file ??= Deno.openSync(this.#path, {
        read: true,
        write: true,
        create: true,
        mode: 0o644,
      });
      return this.#file;
    } catch {
      return undefined; // cannot create the lock file (read-only directory): SQLite's lock alone
    }
  }

  /**
   * Take the lock if it is free, without waiting. True also when there is no lock file to
   * take (SQLite's lock alone then), so false always means: another writer holds it.
   */
  tryEnter(): boolean {
    const file = this.#open();
    if (file === undefined) return true;
    try {
      return file.tryLockSync(true);
    } catch {
      return true; // a file system without flock: SQLite's lock alone
    }
  }

  /**
   * Wait for the lock, at most `timeoutMs`; returns how long it waited (ms). A timeout is a
   * retryable busy error that says how long it waited and why.
   */
  async enter(timeoutMs: number): Promise<number> {
    const started = performance.now();
    const file = this.#open();
    if (file === undefined) return 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    const locked = file.lock(true).then(() => "locked" as const);
    const outcome = await Promise.race([locked, timedOut]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      // The pending lock is granted later to a descriptor nobody uses: close it then.
      this.#file = undefined;
      locked.then(() => file.close(), () => {}).catch(() => {});
      const waited = performance.now() - started;
      throw new TmError(
        "busy",
        `database is busy: waited ${(waited / 1000).toFixed(1)}s in the queue of tm writers ` +
          "and one write took all that time (a stuck process holding the lock?)",
        { hint: "retry, or raise TM_LOCK_TIMEOUT (seconds)", details: { waited_ms: waited } },
      );
    }
    return performance.now() - started;
  }

  /** Let the next writer in. */
  leave(): void {
    try {
      this.#file?.unlockSync();
    } catch {
      // closed meanwhile: the lock went with it
    }
  }

  /** Close the lock file (releases the lock if held). */
  close(): void {
    try {
      this.#file?.close();
    } catch {
      // already closed
    }
    this.#file = undefined;
  }
}
