/**
 * The npm package, end to end: `deno task build`, `npm pack`, `npm install -g` of the tarball
 * into a temporary prefix, then the contract tests against the installed `tm` with the
 * network taken away (where `unshare -n` can), its cost next to a direct `deno run`, and the
 * Windows launcher. With TM_TEST_DATABASE_URL (scripts/test-postgres.sh), the installed tm
 * also keeps a project in PostgreSQL, its bundled npm:pg included.
 *
 * @module
 */

import assert from "node:assert/strict";
import { VERSION } from "../../src/version.ts";
import { COMPUTED_ENTRIES } from "../../scripts/build.ts";
import {
  buildInTemp,
  canDropNetwork,
  capture,
  median,
  paired,
  runContractTests,
  runOk,
} from "./_dist.ts";
import { PRODUCTION_PERMISSION_FLAGS } from "../../src/cli/permissions.ts";
import { installTarball, packAndInstall } from "../../scripts/_npm_install.ts";
import { checkDashboard, hasDashboard } from "../../scripts/check_dashboard.ts";
import { freshPostgresSchema, TEST_DATABASE_URL } from "../../src/store/_store_engines.ts";
import { connectPostgres } from "../../src/store/postgres.ts";

const NAME = "tm-orchestrator";

interface Installed {
  /** The packed tarball. */
  tarball: string;
  /** The package directory the build made (what was packed). */
  packageDir: string;
  /** PREFIX/bin/tm, npm's link to the launcher. */
  tm: string;
  /** The installed package directory. */
  installedDir: string;
}

let installing: Promise<Installed> | undefined;

/** Build, pack and install once for the whole file. */
function installed(): Promise<Installed> {
  installing ??= (async () => {
    const { packageDir } = await buildInTemp();
    const install = await packAndInstall(packageDir, await Deno.makeTempDir({ prefix: "tm-npm-" }));
    assert.equal(install.packageDir.split("/").at(-1), NAME);
    return {
      tarball: install.tarball,
      packageDir,
      tm: install.tm,
      installedDir: install.packageDir,
    };
  })();
  return installing;
}

Deno.test("npm pack carries the launchers, the bundle and the manifest, nothing else", async () => {
  const { packageDir } = await installed();
  const [report] = JSON.parse(await runOk("npm", ["pack", "--dry-run", "--json", packageDir]));
  assert.equal(report.name, NAME);
  assert.equal(report.version, VERSION);
  const paths: string[] = report.files.map((file: { path: string }) => file.path);
  const allowed =
    /^(package\.json|README\.md|bin\/tm|bin\/tm\.cjs|bin\/preinstall\.cjs|lib\/([\w-]+|src\/cli\/(cmd_\w+|run)|src\/remote\/\w+|src\/store\/(postgres|postgres_files|sqlite_tables))\.js)$/;
  // The modules loaded on demand through computed specifiers are entries at their own paths.
  const onDemand = new Set(COMPUTED_ENTRIES.map((entry) => `lib/${entry.replace(/\.ts$/, ".js")}`));
  assert.deepEqual(paths.filter((path) => !allowed.test(path) && !onDemand.has(path)), []);
  assert.ok(paths.includes("lib/main.js") && paths.includes("lib/src/cli/cmd_add.js"));
  assert.ok(paths.includes("lib/src/store/postgres.js"), "the PostgreSQL modules are in it");
  assert.ok(!paths.some((path) => /test|\.ts$|snap|fixture|\.db$|\.env/.test(path)));
  const launcher = report.files.find((file: { path: string }) => file.path === "bin/tm");
  assert.equal(launcher.mode & 0o111, 0o111, "bin/tm is executable");
  assert.ok(report.unpackedSize < 1_500_000, `unpacked size ${report.unpackedSize}`);
  const manifest = JSON.parse(await Deno.readTextFile(`${packageDir}/package.json`));
  assert.deepEqual(manifest.dependencies, { deno: Deno.version.deno }, "pins this Deno");
  assert.deepEqual(manifest.bin, { tm: "bin/tm" });
  const flags = PRODUCTION_PERMISSION_FLAGS.join(" ");
  for (const launcher of ["bin/tm", "bin/tm.cjs"]) {
    const text = await Deno.readTextFile(`${packageDir}/${launcher}`);
    assert.ok(text.includes(flags), `${launcher} runs tm with exactly: ${flags}`);
  }
});

Deno.test("the installed tm passes the contract tests, offline, from any directory", async () => {
  const { tm } = await installed();
  await runContractTests({ TM_E2E_TM: tm }, await canDropNetwork());
});

Deno.test("the installed tm serves the dashboard's files byte for byte (once tm serve has its dashboard)", async () => {
  const { tm } = await installed();
  const served = await checkDashboard([tm]);
  assert.equal(served > 0, await hasDashboard());
});

Deno.test("the installed tm starts Deno's native binary itself: it needs no PATH, so no node", async () => {
  const { tm } = await installed();
  const cwd = await Deno.makeTempDir();
  const result = await capture(tm, ["--version"], {
    cwd,
    clearEnv: true,
    env: { PATH: "/nonexistent", HOME: cwd },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`^tm ${VERSION.replaceAll(".", "\\.")} `));
  assert.equal(result.stderr, "");
});

