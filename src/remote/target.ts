/**
 * Which mode runs: the one place that decides between the local database and a tm server.
 * `TM_URL` + `TM_TOKEN` win; otherwise the project's login file (`tm login`). Kept tiny and
 * free of SQLite and networking, because `main.ts` reads it before every command.
 *
 * @module
 */

import { TmError, usageError } from "../core/errors.ts";
import { DATA_DIR_NAME } from "../files/data_dir.ts";

/** A tm server the CLI sends its commands to. */
export interface RemoteTarget {
  /** Base URL without a trailing slash, e.g. `https://tm.example.com`. */
  url: string;
  /** The bearer token; never printed. */
  token: string;
  /** Plain http:// to a non-loopback host was allowed explicitly. */
  insecure: boolean;
  /** Where the target came from, for messages. */
  source: "env" | "login";
}

/** The login file's name inside the project's data directory. */
export const LOGIN_FILE_NAME = "remote.json";

/** Commands that always run locally: they manage the login itself. */
const LOCAL_ONLY = new Set(["login", "logout"]);

/** The first word that is not an option: enough to spot `login` and `logout`. */
function firstWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") return undefined;
    if (arg === "--agent-id" || arg === "--db") i++;
    else if (!arg.startsWith("-")) return arg;
  }
  return undefined;
}

/** The login file of the project around `cwd`, walking up; undefined when there is none. */
export function findLoginFile(cwd: string): string | undefined {
  let dir = cwd.replace(/\/+$/, "") || "/";
  for (;;) {
    const candidate = `${dir}/${DATA_DIR_NAME}/${LOGIN_FILE_NAME}`;
    try {
      if (Deno.statSync(candidate).isFile) return candidate;
    } catch {
      // Not here (or not readable): keep walking up.
    }
    if (dir === "/" || dir === "") return undefined;
    dir = dir.slice(0, dir.lastIndexOf("/")) || "/";
  }
}

/** Parse the login file's text (a broken file is a usage error naming it, never a crash). */
export function parseLoginFile(text: string, path: string): RemoteTarget {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const record = value as Record<string, unknown> | undefined;
  if (
    typeof record !== "object" || record === null || typeof record.url !== "string" ||
    typeof record.token !== "string"
  ) {
    throw usageError(`broken login file "${path}"`, 'run "tm login URL --token TOKEN" again');
  }
  return {
    url: normaliseUrl(record.url),
    token: record.token,
    insecure: record.insecure === true,
    source: "login",
  };
}

/** `url` without trailing slashes; refuses what is not an http(s) URL. */
export function normaliseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError(`invalid server URL "${url.slice(0, 200)}"`, "expected http(s)://HOST[:PORT]");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw usageError(`invalid server URL "${url.slice(0, 200)}"`, "expected http(s)://HOST[:PORT]");
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw usageError("the server URL must not carry a password", "use TM_TOKEN for the token");
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, "")}`;
}

/** Whether `hostname` (from a URL) is this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The server this command line goes to, or undefined to run locally. `TM_URL` without
 * `TM_TOKEN` (or the reverse) is a usage error rather than a silent local run.
 */
export function remoteTarget(
  argv: readonly string[],
  env: (name: string) => string | undefined,
  cwd: string,
): RemoteTarget | undefined {
  if (LOCAL_ONLY.has(firstWord(argv) ?? "")) return undefined;
  const url = env("TM_URL") ?? "";
  const token = env("TM_TOKEN") ?? "";
  if (url !== "" || token !== "") {
    if (url === "") throw usageError("TM_TOKEN is set but TM_URL is not");
    if (token === "") throw usageError("TM_URL is set but TM_TOKEN is not");
    const insecure = env("TM_INSECURE");
    return {
      url: normaliseUrl(url),
      token,
      insecure: insecure === "1" || insecure === "true",
      source: "env",
    };
  }
  const file = findLoginFile(cwd);
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = Deno.readTextFileSync(file);
  } catch (error) {
    throw new TmError("storage", `cannot read "${file}": ${(error as Error).message}`);
  }
  return parseLoginFile(text, file);
}
