/**
 * The process boundary handed to commands: output streams, environment, working directory,
 * clock. Nothing under `src/cli` reads these from `Deno` directly, so a fake `Io` fully
 * isolates one `run()`: tests pass one (tests/_in_process.ts); `main.ts` passes
 * {@link processIo}.
 *
 * @module
 */

/** What a command may touch of the process. */
export interface Io {
  /** Write text to stdout as is (callers add newlines). */
  stdout(text: string): void;
  /** Write text to stderr as is. */
  stderr(text: string): void;
  /** Read an environment variable (undefined when unset or not permitted). */
  env(name: string): string | undefined;
  /** The working directory commands resolve paths against. */
  cwd(): string;
  /** Whether stdout is a terminal (progress lines, colour). */
  isTerminal(): boolean;
  /** The terminal's width in columns, when stdout is one (absent: 100). */
  width?(): number | undefined;
  /** The current time (tests move it instead of sleeping). */
  now(): Date;
  /** Read all of stdin as text. */
  readStdin(): Promise<string>;
  /** Stdin as a byte stream, for commands that read it as it arrives (tm mcp); absent: empty. */
  stdinStream?(): ReadableStream<Uint8Array>;
  /**
   * Ask a yes/no question on the terminal. Returns undefined, without asking, when stdin
   * is not a terminal (tm never prompts a non-interactive caller) or when absent.
   */
  confirm?(question: string): boolean | undefined;
  /**
   * Ask for one line of text on the terminal (`tm fix-orchestration --interactive`). Returns
   * undefined, without asking, when stdin is not a terminal or when absent.
   */
  ask?(question: string): string | undefined;
  /**
   * Open `path` in the user's editor (`$VISUAL`, `$EDITOR`, else `vi`) and wait for it to
   * exit; whether it succeeded. Returns undefined, without starting it, when stdin or stdout
   * is not a terminal, or when absent.
   */
  edit?(path: string): Promise<boolean | undefined>;
  /**
   * Aborted once a write finds stdout closed (the reader went away, e.g. `| head -1`).
   * Long-running commands treat it like SIGTERM; later stdout writes are dropped.
   */
  stdoutClosed?: AbortSignal;
}

const encoder = new TextEncoder();

function writeAll(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = encoder.encode(text);
  for (let offset = 0; offset < bytes.length;) {
    offset += stream.writeSync(bytes.subarray(offset));
  }
}

/** The real process: Deno's stdout/stderr, environment and working directory. */
export function processIo(): Io {
  const closed = new AbortController();
  return {
    stdout: (text) => {
      if (closed.signal.aborted) return;
      try {
        writeAll(Deno.stdout, text);
      } catch (error) {
        // A closed pipe is not a failure of the command: its reader has gone.
        if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
        closed.abort();
      }
    },
    stdoutClosed: closed.signal,
    stderr: (text) => writeAll(Deno.stderr, text),
    env: (name) => {
      try {
        return Deno.env.get(name);
      } catch {
        return undefined;
      }
    },
    cwd: () => Deno.cwd(),
    isTerminal: () => Deno.stdout.isTerminal(),
    width: () => {
      try {
        const columns = Deno.consoleSize().columns;
        return columns > 0 ? columns : undefined;
      } catch {
        return undefined;
      }
    },
    now: () => new Date(),
    // Bounded: an endless pipe is an error, not a hang (the largest input is an import).
    readStdin: async () => {
      // Computed specifier: only a command that reads stdin reads and parses the module.
      const { MAX_IMPORT_BYTES, readCapped } = await import(
        new URL("./input.ts", import.meta.url).href
      ) as typeof import("./input.ts");
      return readCapped(Deno.stdin.readable, MAX_IMPORT_BYTES, "stdin");
    },
    stdinStream: () => Deno.stdin.readable,
    confirm: (question) => {
      if (!Deno.stdin.isTerminal()) return undefined;
      const answer = globalThis.prompt(`${question} [y/N]`);
      return answer !== null && /^y(es)?$/i.test(answer.trim());
    },
    ask: (question) => {
      if (!Deno.stdin.isTerminal()) return undefined;
      return globalThis.prompt(question) ?? "";
    },
    edit: async (path) => {
      if (!Deno.stdin.isTerminal() || !Deno.stdout.isTerminal()) return undefined;
      // The shell reads VISUAL/EDITOR from the inherited environment (tm itself may not read
      // them) and splits "code --wait" into a command and its arguments.
      const editor = new Deno.Command("sh", {
        args: ["-c", 'exec ${VISUAL:-${EDITOR:-vi}} "$1"', "tm-edit", path],
        stdin: "inherit",
        stdout: "inherit",
        stderr: "inherit",
      });
      return (await editor.output()).success;
    },
  };
}
