import assert from "node:assert/strict";
import { TmError } from "./errors.ts";
import { checkTemplate, parseVarFlags, planTemplate } from "./template.ts";

const DOC = {
  variables: { what: { description: "thing" }, level: { default: "high" } },
  tasks: [
    { key: "a", title: "Do {{what}}", priority: "{{level}}", capabilities: ["Python"] },
    { key: "b", title: "Check {{ what }}", depends_on: ["a"], criteria: ["works"] },
  ],
};

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof TmError) return error.code;
    throw error;
  }
  return "none";
}

Deno.test("planTemplate() binds variables and defaults into validated tasks", () => {
  const template = checkTemplate(DOC, "t", "built-in");
  const plan = planTemplate(template, parseVarFlags(["what=x=y"]));
  assert.deepEqual(plan.map((p) => [p.key, p.title, p.priority, p.capabilities, p.depends_on]), [
    ["a", "Do x=y", "high", ["python"], []],
    ["b", "Check x=y", "medium", [], ["a"]],
  ]);
  assert.deepEqual(plan[1]!.criteria, [{ criterion: "works", measurable: null }]);
});

Deno.test("checkTemplate() refuses cycles, unknown references, duplicates and undeclared variables", () => {
  const tasks = (list: unknown[]) => ({ tasks: list });
  assert.equal(
    code(() =>
      checkTemplate(
        tasks([{ key: "a", title: "A", depends_on: ["b"] }, {
          key: "b",
          title: "B",
          depends_on: ["a"],
        }]),
        "t",
        "x",
      )
    ),
    "cycle",
  );
  assert.equal(
    code(() => checkTemplate(tasks([{ key: "a", title: "A", depends_on: ["z"] }]), "t", "x")),
    "validation",
  );
  assert.equal(
    code(() =>
      checkTemplate(tasks([{ key: "a", title: "A" }, { key: "a", title: "B" }]), "t", "x")
    ),
    "validation",
  );
  assert.equal(
    code(() => checkTemplate(tasks([{ key: "a", title: "{{nope}}" }]), "t", "x")),
    "validation",
  );
  assert.equal(code(() => checkTemplate({ tasks: [] }, "t", "x")), "validation");
});

Deno.test("planTemplate() refuses missing and unknown variables", () => {
  const template = checkTemplate(DOC, "t", "built-in");
  assert.equal(code(() => planTemplate(template, new Map())), "validation");
  assert.equal(
    code(() => planTemplate(template, new Map([["what", "x"], ["other", "y"]]))),
    "validation",
  );
  assert.equal(
    code(() => planTemplate(template, new Map([["what", "x"], ["level", "urgent"]]))),
    "validation",
  );
});