Deno.test("the installed tm costs at most 1.15x a direct deno run of the same entry (paired runs)", async () => {
  const { tm, installedDir } = await installed();
  const cwd = await Deno.makeTempDir();
  await runOk(tm, ["init"], { cwd });
  await runOk(tm, ["add", "timed"], { cwd });
  const deno = await runOk("sh", ["-c", `ls ${installedDir}/node_modules/@deno/*/deno`]);
  const direct = [
    deno.trim(),
    "run",
    "--no-config",
    ...PRODUCTION_PERMISSION_FLAGS,
    `${installedDir}/lib/main.js`,
    "list",
  ];
  // The median of 61 interleaved pairs' ratios: a burst of load (other test files run in
  // parallel) lands on both halves of a pair, where medians of two series would drift apart.
  const times = await paired([tm, "list"], direct, cwd, 61);
  const ratio = median(times.ratios);
  assert.ok(
    ratio <= 1.15,
    `installed ${median(times.a).toFixed(1)} ms vs direct ${median(times.b).toFixed(1)} ms ` +
      `(medians); median of paired ratios ${ratio.toFixed(3)}x`,
  );
});

Deno.test({
  name:
    "the installed tm keeps a project in PostgreSQL (init --database, add, claim, complete), downloading nothing",
  ignore: TEST_DATABASE_URL === undefined,
  async fn() {
    const { tm } = await installed();
    const schema = await freshPostgresSchema();
    const cwd = await Deno.makeTempDir({ prefix: "tm-npm-pg-" });
    // An empty Deno cache and an npm registry nobody answers at: fetching npm:pg would fail.
    const env = {
      TM_AGENT_ID: "tester",
      DENO_DIR: await Deno.makeTempDir({ prefix: "tm-npm-deno-dir-" }),
      NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/",
    };
    try {
      const init = await capture(tm, ["init", "--database", schema.url], { cwd, env });
      assert.equal(init.code, 0, init.stderr);
      assert.match(init.stdout, /Tasks are kept in PostgreSQL: postgres:\/\/tm@/);
      const added = await capture(tm, ["add", "kept in postgres", "--json"], { cwd, env });
      assert.equal(added.code, 0, added.stderr);
      const id: string = JSON.parse(added.stdout).task.id;
      for (const args of [["claim", id], ["complete", id]]) {
        const result = await capture(tm, args, { cwd, env });
        assert.equal(result.code, 0, `${args.join(" ")}: ${result.stderr}`);
      }
      await Deno.stat(`${cwd}/.task-orchestrator/tasks.db`).then(
        () => assert.fail("no SQLite file is created for a PostgreSQL project"),
        (error) => assert.ok(error instanceof Deno.errors.NotFound),
      );
      const client = await connectPostgres(schema.url, 10_000);
      try {
        const rows = await client.query(
          "SELECT id, title, status, completed_at IS NOT NULL AS done FROM tasks",
        );
        assert.deepEqual(rows.rows, [{
          id,
          title: "kept in postgres",
          status: "completed",
          done: true,
        }]);
      } finally {
        await client.end();
      }
    } finally {
      await Deno.remove(cwd, { recursive: true });
      await Deno.remove(env.DENO_DIR, { recursive: true });
      await schema.drop();
    }
  },
});

Deno.test("the installed tm ignores the project's own deno.json and package.json", async () => {
  const { tm } = await installed();
  const cwd = await Deno.makeTempDir();
  await Deno.writeTextFile(`${cwd}/deno.json`, "{ not json");
  await Deno.writeTextFile(
    `${cwd}/package.json`,
    JSON.stringify({ type: "commonjs", dependencies: { "left-pad": "^1.0.0" } }),
  );
  await runOk(tm, ["init"], { cwd });
  for (const args of [["add", "in a Node project"], ["template", "show", "feature"]]) {
    const result = await capture(tm, args, { cwd, env: { TM_AGENT_ID: "tester" } });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, "");
  }
});

Deno.test("a project-local npm install works too: node_modules/.bin/tm with a hoisted deno", async () => {
  const { tarball } = await installed();
  const local = await installTarball(tarball, await Deno.makeTempDir({ prefix: "tm-npm-" }), true);
  const project = local.tm.slice(0, local.tm.indexOf("/node_modules/"));
  assert.ok(
    await Deno.stat(`${project}/node_modules/deno`).then(() => true, () => false),
    "npm hoisted deno beside the package, the layout this test is about",
  );
  assert.match(await runOk(local.tm, ["--version"], { cwd: project }), /^tm /);
  const cwd = await Deno.makeTempDir();
  await runOk(local.tm, ["init"], { cwd });
  assert.match(await runOk(local.tm, ["add", "local"], { cwd }), /^Task created with ID: /);
});

Deno.test("the Windows launcher (Node) runs the same tm and passes on its exit code", async () => {
  const { installedDir } = await installed();
  const cwd = await Deno.makeTempDir();
  const launcher = `${installedDir}/bin/tm.cjs`;
  assert.match(await runOk("node", [launcher, "--version"], { cwd }), /^tm /);
  const unknown = await capture("node", [launcher, "frobnicate"], { cwd });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^tm: unknown command "frobnicate"/);
});

Deno.test("preinstall puts the Node launcher in bin/tm's place only on Windows", async () => {
  const { packageDir } = await installed();
  const bin = await Deno.makeTempDir();
  for (const file of ["tm", "tm.cjs", "preinstall.cjs"]) {
    await Deno.copyFile(`${packageDir}/bin/${file}`, `${bin}/${file}`);
  }
  const sh = await Deno.readTextFile(`${bin}/tm`);
  await runOk("node", [`${bin}/preinstall.cjs`]);
  assert.equal(await Deno.readTextFile(`${bin}/tm`), sh, "not on this system");
  await runOk("node", [`${bin}/preinstall.cjs`], { env: { TM_NPM_FORCE_NODE_LAUNCHER: "1" } });
  assert.equal(
    await Deno.readTextFile(`${bin}/tm`),
    await Deno.readTextFile(`${bin}/tm.cjs`),
    "as on Windows",
  );
});
