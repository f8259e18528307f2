/**
 * Remote mode: the CLI's client for a tm server. Command-shaped: the command line goes to
 * `POST /api/v1/run`, where the server runs the same command in process as the token's
 * agent, and its stdout, stderr and exit code come back and are printed as they are. So the
 * arguments, text, JSON and exit codes are those of a local run by construction.
 *
 * The client does only what needs this machine: it reads the files a command reads
 * (`share --file`, `import FILE`), writes the files a command writes (`--output`), follows
 * the event stream for `watch --follow`, and runs `worker --exec` processes. It never loads
 * SQLite (tests/e2e/startup_imports_test.ts).
 *
 * @module
 */

import { TmError, usageError } from "../core/errors.ts";
import { validateAgentName } from "../core/task.ts";
import { jsonRequested, printError } from "../cli/error_text.ts";
import type { Io } from "../cli/io.ts";
import { inertEscapes } from "../cli/safe_text.ts";
import { isLoopbackHost, type RemoteTarget } from "./target.ts";
import { prepareFiles, type RemoteRequest, writeOutputs } from "./files.ts";
import { requestRun, type RunReply } from "./http.ts";

/**
 * The modules of `watch --follow` and `worker`, loaded only for them. Computed specifiers, so
 * Deno does not even read their graphs (the worker's reaches src/app/) for other commands.
 */
const FOLLOW = new URL("./follow.ts", import.meta.url).href;
const WORKER = new URL("./worker.ts", import.meta.url).href;

/** Commands the server refuses in remote mode; said here too so the refusal needs no network. */
export const LOCAL_COMMANDS: Readonly<Record<string, string>> = {
  init: "tm init creates a local database; the server's project is initialised already",
  migrate: "migrations run on the server's machine",
  db: "tm db copy moves the database on the server's machine: run it there",
  serve: "tm serve runs on the server's machine",
  config: "the project's configuration lives on the server's machine",
  token: "tokens are managed on the server's machine (tm token create AGENT)",
  edit: "it opens an editor where the task lives; use tm update ID --title/--description",
  mcp: "run tm mcp where the project is, or use tm serve's /mcp",
  doctor: "it checks the database files on the server's machine: run it there",
  restore: "it replaces the server's database from a backup: run it there",
  "validate-orchestration":
    "in remote mode the token names the agent and nothing is enforced; run it where the project is",
  "fix-orchestration":
    "in remote mode the token names the agent and nothing is enforced; run it where the project is",
};

/** Split `--insecure` (a client-only option) and `--json` out of `argv`. */
function clientOptions(argv: readonly string[]): { argv: string[]; insecure: boolean } {
  const end = argv.indexOf("--");
  const head = end === -1 ? [...argv] : argv.slice(0, end);
  const tail = end === -1 ? [] : argv.slice(end);
  const insecure = head.includes("--insecure");
  return { argv: [...head.filter((a) => a !== "--insecure"), ...tail], insecure };
}

/** The command word: the first argument that is not an option or a global option's value. */
export function commandWordOf(argv: readonly string[]): { word: string; index: number } | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") return null;
    if (arg === "--agent-id" || arg === "--db") i++;
    else if (!arg.startsWith("-")) return { word: arg, index: i };
  }
  return null;
}

function hasAgentFlag(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).some((a) =>
    a === "--agent-id" || a.startsWith("--agent-id=")
  );
}

/** Refuse plain http:// off this machine unless asked for. */
export function checkTransport(target: RemoteTarget, insecure: boolean): void {
  const url = new URL(target.url);
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname) && !target.insecure && !insecure) {
    throw usageError(
      `refusing plain http:// to ${url.host}: the token would cross the network unencrypted`,
      "use https:// (tm serve --tls-cert/--tls-key, or a proxy), or --insecure / TM_INSECURE=1",
    );
  }
}

/**
 * Run one command line against the server and return its exit code. Prints only through
 * `io`; every failure (the network, the server, a broken reply) is one `tm:` line.
 */
export async function runRemote(
  rawArgv: readonly string[],
  io: Io,
  target: RemoteTarget,
): Promise<number> {
  const json = jsonRequested(rawArgv);
  try {
    const { argv, insecure } = clientOptions(rawArgv);
    checkTransport(target, insecure);
    const command = commandWordOf(argv);
    const refusal = command === null ? undefined : LOCAL_COMMANDS[command.word];
    if (refusal !== undefined) {
      throw usageError(
        `tm ${command!.word} is not available in remote mode (${target.url})`,
        refusal,
      );
    }
    if (command?.word === "watch" && argv.includes("--follow")) {
      const { followRemote } = await import(FOLLOW);
      return await followRemote(argv, io, target);
    }
    if (command?.word === "worker" && !argv.includes("--help") && !argv.includes("-h")) {
      const { workRemote } = await import(WORKER);
      return await workRemote(argv, io, target);
    }
    const request = await prepareFiles(argv, command, io);
    // As locally, --agent-id wins over TM_AGENT_ID (the server checks it against the token).
    const agent = io.env("TM_AGENT_ID");
    if (agent !== undefined && agent !== "" && !hasAgentFlag(argv)) {
      request.agent = validateAgentName(agent, "TM_AGENT_ID");
    }
    const requestId = io.env("TM_REQUEST_ID");
    if (requestId !== undefined && requestId !== "") request.requestId = requestId;
    const reply = await requestRun(target, request, io);
    return await deliver(reply, request, io);
  } catch (error) {
    if (error instanceof TmError) return printError(io, error, json);
    throw error;
  }
}

/** Write the files the command produced, then its output, and return its exit code. */
async function deliver(reply: RunReply, request: RemoteRequest, io: Io): Promise<number> {
  if (reply.exit_code === 0) await writeOutputs(request.outputs, reply.outputs, io);
  // The server runs commands with no terminal, so its own output carries no escape sequence;
  // one in the reply would come from elsewhere and must not drive this terminal.
  const stdout = io.isTerminal() ? inertEscapes(reply.stdout) : reply.stdout;
  if (stdout !== "") io.stdout(stdout);
  if (reply.stderr !== "") io.stderr(inertEscapes(reply.stderr));
  return reply.exit_code;
}
