/**
 * Local files in remote mode. The server never touches a path the client names: the client
 * reads what a command reads and sends the contents (`share --file`, `import FILE`), and
 * writes what a command writes (`--output FILE`) from what the server sends back. On the
 * server the command sees files in a private temporary directory instead.
 *
 * @module
 */

import { TmError } from "../core/errors.ts";
import { writeTextFileAtomic } from "../files/atomic.ts";
import type { Io } from "../cli/io.ts";

/** What one remote command line sends besides its argv. */
export interface RemoteRequest {
  argv: string[];
  stdin?: string;
  /** `TM_AGENT_ID`, for the server to refuse when it is not the token's agent. */
  agent?: string;
  /**
   * The user's `TM_REQUEST_ID`: the idempotency key of this one command. Requests a process
   * makes on its own (a worker's heartbeats, a follower's polls) get a fresh key each.
   */
  requestId?: string;
  files: FileIn[];
  outputs: FileOut[];
}

/** A file the command reads: argv[index] names it; the server writes `content` as `name`. */
export interface FileIn {
  index: number;
  name: string;
  /** As the user typed it: the server shows this instead of its temporary path. */
  typed: string;
  /** Absent when there is no such file: the command on the server says so, as locally. */
  content?: string;
}

/** A file the command writes: argv[index] names it; `path` is where the client puts it. */
export interface FileOut {
  index: number;
  name: string;
  path: string;
  /** As the user typed it, for messages. */
  typed: string;
}

/** The largest file sent or received (the server's body limit is 2 MiB). */
const MAX_FILE_BYTES = 1536 * 1024;

function resolveAgainst(cwd: string, path: string): string {
  return path.startsWith("/") ? path : `${cwd}/${path}`;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Give `--name=value` its value as a separate argument, so an index names the value alone. */
function splitInline(argv: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (const arg of argv) {
    if (arg === "--") {
      out.push(...argv.slice(argv.indexOf("--")));
      break;
    }
    const name = names.find((n) => arg.startsWith(`--${n}=`));
    if (name === undefined) out.push(arg);
    else out.push(`--${name}`, arg.slice(name.length + 3));
  }
  return out;
}

async function readLocal(path: string, typed: string, io: Io, what: string): Promise<string> {
  try {
    const absolute = resolveAgainst(io.cwd(), path);
    const info = await Deno.stat(absolute);
    if (info.size > MAX_FILE_BYTES) {
      throw new TmError("validation", `cannot send "${typed}": larger than 1.5 MiB`);
    }
    return await Deno.readTextFile(absolute);
  } catch (error) {
    if (error instanceof TmError) throw error;
    if (error instanceof Deno.errors.NotFound) {
      throw new TmError("not_found", `cannot ${what} "${typed}": no such file`);
    }
    throw new TmError("storage", `cannot ${what} "${typed}": ${(error as Error).message}`);
  }
}

/**
 * The request for `argv`: file arguments replaced by their contents (read here), outputs
 * noted for {@link writeOutputs}. Only the commands that read or write files are touched.
 */
export async function prepareFiles(
  argv: string[],
  command: { word: string; index: number } | null,
  io: Io,
): Promise<RemoteRequest> {
  const request: RemoteRequest = { argv, files: [], outputs: [] };
  if (command === null) return request;
  if (command.word === "share") {
    request.argv = splitInline(argv, ["file"]);
    for (let i = command.index + 1; i < request.argv.length; i++) {
      if (request.argv[i] === "--") break;
      if (request.argv[i] === "--file" && i + 1 < request.argv.length) {
        const typed = request.argv[++i]!;
        // The command checks the name (type, then existence) itself, on the server, as locally.
        const file: FileIn = { index: i, name: baseName(typed), typed };
        try {
          file.content = await readLocal(typed, typed, io, "attach");
        } catch (error) {
          if (!(error instanceof TmError) || error.code !== "not_found") throw error;
        }
        request.files.push(file);
      }
    }
  } else if (command.word === "import") {
    // `-` (stdin) is the file argument too, not an option.
    const fileIndex = argv.findIndex((a, i) =>
      i > command.index && (a === "-" || !a.startsWith("-"))
    );
    const typed = fileIndex === -1 ? undefined : argv[fileIndex]!;
    if (typed !== undefined && typed !== "-") {
      request.stdin = await readLocal(typed, typed, io, "read");
      request.argv = argv.with(fileIndex, "-");
    } else if (typed === "-") {
      request.stdin = await io.readStdin();
    }
  } else if (command.word === "export" || command.word === "report") {
    request.argv = splitInline(argv, ["output"]);
    for (let i = command.index + 1; i < request.argv.length; i++) {
      if (request.argv[i] === "--") break;
      if (request.argv[i] === "--output" && i + 1 < request.argv.length) {
        const typed = request.argv[++i]!;
        request.outputs.push({
          index: i,
          name: baseName(typed) || "output",
          path: resolveAgainst(io.cwd(), typed),
          typed,
        });
      }
    }
  }
  return request;
}

/** Write what the server produced for each `--output`, atomically, before printing. */
export async function writeOutputs(
  outputs: readonly FileOut[],
  produced: ReadonlyMap<number, string>,
  _io: Io,
): Promise<void> {
  for (const output of outputs) {
    const content = produced.get(output.index);
    if (content === undefined) continue;
    try {
      if ((await Deno.stat(output.path).catch(() => null))?.isDirectory) {
        throw new Deno.errors.IsADirectory(output.path);
      }
      await writeTextFileAtomic(output.path, content);
    } catch (error) {
      const reason = error instanceof Deno.errors.NotFound
        ? "its directory does not exist"
        : error instanceof Deno.errors.IsADirectory
        ? "it is a directory"
        : (error as Error).message;
      throw new TmError("storage", `cannot write "${output.typed}": ${reason}`);
    }
  }
}
