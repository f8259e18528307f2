/**
 * `run(argv, io)`: global options, dispatch to one command, output, and the mapping of
 * errors to exit codes. The only code that turns a thrown error into text. One run goes
 * through named phases: parseInvocation -> prepare -> execute -> report, then the after-run
 * effects (hooks of the committed events, telemetry).
 *
 * @module
 */

import type { AppContext } from "../app/context.ts";
import { DEFAULT_LEASE_TTL_MS } from "../app/context.ts";
import { parseDuration } from "../core/duration.ts";
import { TmError, usageError, validationError } from "../core/errors.ts";
import {
  DATA_DIR_NAME,
  databaseExists,
  type DataLocation,
  locateDataDir,
} from "../files/data_dir.ts";
import { featureConfig, sharedContextMirror } from "../files/project_files.ts";
import type { DatabaseTarget } from "../core/database_target.ts";
import { databaseTarget } from "../files/database_config.ts";
import { databaseFilesFor, openStore } from "../store/open.ts";
import type { TaskEvent } from "../core/event.ts";
import type { Config } from "../core/features.ts";
import type { Store } from "../store/store.ts";
import type { CommandResult, CommandSpec, Flags } from "./command.ts";
import { optionName, parseFlags } from "./flags.ts";
import { findCommand, ORCHESTRATED_COMMANDS, suggestCommand } from "./commands.ts";
import { resolveIdentity } from "./identity.ts";
import type { Io } from "./io.ts";
import { oneLine } from "./output.ts";
import { jsonRequested, printError } from "./error_text.ts";
import type { PermissionNeeds } from "./permissions.ts";
import { commandHelp, generalHelp } from "./help_text.ts";
import { installedHooks, runHooks } from "./hooks.ts";
import { JSON_SCHEMA_VERSION as SCHEMA_VERSION, VERSION } from "../version.ts";
import { SCHEMA_VERSION as DATABASE_SCHEMA_VERSION } from "../store/migrations.ts";

/** Options every command accepts, anywhere on the line (before `--`). */
interface GlobalOptions {
  json: boolean;
  help: boolean;
  version: boolean;
  agentId: string | undefined;
  db: string | undefined;
}

const GLOBAL_VALUE_FLAGS = new Set(["--agent-id", "--db"]);

function isFileSystemError(error: unknown): boolean {
  return error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory ||
    error instanceof Deno.errors.IsADirectory || error instanceof Deno.errors.AlreadyExists ||
    error instanceof Deno.errors.PermissionDenied ||
    Object.values(Deno.errors).some((kind) => error instanceof kind) ||
    // ENOSPC, EROFS, EDQUOT... arrive as plain Errors carrying only the errno name.
    /^E[A-Z0-9]+$/.test(String((error as { code?: unknown } | null)?.code ?? ""));
}

/** The command word: the first argument that is not a global option or its value. */
function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") return undefined;
    if (GLOBAL_VALUE_FLAGS.has(arg)) i++;
    else if (!arg.startsWith("-")) return arg;
  }
  return undefined;
}

/**
 * Split the global options out of `argv`, leaving the command's own arguments. `command`
 * (when known) tells which of its options take a value.
 */
function splitGlobals(
  argv: readonly string[],
  command: CommandSpec | undefined,
): { globals: GlobalOptions; rest: string[] } {
  const globals: GlobalOptions = {
    json: false,
    help: false,
    version: false,
    agentId: undefined,
    db: undefined,
  };
  const rest: string[] = [];
  let seenCommand = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    const [name, inline] = arg.startsWith("--") && arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    if (name === "--json") globals.json = true;
    else if (name === "--help" || name === "-h") globals.help = true;
    else if (name === "--version" || name === "-V") globals.version = true;
    else if (GLOBAL_VALUE_FLAGS.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw usageError(`option ${name} needs a value`);
      if (name === "--agent-id") globals.agentId = value;
      else globals.db = value;
    } else {
      if (!arg.startsWith("-")) seenCommand = true;
      // Keep the value of the command's own string options, even if it looks like a flag
      // ("-d --json", "--estimated-hours -2"): glue it to its option so parseArgs takes it.
      const long = command === undefined || !seenCommand
        ? undefined
        : optionName(command.options, arg);
      if (
        long !== undefined && command!.options[long]!.type === "string" &&
        inline === undefined && i + 1 < argv.length
      ) {
        // The long form with "=" also carries an empty value ("-d ''") intact.
        rest.push(`--${long}=${argv[++i]!}`);
      } else {
        rest.push(arg);
      }
    }
  }
  return { globals, rest };
}

