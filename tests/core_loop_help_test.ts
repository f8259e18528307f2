import assert from "node:assert/strict";
import { tempDir, tm } from "./_in_process.ts";

Deno.test("tm help lists the core-loop commands and each has full usage text", async (t) => {
  await using temp = await tempDir();
  const cwd = temp.dir;
  const general = await tm(["help"], { cwd });
  for (
    const name of [
      "criteria",
      "progress",
      "feedback",
      "metrics",
      "report",
      "critical-path",
      "config",
      "migrate",
    ]
  ) {
    assert.match(general.stdout, new RegExp(`\\b${name}\\b`), name);
  }
  const criteria = await tm(["help", "criteria"], { cwd });
  assert.equal(criteria.code, 0);
  await t.assertSnapshot(criteria.stdout);
  const migrate = await tm(["migrate", "--help"], { cwd });
  await t.assertSnapshot(migrate.stdout);
});
