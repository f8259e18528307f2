import assert from "node:assert/strict";
import { tempDir, tm } from "./_in_process.ts";

Deno.test("the orchestration commands explain themselves in tm help", async (t) => {
  await using temp = await tempDir();
  const cwd = temp.dir;
  for (const command of ["agent", "worker", "template", "prime"]) {
    const result = await tm(["help", command], { cwd });
    assert.equal(result.code, 0, result.stderr);
    // The command's own text; the global options belong to the spine's snapshots.
    await t.assertSnapshot(result.stdout.split("\n\nGlobal options")[0]);
  }
});

Deno.test("tm worker without --exec is a usage error", async () => {
  await using temp = await tempDir();
  const cwd = temp.dir;
  const result = await tm(["worker"], { cwd });
  assert.equal(result.code, 2);
  assert.equal(
    result.stderr,
    "tm: worker: --exec CMD is required (e.g. tm worker --exec ./run-task.sh)\n",
  );
});
