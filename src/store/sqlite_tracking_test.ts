import { storeTest } from "./_store_engines.ts";
import assert from "node:assert/strict";
import { newTaskRow, type Task } from "../core/task.ts";

function task(id: string, partial: Partial<Task> = {}): Task {
  return newTaskRow({
    id,
    title: `task ${id}`,
    created_by: "creator",
    created_at: "2026-01-01T00:00:00.000Z",
    ...partial,
  });
}

storeTest(
  "completedSince() attributes a completion to its recorder, else the completed event",
  async (open) => {
    const store = await open();
    await store.write(async (tx) => {
      const done = { status: "completed" as const, completed_at: "2026-01-02T00:00:00.000Z" };
      await tx.tasks.insert(task("aaaa0001", done));
      await tx.tasks.insert(task("aaaa0002", done));
      await tx.tasks.insert(task("aaaa0003"));
      await tx.tracking.recordCompletion({
        task_id: "aaaa0001",
        agent: "alice",
        summary: "s",
        validated: true,
        unverified: [],
        completed_at: done.completed_at,
      });
      await tx.events.append({
        task_id: "aaaa0002",
        type: "completed",
        agent: "bob",
        created_at: done.completed_at,
        data: null,
      });
      await tx.tracking.setFeedback({
        task_id: "aaaa0001",
        agent: "carol",
        quality: 4,
        timeliness: null,
        note: null,
        created_at: done.completed_at,
      });
    });
    const rows = await store.read((tx) => tx.tracking.completedSince("2026-01-01T00:00:00.000Z"));
    assert.deepEqual(rows.map((r) => [r.id, r.agent, r.quality, r.feedback_count]), [
      ["aaaa0001", "alice", 4, 1],
      ["aaaa0002", "bob", null, 0],
    ]);
    const usage = await store.read((tx) => tx.tracking.featureUsage("2025-01-01T00:00:00.000Z"));
    assert.deepEqual(usage, {
      tasks: 3,
      with_criteria: 0,
      with_deadline: 0,
      with_estimate: 0,
      with_progress: 0,
      with_summary: 1,
      with_feedback: 1,
    });
    store.close();
  },
);

storeTest(
  "ready() puts overdue pending tasks first even past the limit of the priority scan",
  async (open) => {
    const store = await open();
    await store.write(async (tx) => {
      for (let i = 0; i < 5; i++) {
        await tx.tasks.insert(task(`bbbb000${i}`, { priority: "critical" }));
      }
      await tx.tasks.insert(
        task("cccc0001", { priority: "low", deadline: "2026-01-01T00:00:00.000Z" }),
      );
      await tx.tasks.insert(
        task("cccc0002", { priority: "low", deadline: "2027-01-01T00:00:00.000Z" }),
      );
    });
    const ready = await store.read((tx) =>
      tx.tasks.ready({ now: "2026-06-01T00:00:00.000Z", limit: 3 })
    );
    assert.deepEqual(ready.map((t) => t.id), ["cccc0001", "bbbb0000", "bbbb0001"]);
    store.close();
  },
);

storeTest(
  "progress() returns the latest entries oldest first; values keep their JSON type",
  async (open) => {
    const store = await open();
    await store.write(async (tx) => {
      await tx.tasks.insert(task("dddd0001"));
      for (let i = 1; i <= 4; i++) {
        await tx.tracking.addProgress({
          task_id: "dddd0001",
          agent: "a",
          message: `step ${i}`,
          percent: i * 10,
          created_at: `2026-01-0${i}T00:00:00.000Z`,
        });
      }
      for (const [name, value] of [["n", 1.5], ["b", false], ["s", "green"]] as const) {
        await tx.tracking.setValue("dddd0001", { name, value, set_by: "a", set_at: "t" });
      }
    });
    const progress = await store.read((tx) => tx.tracking.progress("dddd0001", 2));
    assert.deepEqual(progress.map((p) => p.message), ["step 3", "step 4"]);
    const values = await store.read((tx) => tx.tracking.values("dddd0001"));
    assert.deepEqual(values.map((v) => [v.name, v.value]), [["b", false], ["n", 1.5], [
      "s",
      "green",
    ]]);
    store.close();
  },
);
