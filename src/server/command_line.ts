/**
 * `POST /api/v1/run`: remote mode's one route. A remote CLI sends its command line; the
 * server runs the same command in process (the CLI's `run()` with a captured `Io`, on the
 * server's one store connection), acting as the token's agent, and answers with its stdout,
 * stderr and exit code. Only commands on an allowlist run, each with the scope it needs; no
 * path the client names is ever opened here (files travel as contents into a private
 * temporary directory). A repeated idempotency key gets the first answer again.
 *
 * @module
 */

import type { Store } from "../store/store.ts";
import type { TokenScope } from "../core/token.ts";
import { usageError } from "../core/errors.ts";
import { sha256Hex } from "../core/digest.ts";
import { validateAgentName } from "../core/task.ts";
import type { Io } from "../cli/io.ts";
import { HttpError } from "./http.ts";
import { type Caller, requireScope } from "./access.ts";

/** The file beside the database that keeps recent answers of writes across restarts. */
export const REPLY_JOURNAL = "remote_replies.jsonl";

/** The route's path. */
export const COMMAND_LINE_PATH = "/api/v1/run";

/** Most words a command line may have. */
export const MAX_ARGV = 500;

/** Most files a request may carry in (or ask back). */
export const MAX_FILES = 16;

/** A plain file name: no directory, nothing a shell or path would read (dot-only names aside). */
export const FILE_NAME_PATTERN = "^[A-Za-z0-9._ -]{1,200}$";

/** Runs one command line as the CLI does (`run()` from src/cli, passed in by `tm serve`). */
export type CommandLineRunner = (
  argv: readonly string[],
  io: Io,
  options: { store: Store },
) => Promise<number>;

/** The commands a remote client may run, with the scope each needs. */
export const REMOTE_COMMANDS: Readonly<Record<string, TokenScope>> = {
  list: "read",
  show: "read",
  ready: "read",
  "critical-path": "read",
  context: "read",
  metrics: "read",
  report: "read",
  export: "read",
  help: "read",
  prime: "read",
  onboard: "read",
  search: "read",
  tags: "read",
  tree: "read",
  board: "read",
  completions: "read",
  add: "write",
  update: "write",
  assign: "write",
  dep: "write",
  complete: "write",
  delete: "write",
  template: "write",
  criteria: "write",
  progress: "write",
  feedback: "write",
  claim: "write",
  heartbeat: "write",
  release: "write",
  join: "write",
  agent: "write",
  share: "write",
  note: "write",
  discover: "write",
  sync: "write",
  watch: "write",
  import: "write",
  archive: "write",
  "restore-task": "write",
  retract: "write",
};

/** Commands that keep TM_REQUEST_ID in the database themselves (a repeat is reported). */
const RECORDS_KEY = new Set(["share", "discover", "sync"]);

/** The server-side environment a command sees: nothing of the server's own but these. */
const PASSED_ENV = ["TM_LEASE_TTL", "TM_LOCK_TIMEOUT", "TM_MAX_LEASE"] as const;

/** One answer: what the CLI would have printed, and its exit code. */
export interface CommandLineReply {
  schema_version: 1;
  exit_code: number;
  stdout: string;
  stderr: string;
  outputs?: Array<{ index: number; content: string }>;
}

/**
 * Answers of writes kept for repeated idempotency keys: the most recent ones, in memory and,
 * when a journal file is given, appended to it so a restarted server still knows them. The
 * append is on disk (fdatasync) before the answer is sent, so neither a SIGKILL nor a power
 * loss forgets an answer a client saw; answers that finish while a sync is under way share
 * the next one (a group commit; docs/remote.md has the cost).
 */
export class ReplyCache {
  readonly #replies = new Map<string, Promise<CommandLineReply>>();
  /** The settled answers among #replies, what a compaction writes. */
  readonly #answers = new Map<string, CommandLineReply>();
  readonly #max: number;
  readonly #journal: string | undefined;
  #journalled = 0;
  /** Lines waiting for the journal writer, each with the promise its answer waits on. */
  #queue: Array<{ line: string; written: PromiseWithResolvers<void> }> = [];
  #writing = false;
  #syncs = 0;

