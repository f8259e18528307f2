import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { MIGRATIONS } from "./migrations.ts";
import { Statements } from "./sqlite.ts";
import { SqliteDependencyRepo } from "./sqlite_dependencies.ts";
import { SqliteTaskRepo } from "./sqlite_tasks.ts";

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
  await tasks.claim("00000000", "a", "2026-01-01T00:00:00.000Z", "2026-01-01T01:00:00.000Z");
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
