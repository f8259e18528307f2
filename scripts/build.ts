// deno-lint-ignore-file no-console -- a developer script: the terminal is its output
/**
 * `deno task build`: the program as bundled modules, and the npm package around them.
 *
 * Output (git-ignored), ready for `npm pack dist/npm`:
 *
 *     dist/npm/package.json        npm/package.json with the version from src/version.ts
 *     dist/npm/bin/tm              the sh launcher (npm/bin/tm), npm/bin/tm.cjs for Windows,
 *                                  with the production permission flags written in
 *     dist/npm/lib/main.js         the entry; chunks beside it
 *     dist/npm/lib/src/cli/cmd_*.js  one module per command family, loaded on demand
 *     dist/npm/lib/src/store/postgres*.js  the PostgreSQL store; npm:pg in a chunk only they load
 *
 * `deno bundle --code-splitting` does the bundling (esbuild, which Deno fetches from npm once).
 * Four rewrites of its output keep start-up as lazy as the source tree's and the program as
 * it is (docs/distribution.md has the measurements):
 *
 * 1. The command table computes each command module's URL from `import.meta.url` and a `.ts`
 *    name beside commands.ts; in the bundle that module sits in a chunk at lib/ and the
 *    command modules are lib/src/cli/*.js, so the one loader line is pointed there.
 * 2. esbuild turns the source's dynamic imports into literal `import("./chunk.js")`, which
 *    Deno loads and parses at start-up (npm:yaml alone is a 260 KB chunk);
 *    `import(new URL("./chunk.js", import.meta.url).href)` is loaded only when it runs, as
 *    the `npm:` and computed imports of the source tree are.
 * 3. Side-effect imports of esbuild's CommonJS helper chunk are dropped: its side effect is
 *    loading node:module (~25 ms of CPU), which only yaml's chunk needs.
 * 4. yaml's chunk gets the named exports its module object has (esbuild gives a code-split
 *    CommonJS chunk only `default`; the source uses `YAML.parse`).
 *
 * Usage: deno task build [--out DIR]   (default dist/npm)
 *
 * @module
 */

import { dirname, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { PRODUCTION_PERMISSION_FLAGS } from "../src/cli/permissions.ts";
import { VERSION } from "../src/version.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** Where the launchers (npm/bin/) take the production permission flags. */
const FLAGS_PLACEHOLDER = "@PRODUCTION_PERMISSION_FLAGS@";
/** The loader line of src/cli/commands.ts, as esbuild prints it. */
const TABLE_LOADER = "await import(new URL(file, import.meta.url).href)";
/** Where that line looks in the bundle: the command modules under lib/src/cli/ as .js. */
const BUNDLE_LOADER =
  'await import(new URL("./src/cli/" + file.replace(/^\\.\\//, "").replace(/\\.ts$/, ".js"), import.meta.url).href)';
/** How esbuild's helper chunk for CommonJS (npm:yaml) starts: importing node:module. */
const REQUIRE_HELPER =
  'import { createRequire as __deno_internal_createRequire } from "node:module";';
/**
 * A module URL computed from a `.ts` name beside the module (main.ts picks run.ts or the remote
 * client this way, the client its follow/worker modules, src/store/open.ts the PostgreSQL
 * store): those modules are entries of their own, so the name is pointed at the bundled file.
 */
const COMPUTED_TS_URL = /new URL\("(\.\.?\/[^"]+)\.ts", import\.meta\.url\)/g;
/**
 * Modules loaded only through such computed URLs: bundled as entries at their own paths. The
 * PostgreSQL ones carry npm:pg, which esbuild then puts in a chunk that only they import.
 */