  /** Keep at most `max` answers (oldest dropped first), journalled in `journal` if given. */
  constructor(options: { max?: number; journal?: string } = {}) {
    this.#max = options.max ?? 10_000;
    this.#journal = options.journal;
    if (this.#journal !== undefined) this.#load(this.#journal);
  }

  #load(path: string): void {
    let text: string;
    try {
      text = Deno.readTextFileSync(path);
    } catch {
      return;
    }
    // A line cut short by a crash must not swallow the next answer appended after it.
    if (text !== "" && !text.endsWith("\n")) Deno.writeTextFileSync(path, "\n", { append: true });
    for (const line of text.split("\n")) {
      try {
        const { key, reply } = JSON.parse(line) as { key: string; reply: CommandLineReply };
        if (typeof key === "string" && typeof reply?.exit_code === "number") {
          this.#replies.delete(key);
          this.#replies.set(key, Promise.resolve(reply));
          this.#answers.set(key, reply);
          this.#journalled++;
        }
      } catch {
        // A line cut short by a crash: skip it.
      }
    }
    this.#trim();
  }

  #trim(): void {
    while (this.#replies.size > this.#max) {
      const oldest = this.#replies.keys().next().value!;
      this.#replies.delete(oldest);
      this.#answers.delete(oldest);
    }
  }

  /** Journal one answer; resolves once it is on disk. */
  #append(key: string, reply: CommandLineReply): Promise<void> {
    if (this.#journal === undefined) return Promise.resolve();
    const written = Promise.withResolvers<void>();
    this.#queue.push({ line: `${JSON.stringify({ key, reply })}\n`, written });
    if (!this.#writing) {
      this.#writing = true;
      void this.#drain(this.#journal);
    }
    return written.promise;
  }

  /** Write what is queued, one batch and one fdatasync at a time, until nothing is left. */
  async #drain(path: string): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0);
        try {
          if (this.#journalled + batch.length > this.#max * 2) await this.#compact(path);
          else {
            await writeSynced(path, batch.map((entry) => entry.line).join(""), { append: true });
            this.#journalled += batch.length;
          }
          this.#syncs++;
          for (const entry of batch) entry.written.resolve();
        } catch (error) {
          for (const entry of batch) entry.written.reject(error);
        }
      }
    } finally {
      // No await since the loop's last check: nothing can have been queued unseen.
      this.#writing = false;
    }
  }

  /** Rewrite the journal as what memory keeps (settled answers), atomically and synced. */
  async #compact(path: string): Promise<void> {
    const entries = [...this.#replies.keys()].flatMap((key) => {
      const reply = this.#answers.get(key);
      return reply === undefined ? [] : [`${JSON.stringify({ key, reply })}\n`];
    });
    const temp = `${path}.tmp`;
    await writeSynced(temp, entries.join(""), { create: true, truncate: true });
    await Deno.rename(temp, path);
    await syncDirectory(path);
    this.#journalled = entries.length;
  }

  /** How many times the journal was synced to disk (one per batch of answers). */
  get journalSyncs(): number {
    return this.#syncs;
  }

  /** The answer for `key`, computing it once; concurrent repeats wait for the first. */
  once(key: string, compute: () => Promise<CommandLineReply>): Promise<CommandLineReply> {
    const known = this.#replies.get(key);
    if (known !== undefined) return known;
    const reply = compute().then(async (answer) => {
      if (this.#replies.get(key) === reply) this.#answers.set(key, answer);
      await this.#append(key, answer);
      return answer;
    });
    this.#replies.set(key, reply);
    // A failure (not an answer) may be retried.
    reply.catch(() => {
      this.#replies.delete(key);
      this.#answers.delete(key);
    });
    this.#trim();
    return reply;
  }
}

/** Write `text` to `path` and fdatasync it before resolving. */
async function writeSynced(
  path: string,
  text: string,
  mode: { append: true } | { create: true; truncate: true },
): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, mode: 0o600, ...mode });
  try {
    const bytes = new TextEncoder().encode(text);
    for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
    await file.syncData();
  } finally {
    file.close();
  }
}

/** Make a rename in `path`'s directory durable (best effort: not every system allows it). */
async function syncDirectory(path: string): Promise<void> {
  const slash = path.lastIndexOf("/");
  const dir = slash < 0 ? "." : slash === 0 ? "/" : path.slice(0, slash);
  try {
    const handle = await Deno.open(dir, { read: true });
    try {
      await handle.sync();
    } finally {
      handle.close();
    }
  } catch {
    // The rename itself happened; only its durability across a power loss is weaker here.
  }
}

interface FileSpec {
  index: number;
  name: string;
  typed: string;
  content?: string;
}

interface Body {
  argv: string[];
  stdin: string;
  agent: string | undefined;
  files: FileSpec[];
  outputs: FileSpec[];
}

