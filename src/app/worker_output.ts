/**
 * What of a worker command's output goes to the task's progress log, and in which batches:
 * the first lines as they come (live progress), then only a rolling tail, written with a
 * truncation marker when the command ends. Shared by the local worker (TaskRun) and the
 * remote one (src/remote/worker.ts), so both store the same lines. No I/O here: the caller
 * writes what {@link WorkerOutput.take} hands it.
 *
 * @module
 */

/**
 * How much of one attempt's output is stored: `yes | head -100000` stores at most ~1,000
 * lines and ~1 MiB.
 */
export const OUTPUT_LIMITS = {
  headLines: 500,
  headBytes: 512 * 1024,
  tailLines: 500,
  tailBytes: 512 * 1024,
  lineChars: 4096,
} as const;

/** How often buffered output lines are written to the progress log. */
export const FLUSH_EVERY_MS = 250;

/** One attempt's output on its way to the progress log. */
export class WorkerOutput {
  /** Lines due in the progress log, not yet handed out. */
  #pending: string[] = [];
  /** The last lines of the attempt, for the reason shown to people. */
  #tail: string[] = [];
  /** What went to the log so far (the head). */
  #stored = { lines: 0, bytes: 0 };
  /** Past the head: the rolling tail, its size, and how many lines fell out of it. */
  #ring: string[] = [];
  #ringBytes = 0;
  #dropped = 0;

  /** Take one line the command printed; returns it as stored (an overlong line cut short). */
  add(raw: string): string {
    const line = raw.length > OUTPUT_LIMITS.lineChars
      ? `${raw.slice(0, OUTPUT_LIMITS.lineChars)} [line truncated]`
      : raw;
    const { headLines, headBytes, tailLines, tailBytes } = OUTPUT_LIMITS;
    if (this.#stored.lines < headLines && this.#stored.bytes + line.length <= headBytes) {
      this.#pending.push(line);
      this.#stored.lines++;
      this.#stored.bytes += line.length;
    } else {
      this.#ring.push(line);
      this.#ringBytes += line.length;
      while (this.#ring.length > tailLines || this.#ringBytes > tailBytes) {
        this.#ringBytes -= this.#ring.shift()!.length;
        this.#dropped++;
      }
    }
    this.#tail = [...this.#tail.slice(-4), line];
    return line;
  }

  /** The command ended: the tail kept past the head is due, after a marker of what was left out. */
  end(): void {
    if (this.#dropped > 0) {
      this.#pending.push(`[tm: ${this.#dropped} lines of output not stored]`);
    }
    this.#pending.push(...this.#ring);
    this.#ring = [];
    this.#ringBytes = 0;
    this.#dropped = 0;
  }

  /** The lines due in the progress log since the last call, in order. */
  take(): string[] {
    const lines = this.#pending;
    this.#pending = [];
    return lines;
  }

  /** The last five lines of the attempt. */
  get tail(): readonly string[] {
    return this.#tail;
  }
}

/** Why a worker gave a task up, the same words locally and remotely. */
export function giveUpReason(attempt: number, exitCode: number, tail: readonly string[]): string {
  const last = tail.at(-1);
  return `command failed ${attempt} time${attempt === 1 ? "" : "s"} ` +
    `(last exit code ${exitCode})${last === undefined ? "" : `: ${last}`}`;
}
