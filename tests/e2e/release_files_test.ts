/**
 * The release's files agree with each other and with the code: one version (src/version.ts)
 * that CHANGELOG.md and the npm package carry, one pinned Deno, and a workflow that proves
 * each runnable binary with the end-to-end tests and the dashboard check before publishing.
 *
 * @module
 */

import assert from "node:assert/strict";
import { PRODUCTION_PERMISSION_FLAGS } from "../../src/cli/permissions.ts";
import { VERSION } from "../../src/version.ts";
import { checkDashboard, hasDashboard } from "../../scripts/check_dashboard.ts";
import { ROOT } from "./_dist.ts";

async function read(path: string): Promise<string> {
  return await Deno.readTextFile(`${ROOT}${path}`);
}

Deno.test("CHANGELOG.md has an entry for the version in src/version.ts", async () => {
  const changelog = await read("CHANGELOG.md");
  assert.ok(changelog.includes(`\n## [${VERSION}]\n`), `## [${VERSION}]`);
  assert.ok(changelog.indexOf("## [Unreleased]") < changelog.indexOf(`## [${VERSION}]`));
});

Deno.test("the npm package pins the Deno the scripts install and this process runs", async () => {
  const manifest = JSON.parse(await read("npm/package.json"));
  const pinned = /^DENO_VERSION=(\S+)$/m.exec(await read("scripts/_deno.sh"))?.[1];
  assert.equal(manifest.dependencies.deno, pinned);
  assert.equal(manifest.dependencies.deno, Deno.version.deno);
  assert.equal(manifest.version, "0.0.0-set-by-the-build", "the build writes the version");
});

Deno.test("the release proves each runnable binary before it publishes binaries and checksums", async () => {
  const workflow = await read(".github/workflows/release.yml");
  assert.ok(workflow.includes(`deno compile --target`));
  assert.ok(workflow.includes(PRODUCTION_PERMISSION_FLAGS.join(" ")));
  for (const target of ["x86_64-unknown-linux-gnu", "aarch64-apple-darwin"]) {
    assert.match(workflow, new RegExp(`target: ${target}, os: \\S+, runs_here: true`));
  }
  assert.match(
    workflow,
    /TM_E2E_TM: .*dist\/tm-\$\{\{ matrix\.target \}\}\n\s+run: \|\n.*\n\s+deno task test:e2e/,
  );
  assert.match(workflow, /scripts\/check_dashboard\.ts "\$PWD\/dist\/tm-/);
  assert.match(workflow, /sha256sum \* > SHA256SUMS/);
  assert.match(workflow, /needs: \[compile, npm\]/);
});

Deno.test("the dashboard check passes on the source tree's tm (and compares the files once the dashboard exists)", async () => {
  const served = await checkDashboard([
    Deno.execPath(),
    "run",
    ...PRODUCTION_PERMISSION_FLAGS,
    `${ROOT}main.ts`,
  ]);
  if (await hasDashboard()) assert.ok(served > 0, "every dashboard file compared");
  else assert.equal(served, 0, "no dashboard yet, nothing to compare");
});
