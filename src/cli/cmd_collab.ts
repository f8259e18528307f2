/**
 * `tm join`, `tm share`, `tm note`, `tm discover`, `tm sync`, `tm context`: working on a
 * task together. See docs/collaboration.md.
 *
 * @module
 */

import {
  addPrivateNote,
  findSyncPoint,
  joinTask,
  readTaskContext,
  shareContext,
  validateCheckpoint,
  validateMessage,
  validateRequestId,
} from "../app/collaboration.ts";
import { TmError, usageError, validationError } from "../core/errors.ts";
import { DatabaseChanges } from "../files/db_changes.ts";
import { assertValidYaml } from "../files/shared_context.ts";
import type { ContextEntry } from "../core/collaboration.ts";
import { defineCommand } from "./command.ts";
import type { Io } from "./io.ts";
import { oneLine } from "./output.ts";
import { multiLine } from "./safe_text.ts";
import { resolveAgainst } from "./output_file.ts";
import { textArgument } from "./text_input.ts";

function requestIdFrom(io: Io): string | null {
  const value = io.env("TM_REQUEST_ID");
  return value === undefined || value === "" ? null : validateRequestId(value);
}

/** The `join` command. */
export const joinCommand = defineCommand({
  name: "join",
  usage: `Usage: tm join ID

Take part in a task: you receive its notifications (unblocked, discoveries, sync points)
and are listed among its participants (tm show). Creating, being assigned, claiming and
sharing make you a participant too. Joining twice is harmless. Prints "Joined task: <id>".`,
  options: {},
  args: ["ID"],
  authors: true,
  async run({ args, app }) {
    const result = await joinTask(await app(), args[0]!);
    return { data: { ...result }, text: `Joined task: ${result.task_id}` };
  },
});

const DOCUMENT_TYPES: Readonly<Record<string, "yaml" | "markdown">> = {
  yaml: "yaml",
  yml: "yaml",
  md: "markdown",
  markdown: "markdown",
};

async function readDocument(
  path: string,
  cwd: string,
): Promise<{ name: string; text: string }> {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const kind = DOCUMENT_TYPES[name.slice(name.lastIndexOf(".") + 1).toLowerCase()];
  if (!name.includes(".") || kind === undefined) {
    throw validationError(
      `cannot attach "${oneLine(path)}": unsupported file type`,
      "attach a .yaml, .yml, .md or .markdown file",
    );
  }
  let text: string;
  try {
    const { MAX_DOCUMENT_BYTES, readFileCapped } = await import("./input.ts");
    text = await readFileCapped(resolveAgainst(cwd, path), MAX_DOCUMENT_BYTES, path);
  } catch (error) {
    if (error instanceof TmError) throw error;
    if (error instanceof Deno.errors.NotFound) {
      throw new TmError("not_found", `cannot attach "${oneLine(path)}": no such file`);
    }
    if (error instanceof Deno.errors.IsADirectory) {
      throw validationError(`cannot attach "${oneLine(path)}": it is a directory`);
    }
    throw error;
  }
  if (kind === "yaml") await assertValidYaml(text, name);
  return { name, text };
}

