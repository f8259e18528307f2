// deno-lint-ignore-file no-console -- a developer script: the terminal is its output
/**
 * Build `tests/fixtures/schema_v1.db`: a database as the first released schema (migration
 * #1 only) left it, with tasks, dependencies, tags, files, criteria, participants, events
 * and a notification. The committed file proves that a current tm opens and migrates an
 * old database without loss; rerun this only to recreate it (the rows are fixed, so the
 * content does not change).
 *
 * Usage: deno run --allow-read --allow-write scripts/make_schema_v1_fixture.ts [PATH]
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { MIGRATIONS } from "../src/store/migrations.ts";

const path = Deno.args[0] ??
  new URL("../tests/fixtures/schema_v1.db", import.meta.url).pathname;
await Deno.remove(path).catch(() => {});
const db = new DatabaseSync(path);
// A single self-contained file: no -wal beside it in the repository.
db.exec("PRAGMA journal_mode = DELETE");
db.exec("PRAGMA foreign_keys = ON");
db.exec("BEGIN");
db.exec(MIGRATIONS[0]!.sql);
db.exec("PRAGMA user_version = 1");

const T0 = "2026-11-01T09:00:00.000Z";
const T1 = "2026-11-02T10:30:00.000Z";
const T2 = "2026-11-03T16:45:00.000Z";
const insertTask = db.prepare(
  `INSERT INTO tasks (id, title, description, status, priority, assignee, created_by,
     created_at, updated_at, started_at, completed_at, deadline, estimated_hours, actual_hours,
     claimed_by, claimed_at, lease_expires_at, dependents_count)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
insertTask.run(
  "aaaa0001",
  "Design the schema",
  "Tables and indexes\nfor v1",
  "completed",
  "high",
  "alice",
  "alice",
  T0,
  T2,
  T1,
  T2,
  null,
  3,
  4,
  null,
  null,
  null,
  2,
);
insertTask.run(
  "aaaa0002",
  "Implement the store",
  null,
  "pending",
  "medium",
  null,
  "alice",
  T0,
  T2,
  null,
  null,
  "2026-12-01T23:59:59.999Z",
  5,
  null,
  null,
  null,
  null,
  1,
);
insertTask.run(
  "aaaa0003",
  "Ship it",
  "ünïcödé ✓",
  "blocked",
  "critical",
  "bob",
  "bob",
  T1,
  T1,
  null,
  null,
  null,
  null,
  null,
  null,
  null,
  null,
  0,
);
const dep = db.prepare(
  "INSERT INTO dependencies (task_id, depends_on_id, created_at) VALUES (?, ?, ?)",
);
dep.run("aaaa0002", "aaaa0001", T0);
dep.run("aaaa0003", "aaaa0002", T1);
dep.run("aaaa0003", "aaaa0001", T1);
db.prepare("INSERT INTO task_files VALUES (?, ?, ?, ?, ?)").run(
  "aaaa0002",
  1,
  "src/store.ts",
  10,
  40,
);
db.prepare("INSERT INTO task_files VALUES (?, ?, ?, ?, ?)").run(
  "aaaa0002",
  2,
  "README.md",
  null,
  null,
);
db.prepare("INSERT INTO task_tags VALUES (?, ?)").run("aaaa0001", "design");
db.prepare("INSERT INTO task_tags VALUES (?, ?)").run("aaaa0002", "backend");
db.prepare("INSERT INTO criteria VALUES (?, ?, ?, ?)").run("aaaa0002", 1, "tests pass", null);
db.prepare("INSERT INTO criteria VALUES (?, ?, ?, ?)").run(
  "aaaa0002",
  2,
  "fast enough",
  "p95_ms < 50",
);
const participant = db.prepare("INSERT INTO participants VALUES (?, ?, ?, ?)");
participant.run("aaaa0001", "alice", "creator", T0);
participant.run("aaaa0002", "alice", "creator", T0);
participant.run("aaaa0003", "bob", "creator", T1);
const event = db.prepare(
  "INSERT INTO events (task_id, type, agent, created_at, data) VALUES (?, ?, ?, ?, ?)",
);
event.run("aaaa0001", "created", "alice", T0, '{"title":"Design the schema"}');
event.run("aaaa0002", "created", "alice", T0, null);
event.run("aaaa0003", "created", "bob", T1, null);
event.run("aaaa0001", "completed", "alice", T2, '{"actual_hours":4}');
event.run("aaaa0002", "unblocked", "alice", T2, '{"cause":"aaaa0001 completed"}');
db.prepare(
  `INSERT INTO notifications (recipient, event_id, task_id, type, priority, message, created_at)
   VALUES (?, ?, ?, ?, ?, ?, ?)`,
).run("alice", 5, "aaaa0002", "unblocked", "normal", "Task aaaa0002 is unblocked", T2);
db.exec("COMMIT");
db.exec("VACUUM");
db.close();
console.log(`wrote ${path}`);
