/**
 * scripts/tm, the launcher from a checkout: quiet, lock-free, and clear when its first install
 * fails. End-to-end: it is about processes.
 */
import assert from "node:assert/strict";
import { capture, type Captured } from "./_dist.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const LAUNCHER = `${ROOT}scripts/tm`;

/** The tools directory the launcher would install into, if this Deno came from there. */
const TOOLS_DIR = Deno.execPath().match(/^(.*)\/node_modules\/@deno\/[^/]+\/deno$/)?.[1];

async function launch(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<Captured> {
  return await capture(LAUNCHER, args, {
    cwd: options.cwd,
    env: { NO_COLOR: "1", TM_AGENT_ID: "tester", TM_TOOLS_DIR: TOOLS_DIR!, ...options.env },
  });
}

Deno.test({
  name: "24 launches at once print only tm's own output, nothing on stderr",
  ignore: TOOLS_DIR === undefined, // a Deno not installed by the scripts: nothing to point at
  async fn() {
    const cwd = await Deno.makeTempDir({ prefix: "tm-launch-" });
    try {
      assert.equal((await launch(["init"], { cwd })).code, 0);
      // share loads the npm dependency (yaml): the path that used to take Deno's lock.
      const id = JSON.parse((await launch(["add", "shared", "--json"], { cwd })).stdout).task.id;
      const runs = await Promise.all(
        Array.from({ length: 24 }, (_, i) => launch(["share", id, `note ${i}`], { cwd })),
      );
      for (const run of runs) {
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stderr, "");
        assert.equal(run.stdout, `Shared update for task ${id}\n`);
      }
    } finally {
      await Deno.remove(cwd, { recursive: true });
    }
  },
});

Deno.test("a first install refused over TLS says in one line to set NODE_EXTRA_CA_CERTS", async () => {
  const fake = await Deno.makeTempDir({ prefix: "tm-fake-npm-" });
  try {
    // An npm that fails the way npm does behind a proxy that re-signs TLS.
    await Deno.writeTextFile(
      `${fake}/npm`,
      "#!/bin/sh\necho 'npm error code SELF_SIGNED_CERT_IN_CHAIN' >&2\n" +
        "echo 'npm error self-signed certificate in certificate chain' >&2\nexit 1\n",
      { mode: 0o755 },
    );
    const result = await launch(["list"], {
      cwd: fake,
      env: { PATH: `${fake}:/usr/bin:/bin`, TM_TOOLS_DIR: `${fake}/tools` },
    });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, "");
    const lines = result.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /^tm: installing deno .* failed: .*NODE_EXTRA_CA_CERTS/);
  } finally {
    await Deno.remove(fake, { recursive: true });
  }
});