function bad(message: string): HttpError {
  return new HttpError(400, "usage", message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A plain file name: no directory, no dot-only name, nothing a shell or path would read. */
function safeName(name: string): boolean {
  return new RegExp(FILE_NAME_PATTERN).test(name) && !/^\.+$/.test(name);
}

function fileSpecs(value: unknown, argc: number, withContent: boolean): FileSpec[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_FILES) throw bad("files: expected a short list");
  return value.map((item) => {
    if (
      !isRecord(item) || typeof item.index !== "number" || !Number.isInteger(item.index) ||
      item.index < 0 || item.index >= argc || typeof item.name !== "string" ||
      !safeName(item.name) || typeof item.typed !== "string" ||
      (withContent && item.content !== undefined && typeof item.content !== "string")
    ) throw bad("files: each needs index, a plain file name, typed and content");
    return {
      index: item.index,
      name: item.name,
      typed: item.typed,
      ...(withContent && typeof item.content === "string" ? { content: item.content } : {}),
    };
  });
}

/** The request body, checked. */
function parseBody(value: unknown): Body {
  if (!isRecord(value)) throw bad("expected a JSON object with argv");
  const { argv, stdin, agent } = value;
  if (
    !Array.isArray(argv) || argv.length > MAX_ARGV || !argv.every((a) => typeof a === "string")
  ) throw bad("argv: expected a list of strings");
  if (stdin !== undefined && typeof stdin !== "string") throw bad("stdin: expected a string");
  if (agent !== undefined && typeof agent !== "string") throw bad("agent: expected a string");
  return {
    argv: argv as string[],
    stdin: stdin ?? "",
    agent,
    files: fileSpecs(value.files, argv.length, true),
    outputs: fileSpecs(value.outputs, argv.length, false),
  };
}

/** Options whose value is a path on the machine that runs the command, by command. */
const PATH_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  share: ["--file"],
  export: ["--output"],
  report: ["--output"],
};

/**
 * Refuse any path into the server's file system: every path option's value must be one of the
 * files the request carries (replaced by a private temporary path), and `import` reads stdin.
 */
function checkPaths(body: Body, word: string): void {
  const carried = new Set([...body.files, ...body.outputs].map((f) => f.index));
  const options = PATH_OPTIONS[word] ?? [];
  const end = body.argv.indexOf("--");
  const head = end === -1 ? body.argv : body.argv.slice(0, end);
  const refuse = () =>
    usageError(
      `tm ${word}: a path on the server is not accepted in remote mode`,
      "the tm client sends the file's contents; use it (TM_URL + TM_TOKEN) rather than raw requests",
    );
  let seenWord = false;
  for (let i = 0; i < head.length; i++) {
    const arg = head[i]!;
    if (options.some((o) => arg.startsWith(`${o}=`))) throw refuse();
    if (options.includes(arg) && !carried.has(i + 1)) throw refuse();
    if (word === "import" && !arg.startsWith("-")) {
      if (seenWord && arg !== "-") throw refuse();
      if (arg === "import") seenWord = true;
    }
  }
  // A file entry may only stand for a path option's value.
  for (const index of carried) {
    if (!options.includes(body.argv[index - 1] ?? "")) {
      throw bad("files: not a path option's value");
    }
  }
}

/** Arguments after which `--help` is still the global option, never a string option's value. */
const NOT_TAKING_VALUES = new Set(["-", "--json", "--help", "-h", "--version", "-V"]);

/**
 * Whether the command line asks for help rather than running: some `--help` (or `-h`) must be
 * the global option. After an option that may take a value it may be that option's value
 * (`add T --description --help` adds a task, as the CLI keeps a string option's value with it),
 * and a read token must not run a write that way.
 */
function asksHelp(head: readonly string[]): boolean {
  return head.some((arg, i) => {
    if (arg !== "--help" && arg !== "-h") return false;
    const before = head[i - 1];
    return before === undefined || !before.startsWith("-") || NOT_TAKING_VALUES.has(before) ||
      (before.startsWith("--") && before.includes("="));
  });
}

/** The command word, refusing what must not cross: --db, another agent, local-only commands. */
function checkCommandLine(body: Body, caller: Caller): { word: string; scope: TokenScope } {
  let word: string | undefined;
  const end = body.argv.indexOf("--");
  const head = end === -1 ? body.argv : body.argv.slice(0, end);
  for (let i = 0; i < head.length; i++) {
    const arg = head[i]!;
    const [name, inline] = arg.startsWith("--") && arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    if (name === "--db") throw usageError("--db is not available in remote mode");
    if (name === "--agent-id") {
      const value = inline ?? head[++i];
      // A malformed name is refused as locally (exit 5) before it is compared.
      if (value !== undefined) validateAgentName(value, "--agent-id");
      if (value !== caller.agent) {
        throw usageError(
          `--agent-id "${value ?? ""}" conflicts with the token's agent "${caller.agent}"`,
          "in remote mode the token names the agent",
        );
      }
    } else if (word === undefined && !arg.startsWith("-")) word = arg;
  }
  if (body.agent !== undefined) validateAgentName(body.agent, "TM_AGENT_ID");
  if (body.agent !== undefined && body.agent !== caller.agent) {
    throw usageError(
      `TM_AGENT_ID "${body.agent}" conflicts with the token's agent "${caller.agent}"`,
      "unset TM_AGENT_ID, or use that agent's token",
    );
  }
  if (word === undefined) return { word: "", scope: "read" };
  // Any command's help is harmless text, local-only commands' included.
  if (asksHelp(head)) return { word, scope: "read" };
  const scope = REMOTE_COMMANDS[word];
  if (scope === undefined) {
    throw usageError(
      `tm ${word} is not available in remote mode`,
      "run it on the server's machine",
    );
  }
  if (word === "watch" && head.includes("--follow")) {
    throw usageError("watch --follow runs on the client over /api/v1/events");
  }
  return { word, scope };
}

