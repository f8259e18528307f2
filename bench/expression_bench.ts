import { check } from "../src/core/expression.ts";
import { criticalPath } from "../src/core/critical_path.ts";

const values = new Map<string, number | string | boolean>([["coverage", 85], ["flaky", false]]);

Deno.bench("check() a typical measurable expression", () => {
  check('coverage >= 80 and not flaky and "a" != "b"', values);
});

const chain = Array.from({ length: 1000 }, (_, i) => ({ id: `t${i}`, hours: 1 }));
const edges = chain.slice(1).map((t, i) => ({ task_id: t.id, depends_on_id: `t${i}` }));

Deno.bench("criticalPath() over a 1000-task chain", () => {
  criticalPath(chain, edges);
});