/** The `share` command. */
export const shareCommand = defineCommand({
  name: "share",
  usage: `Usage: tm share ID MESSAGE
       tm share ID --file FILE [MESSAGE]

Append an update to the task's shared context, visible to every agent (tm context ID).
Entries are stored in order in the database, each with a per-task sequence number, and
mirrored to .task-orchestrator/shared_context/task_<id>.yaml for people and editors
(regenerated from the database after each change; edits to it are overwritten). Sharing
makes you a participant. Prints "Shared update for task <id>".

With --file, the file's content is attached as a document entry (requirements, an API
sketch); a MESSAGE, if given, is shared as a separate update first. YAML files are checked:
malformed YAML is refused (exit 5) with its line and column.

MESSAGE @FILE shares the content of FILE (any text, any length), and - reads stdin;
@@x is the text @x (the same for note and discover).

With TM_REQUEST_ID set, a repeated command with the same id is recorded once (the
earlier entry is returned, with "duplicate": true in --json).`,
  options: {
    file: {
      type: "string",
      value: "FILE",
      help: "attach a .yaml, .yml, .md or .markdown document (up to 1 MiB)",
    },
  },
  args: ["ID"],
  optionalArgs: ["MESSAGE..."],
  authors: true,
  async run({ args, flags, app, io }) {
    const file = flags.file;
    const message = args[1];
    if (file === undefined && message === undefined) {
      throw usageError("share: missing argument MESSAGE", "usage: tm share ID MESSAGE");
    }
    const requestId = requestIdFrom(io);
    const document = file === undefined ? undefined : await readDocument(file, io.cwd());
    const text = message === undefined
      ? undefined
      : validateMessage(await textArgument(message, io, "the message"));
    const { warnings, ...result } = await shareContext(await app(), args[0]!, {
      type: "share",
      ...(text === undefined ? {} : { message: text }),
      ...(document === undefined ? {} : { document }),
      requestId,
    });
    return {
      data: { ...result },
      text: `Shared update for task ${result.task_id}`,
      warnings,
    };
  },
});

/** The `note` command. */
export const noteCommand = defineCommand({
  name: "note",
  usage: `Usage: tm note ID MESSAGE

Append a private note (Markdown, under a "## <time>" heading) to
.task-orchestrator/private_notes/<agent>/task_<id>.md. Only commands run as the same agent
show it (tm context ID); other agents never see it. Prints "Added private note for task
<id>".`,
  options: {},
  args: ["ID", "MESSAGE..."],
  authors: true,
  async run({ args, app, io }) {
    const text = await textArgument(args[1]!, io, "the note");
    const result = await addPrivateNote(await app(), args[0]!, text);
    return { data: { ...result }, text: `Added private note for task ${result.task_id}` };
  },
});

/** The `discover` command. */
export const discoverCommand = defineCommand({
  name: "discover",
  usage: `Usage: tm discover ID MESSAGE

Record a discovery in the task's shared context and send a high-priority notification to
every participant of the task and of the tasks that depend on it (except you). They see
it with tm watch. Makes you a participant. TM_REQUEST_ID makes it idempotent. Prints
"Discovery shared for task <id>".`,
  options: {},
  args: ["ID", "MESSAGE..."],
  authors: true,
  async run({ args, app, io }) {
    const { warnings, ...result } = await shareContext(await app(), args[0]!, {
      type: "discovery",
      text: validateMessage(await textArgument(args[1]!, io, "the message")),
      requestId: requestIdFrom(io),
    });
    return {
      data: { ...result },
      text: `Discovery shared for task ${result.task_id}`,
      warnings,
    };
  },
});

/** Default and largest `tm sync --wait` timeouts, in seconds. */
const SYNC_DEFAULT_TIMEOUT_S = 60;
const MAX_TIMEOUT_S = 24 * 3600;

/** Parse a `--timeout` in seconds (decimals allowed), bounded to one day. */
export function timeoutFlag(value: string | undefined, fallbackS: number | null): number | null {
  if (value === undefined) return fallbackS === null ? null : fallbackS * 1000;
  const seconds = Number(value);
  if (
    !/^\s*\d+(\.\d+)?\s*$/.test(value) || !Number.isFinite(seconds) || seconds < 0 ||
    seconds > MAX_TIMEOUT_S
  ) {
    throw usageError(`invalid --timeout "${value}": expected seconds between 0 and 86400`);
  }
  return Math.round(seconds * 1000);
}

