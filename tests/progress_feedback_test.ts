import assert from "node:assert/strict";
import { addTask, initProject, tm, tmJson } from "./_in_process.ts";

Deno.test("progress appends entries, records a leading percent, and show displays them", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "t");
  const first = await tm(["progress", id, "40% parser done"], { cwd });
  assert.equal(first.stdout, "Progress update added\n");
  const second = await tmJson(["progress", id, "wiring", "the", "CLI"], { cwd });
  assert.equal((second.progress as { message: string }).message, "wiring the CLI");
  assert.equal((second.progress as { percent: null }).percent, null);
  const shown = await tmJson(["show", id], { cwd });
  const task = shown.task as { percent: number; progress: Array<{ message: string }> };
  assert.equal(task.percent, 40);
  assert.deepEqual(task.progress.map((p) => p.message), ["40% parser done", "wiring the CLI"]);
  const text = await tm(["show", id], { cwd });
  assert.match(text.stdout, /^percent: 40%$/m);
  assert.match(text.stdout, /^progress: \S+ tester: wiring the CLI$/m);
  const over = await tm(["progress", id, "140% done"], { cwd });
  assert.equal(over.code, 5);
});

Deno.test("feedback is refused on an open task and range-checked", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "t");
  const open = await tm(["feedback", id, "--quality", "4"], { cwd });
  assert.equal(open.code, 5);
  assert.match(open.stderr, /not completed/);
  await tm(["complete", id], { cwd });
  for (const score of ["0", "6", "x"]) {
    const bad = await tm(["feedback", id, "--quality", score], { cwd });
    assert.equal(bad.code, 5, score);
    assert.match(bad.stderr, /expected a whole number from 1 to 5/);
  }
  const badTimeliness = await tm(["feedback", id, "--timeliness", "6"], { cwd });
  assert.equal(badTimeliness.code, 5);
  const good = await tmJson(
    ["feedback", id, "--quality", "4", "--timeliness", "5", "--note", "tidy"],
    { cwd },
  );
  assert.deepEqual(
    { ...(good.feedback as Record<string, unknown>), created_at: "" },
    { task_id: id, agent: "tester", quality: 4, timeliness: 5, note: "tidy", created_at: "" },
  );
});

Deno.test("a deadline that is not a date is refused and an overdue task is flagged and ready first", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const bad = await tm(["add", "t", "--deadline", "next tuesday"], { cwd });
  assert.equal(bad.code, 5);
  assert.match(bad.stderr, /invalid deadline "next tuesday"/);
  const urgent = await addTask(cwd, "urgent", ["-p", "critical"]);
  const late = await addTask(cwd, "late", ["-p", "low", "--deadline", "2020-01-01"]);
  const ready = await tmJson(["ready"], { cwd });
  const tasks = ready.tasks as Array<{ id: string; overdue: boolean }>;
  assert.deepEqual(tasks.map((t) => [t.id, t.overdue]), [[late, true], [urgent, false]]);
  const list = await tm(["list"], { cwd });
  assert.match(
    list.stdout,
    new RegExp(`\\[${late}\\] late - pending \\(low, OVERDUE since 2020-01-01\\)`),
  );
  const show = await tm(["show", late], { cwd });
  assert.match(show.stdout, /^deadline: 2020-01-01T23:59:59.999Z \(OVERDUE\)$/m);
});
