/**
 * Waiting for the database to change without a busy loop: every commit in WAL mode writes
 * the `-wal` file (and a checkpoint writes the database file), so a file-system watch on the
 * database's directory wakes waiters as soon as another process commits. A modest poll is
 * the fallback for file systems where watching is unavailable or silent.
 *
 * @module
 */

/** Extra wake-ups after the last file event, in milliseconds (see `#changedOnDisk`). */
const SETTLE_DELAYS_MS = [25, 250];

/** Options for {@link DatabaseChanges}. */
export interface DatabaseChangesOptions {
  /** The SQLite database file. */
  dbPath: string;
  /** Wake up at least this often even without a file event. @default 2000 */
  pollMs?: number;
}

/** A watch on one database; `wait()` resolves after its next change (or the poll interval). */
export class DatabaseChanges {
  readonly #names: Set<string>;
  readonly #pollMs: number;
  #watcher: Deno.FsWatcher | null = null;
  #changed = false;
  #wake: (() => void) | null = null;
  #settle: Array<ReturnType<typeof setTimeout>> = [];

  /** Start watching (falls back to polling if the watch cannot start). */
  constructor(options: DatabaseChangesOptions) {
    const slash = options.dbPath.lastIndexOf("/");
    const dir = slash <= 0 ? (slash === 0 ? "/" : ".") : options.dbPath.slice(0, slash);
    const base = options.dbPath.slice(slash + 1);
    this.#names = new Set([base, `${base}-wal`]);
    this.#pollMs = options.pollMs ?? 2000;
    try {
      this.#watcher = Deno.watchFs(dir, { recursive: false });
      this.#listen(this.#watcher);
    } catch {
      this.#watcher = null;
    }
  }

  async #listen(watcher: Deno.FsWatcher): Promise<void> {
    try {
      for await (const event of watcher) {
        if (event.kind === "access") continue;
        const relevant = event.paths.some((path) =>
          this.#names.has(path.slice(path.lastIndexOf("/") + 1))
        );
        if (relevant) this.#changedOnDisk();
      }
    } catch {
      // The watch ended (closed, or the directory went away): polling carries on.
    }
  }

  // A commit writes its WAL frames, syncs, and only then publishes them in the shared-memory
  // index (mmap writes, which raise no file events). A reader woken by the last frame write
  // can therefore still see the old snapshot, so wake again shortly after the writes stop.
  #changedOnDisk(): void {
    this.#signal();
    for (const timer of this.#settle) clearTimeout(timer);
    this.#settle = SETTLE_DELAYS_MS.map((ms) => setTimeout(() => this.#signal(), ms));
  }

  #signal(): void {
    this.#changed = true;
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /**
   * Resolve when the database changed since the last `wait()`, after the poll interval,
   * after `timeoutMs`, or when `signal` aborts, whichever comes first.
   */
  wait(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    if (this.#changed || options.signal?.aborted === true) {
      this.#changed = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const delay = Math.max(0, Math.min(this.#pollMs, options.timeoutMs ?? this.#pollMs));
      const done = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", done);
        if (this.#wake === done) this.#wake = null;
        this.#changed = false;
        resolve();
      };
      const timer = setTimeout(done, delay);
      options.signal?.addEventListener("abort", done, { once: true });
      this.#wake = done;
    });
  }

  /** Stop watching. */
  close(): void {
    for (const timer of this.#settle) clearTimeout(timer);
    this.#settle = [];
    try {
      this.#watcher?.close();
    } catch {
      // already closed
    }
    this.#watcher = null;
  }
}