/** The `sync` command. */
export const syncCommand = defineCommand({
  name: "sync",
  usage: `Usage: tm sync ID CHECKPOINT...
       tm sync ID --wait CHECKPOINT... [--timeout S]

Record a named checkpoint on a task (a "sync" entry in its shared context) and notify its
other participants. Recording an existing checkpoint again changes nothing. Prints
"Created sync point for task <id>".

With --wait, record nothing: block until the checkpoint exists, so agents can rendezvous.
Waiting watches the database for commits (no busy loop). Prints "Sync point <name>
reached for task <id>" and exits 0, or fails after the timeout with exit 4 (code
"timeout", retryable).

A checkpoint is free text on one line, up to 500 characters ('Milestone reached', or a
short name such as api-done); the words after ID are joined with spaces, as in the
original tm.`,
  options: {
    wait: { type: "boolean", help: "wait for CHECKPOINT instead of creating it" },
    timeout: {
      type: "string",
      value: "S",
      help: `give up waiting after S seconds (default ${SYNC_DEFAULT_TIMEOUT_S}; 0 checks once)`,
    },
  },
  args: ["ID", "CHECKPOINT..."],
  authors: true,
  async run({ args, flags, app, io }) {
    const checkpoint = validateCheckpoint(args[1]!);
    const { wait, timeout } = flags;
    if (!wait) {
      if (timeout !== undefined) throw usageError("sync: --timeout needs --wait");
      const { warnings, ...result } = await shareContext(await app(), args[0]!, {
        type: "sync",
        text: checkpoint,
        requestId: requestIdFrom(io),
      });
      return {
        data: { ...result },
        text: `Created sync point for task ${result.task_id}`,
        warnings,
      };
    }
    const timeoutMs = timeoutFlag(timeout, SYNC_DEFAULT_TIMEOUT_S)!;
    const ctx = await app();
    const deadline = Date.now() + timeoutMs;
    const changes = new DatabaseChanges({ dbPath: ctx.location.dbPath, pollMs: 1000 });
    try {
      for (;;) {
        const found = await findSyncPoint(ctx, args[0]!, checkpoint);
        if (found.entry !== null) {
          return {
            data: { task_id: found.task_id, checkpoint, reached: true, entry: found.entry },
            text: `Sync point ${checkpoint} reached for task ${found.task_id}`,
          };
        }
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new TmError(
            "timeout",
            `sync point "${checkpoint}" of task "${found.task_id}" not reached within ${
              timeoutMs / 1000
            }s`,
            { hint: "wait again, or raise --timeout", details: { task_id: found.task_id } },
          );
        }
        await changes.wait({ timeoutMs: left });
      }
    } finally {
      changes.close();
    }
  },
});

function entryLines(entry: ContextEntry): string[] {
  const head = `#${entry.seq} ${entry.created_at} ${entry.agent}`;
  if (entry.type === "document") {
    return [
      `${head} [document ${oneLine(entry.name ?? "")}]`,
      ...multiLine(entry.text.replace(/\n$/, "")).split("\n").map((line) => `    ${line}`),
    ];
  }
  return [`${head} [${entry.type}] ${oneLine(entry.text)}`];
}

/** The `context` command. */
export const contextCommand = defineCommand({
  name: "context",
  usage: `Usage: tm context ID

Print "Task: <id>" (the first line, as in the original tm), the task's participants and
its shared context in order ("#<seq> <time> <agent> [<type>] <text>"; attached documents
follow, indented), then your own private notes on the task. Other agents' notes are never
shown.`,
  options: {},
  args: ["ID"],
  async run({ args, app }) {
    const view = await readTaskContext(await app(), args[0]!);
    const lines = [
      `Task: ${view.task_id}`,
      `Shared context for task ${view.task_id}: ${oneLine(view.title)}`,
      `participants: ${
        view.participants.length === 0
          ? "none"
          : view.participants.map((p) => `${p.agent} (${p.role})`).join(", ")
      }`,
    ];
    if (view.entries.length === 0) lines.push("No shared context yet");
    for (const entry of view.entries) lines.push(...entryLines(entry));
    if (view.private_notes !== null) {
      lines.push("", "Your private notes:", multiLine(view.private_notes.replace(/\n+$/, "")));
    }
    return { data: { ...view }, text: lines.join("\n") };
  },
});