/** Parse a command's own arguments strictly. */
function parseCommandArgs(command: CommandSpec, argv: string[]): { args: string[]; flags: Flags } {
  const parsed = parseFlags(
    command.name,
    argv,
    command.options,
    command.variadicAfter ?? command.args.length,
  );
  const args = parsed.positionals;
  const required = command.args;
  const declared = [...required, ...(command.optionalArgs ?? [])];
  const rest = declared.length > 0 && declared[declared.length - 1]!.endsWith("...");
  const minimum = required.length;
  const maximum = rest ? Infinity : declared.length;
  if (args.length < minimum) {
    throw usageError(
      `${command.name}: missing argument ${required[args.length]!.replace("...", "")}`,
      `usage: ${command.usage.split("\n")[0]!.replace(/^Usage: /, "")}`,
    );
  }
  if (args.length > maximum) {
    throw usageError(
      `${command.name}: unexpected argument "${oneLine(args[maximum]!)}"`,
      "quote arguments that contain spaces",
    );
  }
  if (rest && args.length > declared.length) {
    const joined = args.slice(declared.length - 1).join(" ");
    args.splice(declared.length - 1, args.length, joined);
  }
  return { args, flags: parsed.values as Flags };
}

function lockTimeoutFrom(io: Io): number {
  const value = io.env("TM_LOCK_TIMEOUT");
  if (value === undefined || value.trim() === "") return 10_000;
  const seconds = Number(value);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(value) || !Number.isFinite(seconds) || seconds < 0) {
    throw validationError(`invalid TM_LOCK_TIMEOUT "${value}": expected seconds`);
  }
  return Math.round(seconds * 1000);
}

function leaseTtlFrom(io: Io): number {
  const value = io.env("TM_LEASE_TTL");
  if (value === undefined || value.trim() === "") return DEFAULT_LEASE_TTL_MS;
  const ms = parseDuration(value, "TM_LEASE_TTL");
  // A lease shorter than a second has expired before anyone could use it.
  if (ms < 1000) throw validationError(`invalid TM_LEASE_TTL "${value}": at least 1s`);
  return ms;
}

function maxLeaseFrom(io: Io): number | undefined {
  const value = io.env("TM_MAX_LEASE");
  if (value === undefined || value.trim() === "") return undefined;
  const ms = parseDuration(value, "TM_MAX_LEASE");
  if (ms < 1000) throw validationError(`invalid TM_MAX_LEASE "${value}": at least 1s`);
  return ms;
}

function notInitialised(location: DataLocation, cwd: string): TmError {
  return new TmError(
    "not_initialized",
    // "not found" is the phrase the original's scripts grep when the database is missing.
    location.source === "default"
      ? `not initialised: ${DATA_DIR_NAME} directory not found in "${cwd}" or any parent`
      : `not initialised: database "${location.dbPath}" not found`,
    { hint: 'run "tm init" first' },
  );
}

/** `tm --version`: the release version and the database schema this build writes. */
function versionResult(): CommandResult {
  return {
    data: { version: VERSION, database_schema_version: DATABASE_SCHEMA_VERSION },
    text: `tm ${VERSION} (database schema v${DATABASE_SCHEMA_VERSION})`,
  };
}

function hookTimeoutFrom(io: Io): number {
  const value = io.env("TM_HOOK_TIMEOUT");
  if (value === undefined || value.trim() === "") return 10_000;
  const seconds = Number(value);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(value) || !Number.isFinite(seconds) || seconds <= 0) {
    throw validationError(`invalid TM_HOOK_TIMEOUT "${value}": expected seconds above 0`);
  }
  return Math.round(seconds * 1000);
}

/** Options of {@link run} that only the real process passes. */
export interface RunOptions {
  /**
   * Called once the command is known, with the permissions it keeps: `main.ts` revokes the
   * rest of the process's here. Tests pass nothing, so `run` can be called many times.
   */
  sandbox?: (needs: PermissionNeeds) => void;
  /**
   * An open store to use instead of the project's database (`tm serve` running a remote
   * client's command line on its one connection). It is not closed, and the hooks of its
   * commits are left to its owner.
   */
  store?: Store;
}

/**
 * Run one `tm` command line and return the process exit code. Prints only through `io`;
 * touches no process-wide state (unless `options.sandbox` does), so it can be called many
 * times in one process. Phases: parseInvocation -> prepare -> execute -> report, then the
 * after-run effects (hooks in execute, telemetry here).
 *
 * @example
 * ```ts ignore
 * import { run } from "./run.ts";
 * import { processIo } from "./io.ts";
 * Deno.exit(await run(["list", "--json"], processIo()));
 * ```
 */
