/**
 * The bundled entry (`deno task build`) against the source tree: the same contract tests
 * pass on both, and the bundle keeps start-up as lazy as the source (no command module,
 * no npm:yaml and no node:module loaded before a command asks for them).
 *
 * @module
 */

import assert from "node:assert/strict";
import { PRODUCTION_PERMISSION_FLAGS } from "../../src/cli/permissions.ts";
import { checkDashboard, hasDashboard } from "../../scripts/check_dashboard.ts";
import { buildInTemp, runContractTests, runOk } from "./_dist.ts";

let building: ReturnType<typeof buildInTemp> | undefined;

function built(): ReturnType<typeof buildInTemp> {
  building ??= buildInTemp();
  return building;
}

Deno.test("the bundled entry passes the contract tests", async () => {
  const { entry } = await built();
  await runContractTests({ TM_E2E_ENTRY: entry });
});

Deno.test("the bundle loads at start-up no command module, no YAML and no node:module", async () => {
  const { entry } = await built();
  const info = JSON.parse(await runOk(Deno.execPath(), ["info", "--no-config", "--json", entry]));
  const loaded: string[] = info.modules.map((module: { specifier: string }) => module.specifier);
  assert.ok(loaded.length > 1, "the graph was read");
  assert.deepEqual(loaded.filter((s) => /\/src\/cli\/cmd_\w+\.js$/.test(s)), []);
  assert.deepEqual(loaded.filter((s) => s === "node:module"), []);
  for (const specifier of loaded.filter((s) => s.startsWith("file:"))) {
    const text = await Deno.readTextFile(new URL(specifier));
    assert.doesNotMatch(text, /YAMLParseError/, `${specifier} is npm:yaml`);
  }
});

Deno.test("the bundle's one command table looks for the command modules under src/cli/", async () => {
  const { entry } = await built();
  const dir = entry.slice(0, entry.lastIndexOf("/"));
  const table = (await runOk("grep", ["-l", "command table entry", "-r", dir])).trim();
  assert.equal(table.split("\n").length, 1, "one module holds the command table");
  assert.match(await Deno.readTextFile(table), /"\.\/src\/cli\/"/);
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

Deno.test("the bundle, which leaves PostgreSQL out, says so in one line (exit 4), not a stack", async () => {
  const { entry } = await built();
  const cwd = await Deno.makeTempDir({ prefix: "tm-bundle-pg-" });
  try {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-config", ...PRODUCTION_PERMISSION_FLAGS, entry, "list"],
      cwd,
      env: { TM_DATABASE_URL: "postgres://tm@127.0.0.1:1/tm", TM_AGENT_ID: "tester" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 4, stderr);
    assert.equal(stderr.trimEnd().split("\n").length, 1, stderr);
    assert.match(stderr, /^tm: PostgreSQL is not available in this build of tm/);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
