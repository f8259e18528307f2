/**
 * The bundled entry (`deno task build`) against the source tree: the same contract tests
 * pass on both, and the bundle keeps start-up as lazy as the source (no command module,
 * no npm:yaml and no node:module loaded before a command asks for them). npm:pg is bundled
 * too, in chunks only a PostgreSQL URL loads (the PostgreSQL tier runs the installed npm
 * package against a server: tests/e2e/npm_package_test.ts).
 *
 * @module
 */

import assert from "node:assert/strict";
import { PRODUCTION_PERMISSION_FLAGS } from "../../src/cli/permissions.ts";
import { checkDashboard, hasDashboard } from "../../scripts/check_dashboard.ts";
import { buildInTemp, capture, runContractTests, runOk } from "./_dist.ts";

/** What esbuild writes above npm:pg's own code in the chunk that carries it. */
const NPM_PG = /^\/\/ node_modules\/\.deno\/pg@/m;
/** A bundled file's reference to another: a static import, or a URL computed to load it. */
const REFERENCE = /(?:\bfrom |\bimport |new URL\()"(\.\.?\/[^"]+\.js)"/g;

let building: ReturnType<typeof buildInTemp> | undefined;

function built(): ReturnType<typeof buildInTemp> {
  building ??= buildInTemp();
  return building;
}

Deno.test("the bundled entry passes the contract tests", async () => {
  const { entry } = await built();
  await runContractTests({ TM_E2E_ENTRY: entry });
});

Deno.test("the bundle loads at start-up no command module, no YAML, no npm:pg and no node:module", async () => {
  const { entry } = await built();
  const info = JSON.parse(await runOk(Deno.execPath(), ["info", "--no-config", "--json", entry]));
  const loaded: string[] = info.modules.map((module: { specifier: string }) => module.specifier);
  assert.ok(loaded.length > 1, "the graph was read");
  assert.deepEqual(loaded.filter((s) => /\/src\/cli\/cmd_\w+\.js$/.test(s)), []);
  assert.deepEqual(loaded.filter((s) => s === "node:module"), []);
  for (const specifier of loaded.filter((s) => s.startsWith("file:"))) {
    const text = await Deno.readTextFile(new URL(specifier));
    assert.doesNotMatch(text, /YAMLParseError/, `${specifier} is npm:yaml`);
    assert.doesNotMatch(text, NPM_PG, `${specifier} is npm:pg`);
  }
});

Deno.test("the bundle's one command table looks for the command modules under src/cli/", async () => {
  const { entry } = await built();
  const dir = entry.slice(0, entry.lastIndexOf("/"));
  const table = (await runOk("grep", ["-l", "command table entry", "-r", dir])).trim();
  assert.equal(table.split("\n").length, 1, "one module holds the command table");
  assert.match(await Deno.readTextFile(table), /"\.\/src\/cli\/"/);
});

Deno.test("no bundled module computes the URL of a .ts file, which the bundle does not have", async () => {
  const { entry } = await built();
  const lib = entry.slice(0, entry.lastIndexOf("/"));
  const references = await bundleReferences(lib);
  assert.ok(references.size > 1, "the bundle was read");
  const leftovers: string[] = [];
  for (const path of references.keys()) {
    const text = await Deno.readTextFile(path);
    for (const match of text.matchAll(/new URL\("(\.\.?\/[^"]+\.ts)", import\.meta\.url\)/g)) {
      leftovers.push(`${path.slice(lib.length + 1)}: ${match[1]}`);
    }
  }
  assert.deepEqual(leftovers, [], "each is a module the build must bundle as an entry");
});

Deno.test("the bundle serves the dashboard's files byte for byte (once tm serve has its dashboard)", async () => {
  const { entry } = await built();
  const served = await checkDashboard([
    Deno.execPath(),
    "run",
    "--no-config",
    ...PRODUCTION_PERMISSION_FLAGS,
    entry,
  ]);
  assert.equal(served > 0, await hasDashboard());
});

/** Every .js file of the bundle in `lib`, with the bundle files it imports or loads. */
async function bundleReferences(lib: string): Promise<Map<string, Set<string>>> {
  const listing = await runOk("find", [lib, "-name", "*.js", "-type", "f"]);
  const references = new Map<string, Set<string>>();
  for (const path of listing.trim().split("\n")) {
    const text = await Deno.readTextFile(path);
    references.set(
      path,
      new Set([...text.matchAll(REFERENCE)].map((m) => new URL(m[1]!, `file://${path}`).pathname)),
    );
  }
  return references;
}

/**
 * The bundle's PostgreSQL part: what no module reaches but through the two PostgreSQL entries
 * (src/store/open.ts loads them only for a PostgreSQL URL). The roots are main.js and every
 * other entry under src/, since the command table computes the command modules' names.
 */
