/**
 * The writers' queue: an exclusive OS file lock (`flock` on `<db>.lock`) taken before
 * `BEGIN IMMEDIATE`. Waiting writers sleep in the kernel and are woken when the lock is
 * released, instead of SQLite's busy handler polling with growing sleeps, which under 32-64
 * processes let some writers lose every retry for 10 s while many short transactions went
 * by. SQLite's own lock stays the guarantee; the queue only makes waiting orderly.
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

  /**
   * Wait for the lock, at most `timeoutMs`; returns how long it waited (ms). A timeout is a
   * retryable busy error that says how long it waited and why.
   */
  async enter(timeoutMs: number): Promise<number> {
    const started = performance.now();
    let file: Deno.FsFile;
    try {
      this.#file ??= await Deno.open(this.#path, {
        read: true,
        write: true,
        create: true,
        mode: 0o644,
      });
      file = this.#file;
    } catch {
      return 0; // cannot create the lock file (read-only directory): SQLite's lock alone
    }
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