export async function run(
  argv: readonly string[],
  io: Io,
  options: RunOptions = {},
): Promise<number> {
  const started = performance.now();
  const session = new Session(jsonRequested(argv));
  let code: number;
  try {
    const invocation = await parseInvocation(argv);
    session.json = invocation.globals.json;
    session.command = invocation.command;
    const answered = answerWithoutCommand(io, invocation);
    if (answered !== undefined) {
      code = answered;
    } else {
      const prepared = await prepare(io, invocation, options, session);
      code = report(io, await execute(io, prepared, session, options.store), session);
    }
  } catch (error) {
    code = reportError(io, error, session);
  } finally {
    session.close();
  }
  await recordRun(io, session.trace, code, performance.now() - started);
  return code;
}

/** What one call of {@link run} holds open, and what it learned for telemetry. */
class Session {
  json: boolean;
  /** The command, once known: its `renderError` explains a failure. */
  command: CommandSpec | undefined;
  store: Store | undefined;
  readonly trace: Trace = {};
  constructor(json: boolean) {
    this.json = json;
  }
  close(): void {
    this.store?.close();
    this.store = undefined;
  }
}

/** What the run learned, for the telemetry line written after the command. */
interface Trace {
  dataDir?: string;
  command?: string;
  flags?: string[];
}

/** Phase 1: the command line, split into the command and the global options. */
interface Invocation {
  globals: GlobalOptions;
  /** The command word as typed (undefined when there is none). */
  name: string | undefined;
  command: CommandSpec | undefined;
  /** The command's own arguments. */
  argv: string[];
}

async function parseInvocation(argv: readonly string[]): Promise<Invocation> {
  const word = commandWord(argv);
  const command = word === undefined ? undefined : await findCommand(word)?.load();
  const { globals, rest } = splitGlobals(argv, command);
  const [name, ...commandArgv] = rest;
  return { globals, name: name === "--" ? undefined : name, command, argv: commandArgv };
}

/**
 * Version, general help, a command's help, and the errors of a missing or unknown command:
 * what is answered without a project. Returns the exit code, or undefined to go on.
 */
function answerWithoutCommand(io: Io, invocation: Invocation): number | undefined {
  const { globals, name, command } = invocation;
  const json = globals.json;
  if (globals.version) {
    return report(io, versionResult(), { json });
  }
  if (name === undefined) {
    if (globals.help) {
      return report(io, { data: { help: generalHelp() }, text: generalHelp() }, { json });
    }
    // People get the overview; the error line (and JSON) says what was wrong.
    if (!json) io.stdout(`${generalHelp()}\n`);
    throw usageError("missing command", 'run "tm help" for the list of commands');
  }
  if (command === undefined) {
    const guess = suggestCommand(name);
    throw usageError(
      `unknown command "${oneLine(name)}"`,
      guess === undefined ? 'run "tm help" for the list of commands' : `did you mean "${guess}"?`,
    );
  }
  if (globals.help) {
    const help = commandHelp(command);
    return report(io, { data: { command: command.name, help }, text: help }, { json });
  }
  return undefined;
}

/** Phase 2: everything checked before the command runs, so a bad value never follows a commit. */
interface Prepared {
  command: CommandSpec;
  globals: GlobalOptions;
  args: string[];
  flags: Flags;
  location: DataLocation;
  /** The project's database: its SQLite file, or PostgreSQL (TM_DATABASE_URL, config). */
  target: DatabaseTarget;
  lockTimeoutMs: number;
  hooks: ReadonlySet<string>;
  hookTimeoutMs: number;
  /** The project's config, read once on first use (feature gates, enforcement level). */
  config: () => Promise<Config>;
}

async function prepare(
  io: Io,
  invocation: Invocation,
  options: RunOptions,
  session: Session,
): Promise<Prepared> {
  const { globals } = invocation;
  const command = invocation.command!;
  const location = locateDataDir(io.cwd(), globals.db ?? io.env("TM_DB_PATH"));
  // A shared store's owner runs the hooks of its commits.
  const hooks = options.store === undefined ? installedHooks(location.dataDir) : new Set<string>();
  // Starting processes stays possible only for commands that need it, or for hooks.
  // ...and for hooks only when one is named after an event this command can record.
  // The event table loads only when a hook is installed: most projects have none.
  const firesHook = hooks.size > 0 &&
    (await loadBeside<typeof import("./hook_events.ts")>(
      new URL("./hook_events.ts", import.meta.url),
    ))
      .firesInstalledHook(command.name, hooks);
  const target = databaseTarget(location.dataDir, location.dbPath, io.env("TM_DATABASE_URL"));
  // The network only for commands that need it, or for a PostgreSQL database.
  options.sandbox?.({
    ...command.needs,
    ...(firesHook ? { run: true } : {}),
    ...(target.engine === "postgres" ? { net: true } : {}),
  });
  const { args, flags } = parseCommandArgs(command, invocation.argv);
  const lockTimeoutMs = lockTimeoutFrom(io);
  session.trace.command = command.name;
  session.trace.flags = Object.keys(flags).filter((key) => flags[key] !== undefined);
  if (location.source !== "default") session.trace.dataDir = location.dataDir;
  const hookTimeoutMs = hooks.size > 0 ? hookTimeoutFrom(io) : 0;
  const config = featureConfig(location.dataDir);
  return {
    command,
    globals,
    args,
    flags,
    location,
    target,
    lockTimeoutMs,
    hooks,
    hookTimeoutMs,
    config,
  };
}

