/**
 * Deadlines as people write them, and the list filters on them.
 */
import assert from "node:assert/strict";
import { addTask, Clock, initProject, tm, tmJson } from "./_in_process.ts";

Deno.test("--deadline takes natural and relative forms, stored as UTC", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const clock = new Clock(new Date(2026, 11, 2, 10, 30)); // a Wednesday, local time
  const add = async (when: string) => {
    const result = await tmJson(["add", `due ${when}`, "--deadline", when], { cwd, clock });
    return (result.task as { deadline: string }).deadline;
  };
  assert.equal(await add("tomorrow"), new Date(2026, 11, 3, 23, 59, 59, 999).toISOString());
  assert.equal(await add("friday"), new Date(2026, 11, 4, 23, 59, 59, 999).toISOString());
  assert.equal(await add("eow"), new Date(2026, 11, 6, 23, 59, 59, 999).toISOString());
  assert.equal(await add("+3d"), new Date(2026, 11, 5, 10, 30).toISOString());
  assert.equal(await add("2026-12-24 17:00"), new Date(2026, 11, 24, 17, 0).toISOString());
  const id = await addTask(cwd, "later");
  const updated = await tmJson(["update", id, "--deadline", "+1w"], { cwd, clock });
  assert.equal(
    (updated.task as { deadline: string }).deadline,
    new Date(2026, 11, 9, 10, 30).toISOString(),
  );
});

Deno.test("list --due-before and --overdue select by deadline", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const clock = new Clock(new Date("2026-12-02T12:00:00Z"));
  const late = await addTask(cwd, "Late", ["--deadline", "2026-12-01"]);
  const lateDone = await addTask(cwd, "Late but done", ["--deadline", "2026-11-30"]);
  const soon = await addTask(cwd, "Soon", ["--deadline", "2026-12-04"]);
  await addTask(cwd, "Far", ["--deadline", "2027-06-01"]);
  await addTask(cwd, "None");
  assert.equal((await tm(["complete", lateDone], { cwd })).code, 0);
  const ids = async (args: string[]) =>
    ((await tmJson(["list", ...args], { cwd, clock })).tasks as Array<{ id: string }>)
      .map((t) => t.id);
  assert.deepEqual(await ids(["--overdue"]), [late]);
  assert.deepEqual(await ids(["--due-before", "+7d"]), [late, lateDone, soon]);
  assert.deepEqual(await ids(["--due-before", "+7d", "--open"]), [late, soon]);
  const bad = await tm(["list", "--due-before", "someday"], { cwd });
  assert.equal(bad.code, 5);
  assert.match(bad.stderr, /invalid --due-before "someday"/);
});
