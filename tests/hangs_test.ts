// Nothing waits forever (issue 9, defect 8): a draining worker exits once nothing it can run
// can still become ready; every input is capped.
import assert from "node:assert/strict";
import { addTask, fakeIo, initProject, tm } from "./_in_process.ts";
import { run } from "../src/cli/run.ts";

Deno.test("worker --drain exits when the held task's dependents need a capability it lacks", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const held = await addTask(cwd, "held by someone else");
  const gpu = await addTask(cwd, "needs a gpu", ["--capability", "gpu"]);
  assert.equal((await tm(["dep", "add", gpu, held], { cwd })).code, 0);
  assert.equal((await tm(["claim", held], { cwd, env: { TM_AGENT_ID: "other" } })).code, 0);
  const worker = tm(["worker", "--exec", "true", "--drain", "--json", "--poll", "1"], { cwd });
  const result = await Promise.race([
    worker,
    new Promise<null>((resolve) => setTimeout(() => resolve(null), 15_000)),
  ]);
  assert.notEqual(result, null, "the worker did not exit");
  assert.equal(result!.code, 0, result!.stderr);
});

Deno.test("import of an endless or huge input stops with a clear error", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const zero = await tm(["import", "/dev/zero"], { cwd });
  assert.equal(zero.code, 5, zero.stderr);
  assert.match(zero.stderr, /larger than 64 MiB/);
  const dir = await tm(["import", "."], { cwd });
  assert.equal(dir.code, 4, dir.stderr);
  await Deno.symlink("/dev/zero", `${cwd}/endless.md`);
  const attach = await tm(["share", await addTask(cwd, "t"), "doc", "--file", "endless.md"], {
    cwd,
  });
  assert.equal(attach.code, 5, attach.stderr);
  assert.match(attach.stderr, /larger than 1 MiB/);
});

Deno.test("a draining worker that waits on held work says so once", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const held = await addTask(cwd, "held");
  await addTask(cwd, "next", ["--depends-on", held]);
  assert.equal((await tm(["claim", held], { cwd, env: { TM_AGENT_ID: "other" } })).code, 0);
  // The worker's own io: the test reacts to its "waiting" line instead of sleeping.
  const io = fakeIo({ cwd });
  let announce: () => void;
  const waiting = new Promise<void>((resolve) => announce = resolve);
  const print = io.stdout;
  io.stdout = (text) => {
    print(text);
    if (text.includes('"waiting"')) announce();
  };
  const worker = run(["worker", "--exec", "true", "--drain", "--json", "--poll", "50ms"], io);
  await waiting;
  assert.equal((await tm(["complete", held], { cwd, env: { TM_AGENT_ID: "other" } })).code, 0);
  assert.equal(await worker, 0, io.err.join(""));
  const events = io.out.join("").trim().split("\n").map((line) => JSON.parse(line).event);
  assert.equal(events.filter((e) => e === "waiting").length, 1, events.join(","));
  assert.ok(events.includes("completed"), events.join(","));
});
