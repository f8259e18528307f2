// deno-lint-ignore-file no-console -- a release check: the terminal is its output
/**
 * Check that a built tm serves the dashboard from the assets built into it: start
 * `TM serve --port 0` in an empty temporary project, away from any checkout, and compare
 * every dashboard file it serves with the source's (src/server/ui/assets.ts). The release
 * workflow runs this against each compiled binary it can run; a tm without `serve` or a
 * tree without the dashboard is reported and passes, so the step can exist before they do.
 *
 * Usage: deno run --allow-read --allow-write --allow-run --allow-net=127.0.0.1 --allow-env \
 *          scripts/check_dashboard.ts TM [ARGS...]   (TM ARGS... is how to start tm)
 *
 * @module
 */

const ASSETS = new URL("../src/server/ui/assets.ts", import.meta.url);

interface UiAsset {
  contentType: string;
  body: string;
}

async function run(argv: string[], cwd: string): Promise<Deno.CommandOutput> {
  return await new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    cwd,
    env: { TM_AGENT_ID: "release-check", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
}

/** Read stdout lines until one says where the server listens. */
async function listeningUrl(stdout: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`tm serve ended before it listened; it printed: ${text}`);
    text += value;
    const match = /Serving on (http:\/\/\S+)/.exec(text);
    if (match !== null) {
      reader.releaseLock();
      return match[1]!.replace(/\/$/, "");
    }
  }
}

/** Whether this source tree has a dashboard (its assets module). */
export async function hasDashboard(): Promise<boolean> {
  return await Deno.stat(ASSETS).then(() => true, () => false);
}

/** Returns the number of files checked, or 0 when this tm has no `serve` or no dashboard. */
export async function checkDashboard(tm: string[]): Promise<number> {
  if (!await hasDashboard()) return 0;
  const project = await Deno.makeTempDir({ prefix: "tm-dashboard-" });
  const help = await run([...tm, "help", "serve"], project);
  if (!help.success) return 0;
  const { UI_ASSETS } = await import(ASSETS.href) as {
    UI_ASSETS: ReadonlyMap<string, UiAsset>;
  };
  const init = await run([...tm, "init"], project);
  if (!init.success) throw new Error(`tm init: ${new TextDecoder().decode(init.stderr)}`);
  const server = new Deno.Command(tm[0]!, {
    args: [...tm.slice(1), "serve", "--port", "0"],
    cwd: project,
    env: { TM_AGENT_ID: "release-check", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Its stderr (the "acting as" note) is read to the end, and shown only if the check fails.
  const stderr = new Response(server.stderr).text();
  try {
    const url = await listeningUrl(server.stdout);
    for (const [path, asset] of UI_ASSETS) {
      const response = await fetch(`${url}${path}`);
      const body = await response.text();
      if (response.status !== 200) throw new Error(`GET ${path}: ${response.status}`);
      if (body !== asset.body) throw new Error(`GET ${path}: not the file tm was built with`);
      if (response.headers.get("content-type") !== asset.contentType) {
        throw new Error(`GET ${path}: content-type ${response.headers.get("content-type")}`);
      }
    }
    return UI_ASSETS.size;
  } catch (error) {
    server.kill("SIGTERM");
    await server.status;
    throw new Error(`${(error as Error).message}\ntm serve's stderr: ${await stderr}`);
  } finally {
    try {
      server.kill("SIGTERM");
    } catch {
      // already ended (the catch above stopped it)
    }
    await server.status;
    await stderr;
  }
}

if (import.meta.main) {
  if (Deno.args.length === 0) {
    console.error("usage: check_dashboard.ts TM [ARGS...]");
    Deno.exit(2);
  }
  const checked = await checkDashboard(Deno.args);
  console.log(
    checked === 0
      ? "dashboard: no tm serve or no dashboard in this tree; nothing to check"
      : `dashboard: ${checked} files served from the built-in assets, identical to the source`,
  );
}