export const COMPUTED_ENTRIES: readonly string[] = [
  "src/cli/run.ts",
  "src/remote/client.ts",
  "src/remote/follow.ts",
  "src/remote/worker.ts",
  "src/store/postgres.ts",
  "src/store/postgres_files.ts",
  "src/store/sqlite_tables.ts",
  // Loaded on use by the hot path (run.ts, io.ts, src/store/open.ts, src/files/project_files.ts)
  // so that a command reads only what it runs.
  "src/app/bulk.ts",
  "src/app/collaboration.ts",
  "src/app/criteria.ts",
  "src/app/show_task.ts",
  "src/cli/enforcement.ts",
  "src/cli/hook_events.ts",
  "src/cli/input.ts",
  "src/cli/list_filter.ts",
  "src/cli/recovery.ts",
  "src/core/criteria.ts",
  "src/files/config.ts",
  "src/files/shared_context.ts",
  "src/files/telemetry.ts",
  "src/store/backups.ts",
  "src/store/database_files.ts",
  "src/store/sqlite.ts",
  "src/store/sqlite_tokens.ts",
  "src/store/write_queue.ts",
];
/** The comment esbuild writes above each source module's code: `// src/store/open.ts`. */
const SOURCE_COMMENT = /^\/\/ ((?:[\w.-]+\/)*[\w.-]+\.ts)$/gm;
/** A literal relative dynamic import in esbuild's output. */
const LITERAL_IMPORT = /\bimport\("(\.\.?\/[^"]+\.js)"\)/g;

/** What the build wrote, for callers that check it (tests/e2e/npm_package_test.ts). */
export interface BuildResult {
  /** The package directory (`npm pack` it). */
  packageDir: string;
  /** The bundled entry: `deno run <flags> <entry>`. */
  entry: string;
  /** The number of bundled .js files. */
  modules: number;
}

async function run(cmd: string, args: string[]): Promise<void> {
  const output = await new Deno.Command(cmd, { args, cwd: ROOT, stdout: "piped", stderr: "piped" })
    .output();
  if (!output.success) {
    const text = new TextDecoder().decode(output.stderr) + new TextDecoder().decode(output.stdout);
    throw new Error(`${cmd} ${args.join(" ")} failed:\n${text}`);
  }
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else yield path;
  }
}

async function commandEntries(): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(`${ROOT}src/cli`)) {
    if (/^cmd_\w+\.ts$/.test(entry.name)) names.push(`src/cli/${entry.name}`);
  }
  return names.sort();
}

/**
 * The bundled file a computed `new URL("./x.ts", import.meta.url)` at `offset` of a bundled file
 * means. esbuild heads each source module's code with a `// src/dir/file.ts` comment, so the
 * `.ts` name is resolved beside the source module that wrote it: a shared chunk at `lib/` holding
 * src/store/open.ts still finds `lib/src/store/postgres.js`.
 */
function computedTarget(
  lib: string,
  path: string,
  text: string,
  offset: number,
  stem: string,
): string {
  let source = "";
  for (const match of text.slice(0, offset).matchAll(SOURCE_COMMENT)) source = match[1]!;
  const base = source === "" ? path : `${lib}/${source}`;
  return new URL(`${stem}.js`, `file://${base}`).pathname;
}

/** `target` as a relative specifier from the bundled file `from`. */
function relativeSpecifier(from: string, target: string): string {
  const specifier = relative(dirname(from), target);
  return specifier.startsWith(".") ? specifier : `./${specifier}`;
}

/**
 * esbuild imports its CommonJS helper chunk for its side effect everywhere, main.js included;
 * that side effect is only `createRequire`, and loading node:module costs ~25 ms of CPU per
 * call. Only the modules that use the helper (npm:yaml's) import it by name, and keep it.
 */
function dropSideEffectImports(text: string, path: string, helpers: readonly string[]): string {
  const dir = path.slice(0, path.lastIndexOf("/"));
  return text.split("\n").filter((line) => {
    const bare = /^import "(\.\.?\/[^"]+\.js)";$/.exec(line);
    return bare === null || !helpers.includes(new URL(bare[1]!, `file://${dir}/`).pathname);
  }).join("\n");
}

/**
 * A dynamically imported CommonJS package (npm:yaml) becomes a chunk whose only export is
 * `default`, while the source (and Deno) use its named exports (`YAML.parse`). Give the
 * chunk the named exports its module object really has, as Deno's CommonJS interop does.
 */
