import assert from "node:assert/strict";
import { listBackups, pruneBackups } from "./backups.ts";

Deno.test("pruneBackups() keeps the newest backups by their timestamp and ignores other files", async () => {
  const dir = await Deno.makeTempDir();
  const names = [1, 2, 3, 4].map((day) => `tasks-v1-2026110${day}T120000000Z-ab.db`);
  for (const name of names) await Deno.writeTextFile(`${dir}/${name}`, "x");
  await Deno.writeTextFile(`${dir}/pre-rollback-20261105T120000000Z.db`, "x");
  const deleted = await pruneBackups(dir, 2);
  assert.deepEqual(deleted.map((p) => p.slice(dir.length + 1)).sort(), names.slice(0, 2));
  assert.deepEqual((await listBackups(dir)).map((b) => b.name), [names[3], names[2]]);
  await Deno.stat(`${dir}/pre-rollback-20261105T120000000Z.db`);
});

Deno.test("listBackups() of a missing directory is empty", async () => {
  assert.deepEqual(await listBackups(`${await Deno.makeTempDir()}/none`), []);
});