/** What the route needs from the server. */
export interface CommandLineContext {
  caller: Caller;
  store: Store;
  runner: CommandLineRunner;
  /** The project's root (the commands' working directory) and database. */
  cwd: string;
  dbPath: string;
  /** The server process's own environment, for {@link PASSED_ENV}. */
  env: (name: string) => string | undefined;
  replies: ReplyCache;
  idempotencyKey: string | null;
}

/** Answer `POST /api/v1/run`. */
export async function answerCommandLine(
  rawBody: unknown,
  context: CommandLineContext,
): Promise<CommandLineReply> {
  const body = parseBody(rawBody);
  const { word, scope } = checkCommandLine(body, context.caller);
  requireScope(context.caller, scope);
  checkPaths(body, word);
  const run = () => runCommandLine(body, context);
  // Reads are safe to repeat; only writes are remembered, except those that record the key
  // themselves (TM_REQUEST_ID) and say "duplicate" on a repeat, as they do locally.
  if (context.idempotencyKey === null || scope === "read" || RECORDS_KEY.has(word)) {
    return await run();
  }
  // The key names one command: the same key with another command line (a script that sets
  // TM_REQUEST_ID once) is another request, not a repeat to answer from the cache.
  const digest = await sha256Hex(JSON.stringify(body));
  const key = `${context.caller.agent}\0${context.idempotencyKey}\0${digest}`;
  return await context.replies.once(key, run);
}

async function runCommandLine(body: Body, context: CommandLineContext): Promise<CommandLineReply> {
  const argv = [...body.argv];
  const temp = body.files.length + body.outputs.length > 0
    ? await Deno.makeTempDir({ prefix: "tm-remote-" })
    : undefined;
  const shown = new Map<string, string>();
  try {
    for (const file of [...body.files, ...body.outputs]) {
      const path = `${temp}/${file.index}/${file.name}`;
      await Deno.mkdir(`${temp}/${file.index}`, { recursive: true });
      if (file.content !== undefined) await Deno.writeTextFile(path, file.content);
      argv[file.index] = path;
      shown.set(path, file.typed);
    }
    const env = new Map<string, string>([
      ["TM_AGENT_ID", context.caller.agent],
      ["TM_DB_PATH", context.dbPath],
      ["NO_COLOR", "1"],
    ]);
    if (context.idempotencyKey !== null) env.set("TM_REQUEST_ID", context.idempotencyKey);
    for (const name of PASSED_ENV) {
      const value = context.env(name);
      if (value !== undefined) env.set(name, value);
    }
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = {
      stdout: (text) => void out.push(text),
      stderr: (text) => void err.push(text),
      env: (name) => env.get(name),
      cwd: () => context.cwd,
      isTerminal: () => false,
      now: () => new Date(),
      readStdin: () => Promise.resolve(body.stdin),
      confirm: () => undefined,
    };
    const code = await context.runner(argv, io, { store: context.store });
    // The client named its files; show those names, not the temporary directory.
    const unmask = (text: string) => {
      for (const [path, typed] of shown) text = text.replaceAll(path, typed);
      return text;
    };
    const reply: CommandLineReply = {
      schema_version: 1,
      exit_code: code,
      stdout: unmask(out.join("")),
      stderr: unmask(err.join("")),
    };
    if (body.outputs.length > 0 && code === 0) {
      reply.outputs = [];
      for (const output of body.outputs) {
        const content = await Deno.readTextFile(`${temp}/${output.index}/${output.name}`)
          .catch(() => undefined);
        if (content !== undefined) reply.outputs.push({ index: output.index, content });
      }
    }
    return reply;
  } finally {
    if (temp !== undefined) await Deno.remove(temp, { recursive: true }).catch(() => {});
  }
}
