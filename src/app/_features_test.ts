import assert from "node:assert/strict";
import { type Config, defaultConfig } from "../core/features.ts";
import type { PlannedTask } from "../core/template.ts";
import { TmError } from "../core/errors.ts";
import type { AppContext } from "./context.ts";
import { applyPlan } from "./templates.ts";
import { importTasks } from "./transfer.ts";
import { testContext } from "./_test_context.ts";

/** A test context whose project has `feature` switched off; counts config reads. */
async function withDisabled(feature: keyof Config["features"]) {
  const ctx = await testContext();
  const reads = { count: 0 };
  const config = defaultConfig();
  config.features[feature] = false;
  const gated: AppContext = {
    ...ctx,
    features: () => {
      reads.count++;
      return Promise.resolve(config);
    },
  };
  return { ctx, gated, reads };
}

function refusal(error: unknown, message: string): boolean {
  return error instanceof TmError && error.code === "validation" && error.message === message;
}

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ id: "0000000a", title: "imported", ...fields });

function planned(criteria: PlannedTask["criteria"]): PlannedTask[] {
  return [{
    key: "api",
    title: "API",
    description: null,
    priority: "medium",
    assignee: null,
    capabilities: [],
    tags: [],
    criteria,
    depends_on: [],
  }];
}

Deno.test("importTasks() refuses a record with criteria while success-criteria is off", async () => {
  const { ctx, gated } = await withDisabled("success-criteria");
  const text = line({ criteria: [{ criterion: "tests pass" }] });
  await assert.rejects(
    () => importTasks(gated, text),
    (e) => refusal(e, 'line 1: field "criteria" is disabled: feature "success-criteria" is off'),
  );
  assert.equal(await ctx.store.read((tx) => tx.tasks.count()), 0);
});

Deno.test("importTasks() refuses a deadline while deadlines are off, naming the line", async () => {
  const { gated } = await withDisabled("deadlines");
  const text = [line({}), line({ id: "0000000b", deadline: "2027-01-01" })].join("\n");
  await assert.rejects(
    () => importTasks(gated, text),
    (e) => refusal(e, 'line 2: field "deadline" is disabled: feature "deadlines" is off'),
  );
});

Deno.test("importTasks() reads no configuration for records that use no gated feature", async () => {
  const { gated, reads } = await withDisabled("deadlines");
  const result = await importTasks(gated, line({}));
  assert.equal(result.imported, 1);
  assert.equal(reads.count, 0);
});

Deno.test("applyPlan() refuses a template with criteria while success-criteria is off", async () => {
  const { ctx, gated } = await withDisabled("success-criteria");
  await assert.rejects(
    () => applyPlan(gated, "service", planned([{ criterion: "tests pass", measurable: null }])),
    (e) =>
      refusal(
        e,
        'criteria of template task "api" is disabled: feature "success-criteria" is off',
      ),
  );
  assert.equal(await ctx.store.read((tx) => tx.tasks.count()), 0);
});

Deno.test("applyPlan() creates a template without criteria while success-criteria is off", async () => {
  const { gated, reads } = await withDisabled("success-criteria");
  const applied = await applyPlan(gated, "service", planned([]));
  assert.equal(applied.length, 1);
  assert.equal(reads.count, 0);
});
