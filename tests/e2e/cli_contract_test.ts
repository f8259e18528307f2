/**
 * The command-line contract, checked on whole processes of whichever tm is under test
 * (tests/_target.ts): the source tree by default; the bundle, the installed npm package and
 * the compiled release binary when the distribution checks point TM_E2E_ENTRY or TM_E2E_TM at
 * them. Only what a user of any of them sees: exit codes, stdout, stderr, files.
 *
 * @module
 */

import assert from "node:assert/strict";
import { COMMAND_GROUPS } from "../../src/cli/commands.ts";
import { SCHEMA_VERSION as DATABASE_SCHEMA_VERSION } from "../../src/store/migrations.ts";
import { JSON_SCHEMA_VERSION, VERSION } from "../../src/version.ts";
import { tm, tmJson } from "../_cli.ts";
import { targetName } from "../_target.ts";

const TARGET = targetName();

async function project(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "tm-contract-" });
}

/** Run tm and require exit 0 and an empty stderr: tm prints only its own output. */
async function quiet(args: string[], cwd: string): Promise<string> {
  const result = await tm(args, { cwd });
  assert.equal(result.code, 0, `${TARGET}: tm ${args.join(" ")}: ${result.stderr}`);
  assert.equal(result.stderr, "", `${TARGET}: tm ${args.join(" ")} wrote to stderr`);
  return result.stdout;
}

Deno.test("tm --version names the release version and the database schema, in text and JSON", async () => {
  const cwd = await project();
  const text = await quiet(["--version"], cwd);
  assert.equal(text, `tm ${VERSION} (database schema v${DATABASE_SCHEMA_VERSION})\n`);
  assert.deepEqual(await tmJson(["--version"], { cwd }), {
    schema_version: JSON_SCHEMA_VERSION,
    version: VERSION,
    database_schema_version: DATABASE_SCHEMA_VERSION,
  });
});

Deno.test("the core loop works and prints nothing on stderr: init, add, ready, claim, complete", async () => {
  const cwd = await project();
  assert.match(await quiet(["init"], cwd), /^Task database initialized in /);
  const design = await tmJson(["add", "Design the API", "-p", "high"], { cwd });
  const designId = (design.task as { id: string }).id;
  const build = await tmJson(["add", "Build the API", "--depends-on", designId], { cwd });
  const buildId = (build.task as { id: string }).id;
  assert.match(await quiet(["ready"], cwd), new RegExp(`\\[${designId}\\] Design the API`));
  assert.doesNotMatch(await quiet(["ready"], cwd), /Build the API/);
  await quiet(["claim", designId], cwd);
  await quiet(["complete", designId], cwd);
  const ready = await tmJson(["ready"], { cwd });
  assert.deepEqual((ready.tasks as { id: string }[]).map((t) => t.id), [buildId]);
  assert.equal(ready.schema_version, JSON_SCHEMA_VERSION);
});

Deno.test("tm finds the project from a subdirectory", async () => {
  const cwd = await project();
  await quiet(["init"], cwd);
  await quiet(["add", "from the root"], cwd);
  await Deno.mkdir(`${cwd}/a/b`, { recursive: true });
  assert.match(await quiet(["list"], `${cwd}/a/b`), /from the root/);
});

Deno.test("every command's module loads: tm help NAME prints its usage", async () => {
  const cwd = await project();
  for (const group of COMMAND_GROUPS) {
    for (const command of group.commands) {
      const text = await quiet(["help", command.name], cwd);
      assert.match(text, /^Usage: tm /, `${TARGET}: tm help ${command.name}`);
    }
  }
});

Deno.test("a command that reads YAML works with nothing but the installed files", async () => {
  const cwd = await project();
  await quiet(["init"], cwd);
  assert.match(await quiet(["template", "show", "feature"], cwd), /feature/);
  const applied = await tmJson(["template", "apply", "bugfix", "--var", "bug=crash"], { cwd });
  assert.ok(Array.isArray(applied.tasks) && applied.tasks.length > 0, JSON.stringify(applied));
});

Deno.test("a worker starts its --exec process: the run permission is there", async () => {
  const cwd = await project();
  await quiet(["init"], cwd);
  await quiet(["add", "for the worker"], cwd);
  const result = await tm(["worker", "--exec", "true", "--drain", "--json"], { cwd });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /"schema_version":1/);
  assert.match(await quiet(["list", "--status", "completed"], cwd), /for the worker/);
});

Deno.test("errors: one line on stderr with the exit code's class; --json adds the error object", async () => {
  const cwd = await project();
  const unknown = await tm(["frobnicate"], { cwd });
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stdout, "");
  assert.match(unknown.stderr, /^tm: unknown command "frobnicate"/);
  assert.equal(unknown.stderr.trimEnd().split("\n").length, 1);
  const uninitialised = await tm(["list"], { cwd });
  assert.notEqual(uninitialised.code, 0);
  assert.match(uninitialised.stderr, /^tm: not initialised/);
  await quiet(["init"], cwd);
  const missing = await tm(["show", "ffffffff", "--json"], { cwd });
  assert.equal(missing.code, 3);
  assert.equal(missing.stdout, "");
  const [line, json] = missing.stderr.trimEnd().split("\n");
  assert.match(line!, /^tm: task "ffffffff" not found/);
  assert.equal(JSON.parse(json!).error.code, "not_found");
});
