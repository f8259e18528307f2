/**
 * `tm login URL --token TOKEN` / `tm logout`: remote mode without environment variables. The
 * login is stored per project in `.task-orchestrator/remote.json` (mode 0600, and ignored by
 * git through the data directory's own `.gitignore`), where src/remote/target.ts finds it.
 *
 * @module
 */

import { usageError } from "../core/errors.ts";
import { writeTextFileAtomic } from "../files/atomic.ts";
import { LOGIN_FILE_NAME, normaliseUrl } from "../remote/target.ts";
import { defineCommand } from "./command.ts";

/** Keep the login file out of commits even when the data directory is tracked. */
async function ignoreLoginFile(dataDir: string): Promise<void> {
  const path = `${dataDir}/.gitignore`;
  const existing = await Deno.readTextFile(path).catch(() => "");
  if (existing.split("\n").some((line) => line.trim() === LOGIN_FILE_NAME)) return;
  const prefix = existing === "" || existing.endsWith("\n") ? existing : `${existing}\n`;
  await writeTextFileAtomic(path, `${prefix}${LOGIN_FILE_NAME}\n`);
}

/** The `login` command. */
export const loginCommand = defineCommand({
  name: "login",
  usage: `Usage: tm login URL --token TOKEN [--insecure]

Run every tm command of this project against the tm server at URL (remote mode), acting as
the token's agent (tm token create AGENT, on the server). TOKEN "-" reads it from stdin, so
it stays out of the shell's history. The login is kept in .task-orchestrator/${LOGIN_FILE_NAME}
(readable by you only, ignored by git); TM_URL + TM_TOKEN override it; tm logout removes it.
Plain http:// is refused for a server off this machine unless --insecure. See docs/remote.md.`,
  options: {
    token: { type: "string", value: "TOKEN", help: "the API token (- reads stdin)" },
    insecure: { type: "boolean", help: "allow plain http:// to a server off this machine" },
  },
  args: ["URL"],
  async run({ args, flags, location, io }) {
    const url = normaliseUrl(args[0]!);
    let token = flags.token;
    if (token === "-") token = (await io.readStdin()).trim();
    if (token === undefined || token === "") {
      throw usageError(
        "login: --token TOKEN is required",
        "create one on the server: tm token create AGENT",
      );
    }
    if (/\s/.test(token)) throw usageError("login: a token has no spaces");
    await Deno.mkdir(location.dataDir, { recursive: true });
    const path = `${location.dataDir}/${LOGIN_FILE_NAME}`;
    const body = JSON.stringify({ url, token, ...(flags.insecure ? { insecure: true } : {}) });
    // Created 0600 under a temporary name, then renamed: never readable by others, even briefly.
    const temp = `${path}.${crypto.randomUUID()}.tmp`;
    await Deno.writeTextFile(temp, `${body}\n`, { mode: 0o600, createNew: true });
    await Deno.rename(temp, path);
    await ignoreLoginFile(location.dataDir);
    return { data: { url, login_file: path }, text: `Logged in to ${url} (${path})` };
  },
});

/** The `logout` command. */
export const logoutCommand = defineCommand({
  name: "logout",
  usage: `Usage: tm logout

Forget this project's tm login (remote mode ends; TM_URL + TM_TOKEN still apply).`,
  options: {},
  args: [],
  async run({ location }) {
    const path = `${location.dataDir}/${LOGIN_FILE_NAME}`;
    const removed = await Deno.remove(path).then(() => true, () => false);
    return { data: { removed }, text: removed ? "Logged out" : "Not logged in" };
  },
});