async function postgresOnlyFiles(lib: string): Promise<{ postgres: string[]; rest: string[] }> {
  const references = await bundleReferences(lib);
  const entries = [`${lib}/src/store/postgres.js`, `${lib}/src/store/postgres_files.js`];
  for (const entry of entries) assert.ok(references.has(entry), `${entry} is in the bundle`);
  const queue = [...references.keys()].filter((path) =>
    path === `${lib}/main.js` || (path.startsWith(`${lib}/src/`) && !entries.includes(path))
  );
  const reached = new Set<string>();
  while (queue.length > 0) {
    const path = queue.pop()!;
    if (reached.has(path) || entries.includes(path)) continue;
    reached.add(path);
    queue.push(...(references.get(path) ?? []));
  }
  const all = [...references.keys()];
  return {
    postgres: all.filter((path) => !reached.has(path)),
    rest: all.filter((path) => reached.has(path)),
  };
}

Deno.test("the bundle carries npm:pg only in chunks that nothing but the PostgreSQL modules load", async () => {
  const { entry } = await built();
  const lib = entry.slice(0, entry.lastIndexOf("/"));
  const { postgres, rest } = await postgresOnlyFiles(lib);
  const withPg = async (paths: string[]) => {
    const found: string[] = [];
    for (const path of paths) if (NPM_PG.test(await Deno.readTextFile(path))) found.push(path);
    return found;
  };
  assert.equal((await withPg(postgres)).length, 1, `npm:pg is in one chunk of ${postgres}`);
  assert.deepEqual(await withPg(rest), [], "no module a SQLite command can load holds npm:pg");
});

/** Run the bundled entry `entry` in `cwd` with the production flags. */
function runBundle(entry: string, args: string[], cwd: string, env: Record<string, string>) {
  return capture(Deno.execPath(), [
    "run",
    "--no-config",
    ...PRODUCTION_PERMISSION_FLAGS,
    entry,
    ...args,
  ], {
    cwd,
    env: { TM_AGENT_ID: "tester", ...env },
  });
}

Deno.test("without its PostgreSQL chunks the bundle still runs SQLite commands, and refuses PostgreSQL in one line (exit 4)", async () => {
  const { entry } = await built();
  const lib = entry.slice(0, entry.lastIndexOf("/"));
  const { postgres } = await postgresOnlyFiles(lib);
  const copy = await Deno.makeTempDir({ prefix: "tm-bundle-nopg-" });
  const cwd = await Deno.makeTempDir({ prefix: "tm-bundle-pg-" });
  try {
    await runOk("cp", ["-r", lib, `${copy}/lib`]);
    for (const path of postgres) await Deno.remove(`${copy}/lib${path.slice(lib.length)}`);
    const stripped = `${copy}/lib/main.js`;
    // The hot commands never touch the removed files: each one would fail if it loaded them.
    await runOk(Deno.execPath(), [
      "run",
      "--no-config",
      ...PRODUCTION_PERMISSION_FLAGS,
      stripped,
      "init",
    ], { cwd });
    const added = await runBundle(stripped, ["add", "kept in SQLite", "--json"], cwd, {});
    assert.equal(added.code, 0, added.stderr);
    const id: string = JSON.parse(added.stdout).task.id;
    for (
      const args of [["list"], ["show", id], ["ready"], ["update", id, "--priority", "high"], [
        "claim",
        id,
      ], ["complete", id]]
    ) {
      const result = await runBundle(stripped, args, cwd, {});
      assert.equal(result.code, 0, `${args.join(" ")}: ${result.stderr}`);
    }
    const refused = await runBundle(stripped, ["list"], cwd, {
      TM_DATABASE_URL: "postgres://tm@127.0.0.1:1/tm",
    });
    assert.equal(refused.code, 4, refused.stderr);
    assert.equal(refused.stderr.trimEnd().split("\n").length, 1, refused.stderr);
    assert.match(refused.stderr, /^tm: PostgreSQL is not available in this build of tm/);
  } finally {
    await Deno.remove(copy, { recursive: true });
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test('the whole bundle reaches for PostgreSQL: an unreachable server is a one-line "cannot reach" (exit 4), not a refusal', async () => {
  const { entry } = await built();
  const cwd = await Deno.makeTempDir({ prefix: "tm-bundle-pg-" });
  try {
    const result = await runBundle(entry, ["list"], cwd, {
      TM_DATABASE_URL: "postgres://tm@127.0.0.1:1/tm",
    });
    assert.equal(result.code, 4, result.stderr);
    assert.equal(result.stderr.trimEnd().split("\n").length, 1, result.stderr);
    assert.match(
      result.stderr,
      /^tm: cannot reach PostgreSQL at postgres:\/\/tm@127\.0\.0\.1:1\/tm: /,
    );
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
