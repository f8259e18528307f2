import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { addTask } from "./add_task.ts";
import { claimTask } from "./claims.ts";
import { completeTask } from "./complete_task.ts";
import type { AppContext } from "./context.ts";
import { readyTasks } from "./ready.ts";
import { showTask } from "./show_task.ts";
import { updateTask } from "./update_task.ts";
import { MIGRATIONS } from "../store/migrations.ts";
import { sqliteRepos } from "../store/sqlite.ts";
import { Statements } from "../store/sqlite_statements.ts";
import { SqliteDependencyRepo } from "../store/sqlite_dependencies.ts";
import { SqliteTaskRepo } from "../store/sqlite_tasks.ts";
import type { Store } from "../store/store.ts";

/** A statement cache that remembers the SQL it prepared, to explain it afterwards. */
class RecordingStatements extends Statements {
  readonly sql: string[] = [];

  override get(sql: string) {
    this.sql.push(sql);
    return super.get(sql);
  }
}

function schema(): DatabaseSync {
  const db = new DatabaseSync(":memory:");
  for (const migration of MIGRATIONS) db.exec(migration.sql);
  return db;
}

/** The query plan lines of `sql` (parameters are bound to NULL; plans do not depend on them). */
function plan(db: DatabaseSync, sql: string): string[] {
  const statement = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  const params = Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => null);
  return statement.all(...params).map((row) => (row as { detail: string }).detail);
}

Deno.test("the ready query reads pending tasks in index order, with no sort and no scan", async () => {
  const db = schema();
  const statements = new RecordingStatements(db);
  const tasks = new SqliteTaskRepo(statements);
  for (const query of [{}, { offeredTo: "a" }, { assignee: "a" }]) {
    statements.sql.length = 0;
    await tasks.ready({ now: "2026-01-01T00:00:00.000Z", limit: 10, ...query });
    const pending = statements.sql.find((sql) => sql.includes("status = 'pending'"))!;
    const lines = plan(db, pending);
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(lines[0]!, /^SEARCH tasks USING INDEX tasks_\w+ \((\w+=\? AND )?status=\?\)$/);
    if ("assignee" in query) {
      // tm ready --mine: a range of one assignee's tasks, already in ready order.
      assert.match(lines[0]!, /USING INDEX tasks_assignee_ready \(assignee=\? AND status=\?\)/);
    }
    // Expired leases: a range on the lease index; only the expired rows are sorted.
    const expired = statements.sql.find((sql) => sql.includes("lease_expires_at <"))!;
    assert.equal(
      plan(db, expired)[0],
      "SEARCH tasks USING INDEX tasks_lease (status=? AND lease_expires_at<?)",
    );
  }
  db.close();
});

Deno.test("claim, prefix lookup, list and dependency counts never scan the tasks table", async () => {
  const db = schema();
  const statements = new RecordingStatements(db);
  const tasks = new SqliteTaskRepo(statements);
  const dependencies = new SqliteDependencyRepo(statements);
  await tasks.claim("00000000", "a", "2026-01-01T00:00:00.000Z", "2026-01-01T01:00:00.000Z", {
    status: "pending",
    claimed_by: null,
    lease_expires_at: null,
  });
  await tasks.idsWithPrefix("abcd", 5);
  await tasks.get("00000000");
  await dependencies.openCount("00000000");
  await dependencies.dependentsOf("00000000");
  for (const sql of statements.sql) {
    for (const line of plan(db, sql)) {
      assert.doesNotMatch(line, /^SCAN /, `${sql}\n→ ${line}`);
    }
  }
  // list --limit walks the table in creation order and stops: no sort.
  statements.sql.length = 0;
  await tasks.list({ limit: 50 });
  assert.deepEqual(plan(db, statements.sql[0]!), ["SCAN tasks"]);
  statements.sql.length = 0;
  await tasks.list({ status: "pending", limit: 50 });
  assert.deepEqual(plan(db, statements.sql[0]!), [
    "SEARCH tasks USING INDEX tasks_status (status=?)",
  ]);
  db.close();
});

/** A store over the recording cache; transactions do not matter for query plans. */
function recordingStore(statements: RecordingStatements): Store {
  const tx = sqliteRepos(statements);
  return {
    read: (fn) => fn(tx),
    write: (fn) => fn(tx),
    close: () => {},
    committedEvents: () => [],
    dataVersion: () => 0,
  };
}

Deno.test("add, claim, update, complete, show and ready do no work proportional to the database", async () => {
  const db = schema();
  const statements = new RecordingStatements(db);
  const ctx: AppContext = {
    store: recordingStore(statements),
    agent: "a",
    location: { dataDir: "/nowhere", dbPath: ":memory:", source: "override" },
    now: () => new Date(),
    leaseTtlMs: 60_000,
  };
  const first = await addTask(ctx, { title: "first" });
  const second = await addTask(ctx, { title: "second", dependsOn: [first.id] });
  await readyTasks(ctx, { limit: 10 });
  await claimTask(ctx, null);
  await updateTask(ctx, first.id, { description: "more" });
  await completeTask(ctx, first.id);
  await showTask(ctx, second.id.slice(0, 4));
  // Every statement is a keyed search; the only scans are of a subquery bounded by LIMIT
  // (the last 20 events of one task) and of the agent's own capability list (json_each).
  for (const sql of new Set(statements.sql)) {
    for (const line of plan(db, sql)) {
      assert.doesNotMatch(
        line,
        /^SCAN (?!\(subquery|json_each VIRTUAL TABLE)/,
        `${sql}\n→ ${line}`,
      );
    }
  }
  db.close();
});