/** Phase 3: run the command; then, whatever its outcome, the hooks of what committed. */
async function execute(
  io: Io,
  prepared: Prepared,
  session: Session,
  shared: Store | undefined,
): Promise<CommandResult> {
  const { command, args, flags, location, lockTimeoutMs } = prepared;
  try {
    // A server runs its clients' commands: their agent is their token's, not TM_AGENT_ID.
    if (shared === undefined && ORCHESTRATED_COMMANDS.has(command.name)) {
      await enforceOrchestration(io, prepared, session);
    }
    const result = await command.run({
      args,
      flags,
      app: appOpener(io, prepared, session, shared),
      location,
      lockTimeoutMs,
      database: (other?: DatabaseTarget) => databaseFilesFor(other ?? prepared.target),
      json: session.json,
      io,
      agentId: prepared.globals.agentId,
    });
    // Before the hooks' failures, where the command itself used to write them.
    for (const warning of result.warnings ?? []) io.stderr(`tm: warning: ${oneLine(warning)}\n`);
    return result;
  } finally {
    if (session.store !== undefined && prepared.hooks.size > 0) {
      await fireHooks(io, session.store.committedEvents(), prepared);
    }
  }
}

/**
 * The original's guard of orchestrated commands. At the default level (advisory) it costs
 * the config read that feature gates share, and the command runs (its stderr note about a
 * missing TM_AGENT_ID is the advice); standard and strict load the checks.
 */
async function enforceOrchestration(io: Io, prepared: Prepared, session: Session): Promise<void> {
  const level = (await prepared.config()).enforcement_level;
  if (level === "advisory") return;
  const { guardCommand } = await loadBeside<typeof import("./enforcement.ts")>(
    new URL("./enforcement.ts", import.meta.url),
  );
  await guardCommand({
    io,
    location: prepared.location,
    target: prepared.target,
    command: prepared.command.name,
    level,
    json: session.json,
  });
}

/** The command's `app()`: opens the store on first call and builds the context once. */
function appOpener(
  io: Io,
  prepared: Prepared,
  session: Session,
  shared: Store | undefined,
): () => Promise<AppContext> {
  const { command, globals, location, target, lockTimeoutMs } = prepared;
  let context: AppContext | undefined;
  return async () => {
    if (context !== undefined) return context;
    const identity = resolveIdentity(globals.agentId, (key) => io.env(key));
    let store = shared;
    if (store === undefined && target.engine === "postgres") {
      store = session.store = await openStore(target, {
        lockTimeoutMs,
        backupDir: `${location.dataDir}/backups`,
        create: false,
      });
    }
    if (store === undefined) {
      if (!await databaseExists(location)) {
        // A data directory without its database lost it: say so, and name the backup.
        if (location.source !== "found") throw notInitialised(location, io.cwd());
        const { missingDatabase } = await loadRecovery();
        throw await missingDatabase(location, await backupLister());
      }
      // Imported here, not at the top: only commands that open the database pay for it.
      const { openSqliteStore } = await loadBeside<typeof import("../store/sqlite.ts")>(
        new URL("../store/sqlite.ts", import.meta.url),
      );
      try {
        store = session.store = await openSqliteStore({
          path: location.dbPath,
          lockTimeoutMs,
          backupDir: `${location.dataDir}/backups`,
        });
      } catch (error) {
        const recovery = await loadRecovery();
        if (!recovery.isUnusableDatabase(error)) throw error;
        throw await recovery.withRecoveryHint(error, location, await backupLister());
      }
    }
    if (identity.source === "default" && command.authors === true) {
      io.stderr(`tm: TM_AGENT_ID not set: acting as "${identity.agent}"\n`);
    }
    context = {
      store,
      agent: identity.agent,
      location,
      now: () => io.now(),
      leaseTtlMs: leaseTtlFrom(io),
      ...optional("maxLeaseMs", maxLeaseFrom(io)),
      mirror: sharedContextMirror(location.dataDir),
      features: prepared.config,
    };
    return context;
  };
}