async function addCommonJsNamedExports(path: string, text: string): Promise<string> {
  const match = /^export default (require_\w+)\(\);$/m.exec(text);
  if (match === null) return text;
  const module = await import(`file://${path}`);
  const names = Object.keys(module.default).filter((name) =>
    name !== "default" && /^[A-Za-z_$][\w$]*$/.test(name)
  );
  return text.replace(
    match[0],
    `var __cjs_module = ${match[1]}();\nexport default __cjs_module;\n` +
      `export var { ${names.join(", ")} } = __cjs_module;`,
  );
}

/** Bundle main.ts and every command module into `lib`, then make the dynamic imports lazy. */
async function bundle(lib: string): Promise<number> {
  await run(Deno.execPath(), [
    "bundle",
    "--quiet",
    "--platform=deno",
    "--format=esm",
    "--code-splitting",
    "--outdir",
    lib,
    "main.ts",
    ...COMPUTED_ENTRIES,
    ...(await commandEntries()),
  ]);
  const files: string[] = [];
  for await (const path of walk(lib)) if (path.endsWith(".js")) files.push(path);
  const helpers: string[] = [];
  for (const path of files) {
    if ((await Deno.readTextFile(path)).includes(REQUIRE_HELPER)) helpers.push(path);
  }
  let loaders = 0;
  for (const path of files) {
    let text = await Deno.readTextFile(path);
    text = dropSideEffectImports(text, path, helpers);
    if (text.includes(TABLE_LOADER)) {
      if (path.slice(lib.length + 1).includes("/")) {
        throw new Error(`the command table landed in ${path}, not at the bundle's top level`);
      }
      text = text.replaceAll(TABLE_LOADER, BUNDLE_LOADER);
      loaders++;
    }
    text = text.replace(COMPUTED_TS_URL, (computed, stem: string, offset: number) => {
      const target = computedTarget(lib, path, text, offset, stem);
      if (!files.includes(target)) return computed;
      return `new URL("${relativeSpecifier(path, target)}", import.meta.url)`;
    });
    text = text.replace(LITERAL_IMPORT, (literal, specifier: string) => {
      // Only imports of the bundle's own files: the same characters inside a string (a
      // dashboard asset's source, say) are text and stay as they are.
      const target = new URL(specifier, `file://${path}`).pathname;
      return files.includes(target)
        ? `import(new URL("${specifier}", import.meta.url).href)`
        : literal;
    });
    await Deno.writeTextFile(path, text);
    await Deno.writeTextFile(path, await addCommonJsNamedExports(path, text));
  }
  if (loaders !== 1) {
    throw new Error(
      `expected the command table's loader in exactly one bundled module, found ${loaders}: ` +
        "did src/cli/commands.ts change how it imports a command module?",
    );
  }
  return files.length;
}

/** Assemble the npm package in `out`: package.json with the version, launchers, bundle. */
export async function build(out = `${ROOT}dist/npm`): Promise<BuildResult> {
  await Deno.remove(out, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  await Deno.mkdir(`${out}/bin`, { recursive: true });
  const manifest = JSON.parse(await Deno.readTextFile(`${ROOT}npm/package.json`));
  manifest.version = VERSION;
  await Deno.writeTextFile(`${out}/package.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  for (const file of ["bin/preinstall.cjs", "README.md"]) {
    await Deno.copyFile(`${ROOT}npm/${file}`, `${out}/${file}`);
  }
  for (const file of ["bin/tm", "bin/tm.cjs"]) {
    const text = await Deno.readTextFile(`${ROOT}npm/${file}`);
    if (text.split(FLAGS_PLACEHOLDER).length !== 2) {
      throw new Error(`npm/${file} must name ${FLAGS_PLACEHOLDER} once`);
    }
    await Deno.writeTextFile(
      `${out}/${file}`,
      text.replace(FLAGS_PLACEHOLDER, PRODUCTION_PERMISSION_FLAGS.join(" ")),
    );
  }
  await Deno.chmod(`${out}/bin/tm`, 0o755);
  const modules = await bundle(`${out}/lib`);
  return { packageDir: out, entry: `${out}/lib/main.js`, modules };
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { out: { type: "string" } } });
  const result = await build(values.out === undefined ? undefined : resolve(values.out));
  console.log(`built tm ${VERSION}: ${result.modules} modules in ${result.packageDir}`);
}
