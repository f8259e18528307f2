/**
 * SQLite statements for the dependency graph.
 *
 * @module
 */

import type { Statements } from "./sqlite_statements.ts";
import type { DependencyEdge, TaskRef } from "../core/task.ts";
import type { DependencyRepo } from "./store.ts";

/** Dependency edges in SQLite; keeps `tasks.dependents_count` in step. */
export class SqliteDependencyRepo implements DependencyRepo {
  readonly #sql: Statements;

  /** Use the connection's statement cache. */
  constructor(statements: Statements) {
    this.#sql = statements;
  }

  add(taskId: string, dependsOnId: string, now: string): Promise<boolean> {
    const result = this.#sql.get(
      "INSERT OR IGNORE INTO dependencies (task_id, depends_on_id, created_at) VALUES (?, ?, ?)",
    ).run(taskId, dependsOnId, now);
    if (result.changes === 1) {
      this.#sql.get("UPDATE tasks SET dependents_count = dependents_count + 1 WHERE id = ?")
        .run(dependsOnId);
    }
    return Promise.resolve(result.changes === 1);
  }

  remove(taskId: string, dependsOnId: string): Promise<boolean> {
    const result = this.#sql.get(
      "DELETE FROM dependencies WHERE task_id = ? AND depends_on_id = ?",
    ).run(taskId, dependsOnId);
    if (result.changes === 1) {
      this.#sql.get("UPDATE tasks SET dependents_count = dependents_count - 1 WHERE id = ?")
        .run(dependsOnId);
    }
    return Promise.resolve(result.changes === 1);
  }

  dependencyIds(taskId: string): Promise<string[]> {
    const rows = this.#sql.get("SELECT depends_on_id FROM dependencies WHERE task_id = ?")
      .all(taskId) as Array<{ depends_on_id: string }>;
    return Promise.resolve(rows.map((row) => row.depends_on_id));
  }

  dependenciesOf(taskId: string): Promise<TaskRef[]> {
    return Promise.resolve(
      this.#sql.get(
        `SELECT t.id, t.title, t.status FROM dependencies d JOIN tasks t ON t.id = d.depends_on_id
         WHERE d.task_id = ? ORDER BY t.seq`,
      ).all(taskId).map((row) => ({ ...row }) as unknown as TaskRef),
    );
  }

  dependentsOf(taskId: string): Promise<TaskRef[]> {
    return Promise.resolve(
      this.#sql.get(
        `SELECT t.id, t.title, t.status FROM dependencies d JOIN tasks t ON t.id = d.task_id
         WHERE d.depends_on_id = ? ORDER BY t.seq`,
      ).all(taskId).map((row) => ({ ...row }) as unknown as TaskRef),
    );
  }

  openCount(taskId: string): Promise<number> {
    const row = this.#sql.get(
      `SELECT count(*) AS n FROM dependencies d JOIN tasks t ON t.id = d.depends_on_id
       WHERE d.task_id = ? AND t.status <> 'completed'`,
    ).get(taskId) as { n: number };
    return Promise.resolve(row.n);
  }

  all(): Promise<DependencyEdge[]> {
    return Promise.resolve(
      this.#sql.get(
        `SELECT d.task_id, d.depends_on_id FROM dependencies d
         JOIN tasks t ON t.id = d.task_id JOIN tasks u ON u.id = d.depends_on_id
         ORDER BY t.seq, u.seq`,
      ).all().map((row) => ({ ...row }) as unknown as DependencyEdge),
    );
  }
}
