import assert from "node:assert/strict";
import {
  agentRows,
  ago,
  type BoardTask,
  filterTasks,
  groupByStatus,
  holderOf,
  leaseLeft,
  leaseText,
} from "./board.js";

const NOW = Date.parse("2026-01-01T12:00:00Z");

function task(over: Partial<BoardTask> & { id: string }): BoardTask {
  return {
    title: `task ${over.id}`,
    description: null,
    status: "pending",
    priority: "medium",
    assignee: null,
    claimed_by: null,
    lease_expires_at: null,
    created_at: "2026-01-01T00:00:00Z",
    started_at: null,
    completed_at: null,
    updated_at: "2026-01-01T00:00:00Z",
    ...over,
  };
}

const held = (id: string, agent: string, leaseEnd: string) =>
  task({ id, status: "in_progress", claimed_by: agent, lease_expires_at: leaseEnd });

Deno.test("holderOf() names the claimer only while the lease runs", () => {
  assert.equal(holderOf(held("a", "ann", "2026-01-01T12:05:00Z"), NOW), "ann");
  assert.equal(holderOf(held("a", "ann", "2026-01-01T11:59:00Z"), NOW), null);
  assert.equal(holderOf(task({ id: "a", claimed_by: "ann" }), NOW), null);
});

Deno.test("filterTasks() matches every search word against id prefix, title, text and agents", () => {
  const tasks = [
    task({ id: "aaaa1111", title: "Fix login", description: "OAuth callback" }),
    task({ id: "bbbb2222", title: "Write docs", priority: "high" }),
    held("cccc3333", "ann", "2026-01-01T13:00:00Z"),
  ];
  const ids = (f: Parameters<typeof filterTasks>[1]) => filterTasks(tasks, f, NOW).map((t) => t.id);
  assert.deepEqual(ids({ query: "login oauth" }), ["aaaa1111"]);
  assert.deepEqual(ids({ query: "bbbb" }), ["bbbb2222"]);
  assert.deepEqual(ids({ query: "ANN" }), ["cccc3333"]);
  assert.deepEqual(ids({ priority: "high" }), ["bbbb2222"]);
  assert.deepEqual(ids({ holder: "ann" }), ["cccc3333"]);
  assert.deepEqual(ids({ holder: "-" }), ["aaaa1111", "bbbb2222"]);
});

Deno.test("groupByStatus() orders open columns by priority then age, done ones newest first", () => {
  const cols = groupByStatus([
    task({ id: "m", created_at: "2026-01-01T01:00:00Z" }),
    task({ id: "c", priority: "critical", created_at: "2026-01-01T03:00:00Z" }),
    task({ id: "m0" }),
    task({ id: "d1", status: "completed", completed_at: "2026-01-01T01:00:00Z" }),
    task({ id: "d2", status: "completed", completed_at: "2026-01-01T02:00:00Z" }),
  ]);
  assert.deepEqual(cols.get("pending")?.map((t) => t.id), ["c", "m0", "m"]);
  assert.deepEqual(cols.get("completed")?.map((t) => t.id), ["d2", "d1"]);
  assert.deepEqual(cols.get("blocked"), []);
});

Deno.test("leaseLeft() and ago() speak in coarse human units", () => {
  assert.equal(leaseLeft("2026-01-01T13:05:30Z", NOW), "1h 05m");
  assert.equal(leaseLeft("2026-01-01T12:04:09Z", NOW), "4m 09s");
  assert.equal(leaseLeft("2026-01-01T12:00:12Z", NOW), "12s");
  assert.equal(leaseLeft("2026-01-01T12:00:00Z", NOW), "expired");
  assert.equal(ago("2026-01-01T11:57:00Z", NOW), "3m ago");
  assert.equal(ago("2026-01-01T12:00:00Z", NOW), "just now");
});

Deno.test("agentRows() lists holders first with their soonest lease first, then idle agents", () => {
  const rows = agentRows(
    [{ name: "zed", capabilities: ["ts"] }, { name: "ann" }],
    [
      held("t1", "bob", "2026-01-01T12:30:00Z"),
      held("t2", "bob", "2026-01-01T12:10:00Z"),
      held("t3", "old", "2026-01-01T11:00:00Z"),
    ],
    NOW,
  );
  assert.deepEqual(rows.map((r) => [r.name, r.registered, r.holds.map((h) => h.id)]), [
    ["bob", false, ["t2", "t1"]],
    ["ann", true, []],
    ["zed", true, []],
  ]);
});

Deno.test("leaseText() says how long is left, or that the lease expired", () => {
  assert.equal(leaseText("2026-01-01T12:04:09Z", NOW), "4m 09s left");
  assert.equal(leaseText("2026-01-01T11:00:00Z", NOW), "lease expired");
});