/** `{ [key]: value }`, or nothing when `value` is undefined (exactOptionalPropertyTypes). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : { [key]: value } as { [P in K]?: V };
}

/**
 * A module loaded when the call runs. Callers write `new URL("./x.ts", import.meta.url)`: a
 * computed specifier, so Deno does not read the module (and all it imports) at start-up as it
 * does for a literal `import()`; scripts/build.ts points that spelling at the bundled file and
 * deno.json's compile task embeds the module.
 */
function loadBeside<T>(url: URL): Promise<T> {
  return import(url.href) as Promise<T>;
}

/** The error paths' recovery hints (a lost or unusable database), loaded only on them. */
function loadRecovery(): Promise<typeof import("./recovery.ts")> {
  return loadBeside(new URL("./recovery.ts", import.meta.url));
}

/** The store's backup listing, loaded only on the error path that names a backup. */
async function backupLister() {
  return (await loadBeside<typeof import("../store/database_files.ts")>(
    new URL("../store/database_files.ts", import.meta.url),
  )).sqliteDatabaseFiles.listBackups;
}

/** After-run effect: the hooks of the events that committed; each failure is one stderr line. */
async function fireHooks(io: Io, events: readonly TaskEvent[], prepared: Prepared): Promise<void> {
  if (events.length === 0) return;
  const dataDir = prepared.location.dataDir;
  const failures = await runHooks({
    dataDir,
    cwd: dataDir.slice(0, dataDir.lastIndexOf("/")) || "/",
    events,
    timeoutMs: prepared.hookTimeoutMs,
    installed: prepared.hooks,
  });
  for (const failure of failures) {
    io.stderr(
      `tm: hook ${failure.hook} failed for event ${failure.event_id}: ${oneLine(failure.reason)}\n`,
    );
  }
}

/** Phase 4: print the result (one JSON document or the text) and return its exit code. */
function report(io: Io, result: CommandResult, options: { json: boolean }): number {
  if (result.streamed !== true) {
    if (options.json) {
      io.stdout(`${JSON.stringify({ schema_version: SCHEMA_VERSION, ...result.data })}\n`);
    } else if (result.text !== "") io.stdout(`${result.text}\n`);
  }
  return result.exitCode ?? 0;
}

/** Phase 4 when something was thrown: one `tm:` line (and a JSON error) and the exit code. */
function reportError(io: Io, error: unknown, session: Session): number {
  const tmError = asTmError(error);
  if (tmError === undefined) {
    io.stderr(
      `tm: internal error (a bug; please report it):\n${(error as Error)?.stack ?? error}\n`,
    );
    return 1;
  }
  if (tmError === error) {
    // The command's own account of the failure (e.g. the criteria report) comes first.
    const explanation = session.json ? undefined : session.command?.renderError?.(tmError);
    if (explanation !== undefined) io.stdout(`${explanation}\n`);
  }
  printError(io, tmError, session.json);
  return tmError.exitCode;
}

/** A thrown error as the user error it stands for; undefined for a bug. */
function asTmError(error: unknown): TmError | undefined {
  if (error instanceof TmError) return error;
  // The data directory or a file named on the line is not what it should be: I/O (exit 4).
  if (isFileSystemError(error)) {
    return new TmError("storage", `I/O error: ${(error as Error).message}`);
  }
  if (error instanceof Deno.errors.NotCapable) {
    return new TmError("storage", `permission denied: ${(error as Error).message}`);
  }
  return undefined;
}

/** After-run effect: the telemetry line. Off unless a config file says otherwise. */
async function recordRun(io: Io, trace: Trace, code: number, durationMs: number): Promise<void> {
  // Without a config file, skip even loading the telemetry module.
  if (trace.dataDir === undefined || trace.command === undefined || !hasConfig(trace.dataDir)) {
    return;
  }
  const { recordTelemetry } = await loadBeside<typeof import("../files/telemetry.ts")>(
    new URL("../files/telemetry.ts", import.meta.url),
  );
  await recordTelemetry(trace.dataDir, {
    ts: io.now().toISOString(),
    command: trace.command,
    flags: trace.flags ?? [],
    exit_code: code,
    duration_ms: Math.round(durationMs),
  });
}

function hasConfig(dataDir: string): boolean {
  try {
    return Deno.statSync(`${dataDir}/config/config.json`).isFile;
  } catch {
    return false;
  }
}
