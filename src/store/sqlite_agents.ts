/**
 * SQLite statements for orchestration: agents and their capabilities, the capabilities a
 * task requires, and the bookkeeping of workers and `tm prime`.
 *
 * @module
 */

import type { Task } from "../core/task.ts";
import type { Statements } from "./sqlite_statements.ts";
import { CAPABILITY_FILTER, TASK_COLUMNS } from "./sqlite_tasks.ts";
import type { Agent } from "../core/agent.ts";
import type { Notification } from "../core/event.ts";
import type { AgentRepo } from "./store.ts";

/** Agents and routing data in SQLite. */
export class SqliteAgentRepo implements AgentRepo {
  readonly #sql: Statements;

  /** Use the connection's statement cache. */
  constructor(statements: Statements) {
    this.#sql = statements;
  }

  upsert(agent: Agent): Promise<void> {
    this.#sql.get(
      `INSERT INTO agents (name, registered_by, registered_at, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET updated_at = excluded.updated_at`,
    ).run(agent.name, agent.registered_by, agent.registered_at, agent.updated_at);
    this.#sql.get("DELETE FROM agent_capabilities WHERE agent = ?").run(agent.name);
    const insert = this.#sql.get(
      "INSERT OR IGNORE INTO agent_capabilities (agent, capability) VALUES (?, ?)",
    );
    for (const capability of agent.capabilities) insert.run(agent.name, capability);
    return Promise.resolve();
  }

  get(name: string): Promise<Agent | null> {
    const row = this.#sql.get(
      "SELECT name, registered_by, registered_at, updated_at FROM agents WHERE name = ?",
    ).get(name) as Omit<Agent, "capabilities"> | undefined;
    if (row === undefined) return Promise.resolve(null);
    return Promise.resolve({ ...row, capabilities: this.#capabilitiesOf(row.name) });
  }

  list(): Promise<Agent[]> {
    const rows = this.#sql.get(
      "SELECT name, registered_by, registered_at, updated_at FROM agents ORDER BY name",
    ).all() as Array<Omit<Agent, "capabilities">>;
    return Promise.resolve(
      rows.map((row) => ({ ...row, capabilities: this.#capabilitiesOf(row.name) })),
    );
  }

  remove(name: string): Promise<boolean> {
    const result = this.#sql.get("DELETE FROM agents WHERE name = ?").run(name);
    return Promise.resolve(result.changes === 1);
  }

  addTaskCapability(taskId: string, capability: string): Promise<void> {
    this.#sql.get(
      "INSERT OR IGNORE INTO task_capabilities (task_id, capability) VALUES (?, ?)",
    ).run(taskId, capability);
    return Promise.resolve();
  }

  taskCapabilities(taskId: string): Promise<string[]> {
    const rows = this.#sql.get(
      "SELECT capability FROM task_capabilities WHERE task_id = ? ORDER BY capability",
    ).all(taskId) as Array<{ capability: string }>;
    return Promise.resolve(rows.map((row) => row.capability));
  }

  heldBy(agent: string, limit: number): Promise<Task[]> {
    return Promise.resolve(
      this.#sql.get(
        `SELECT ${TASK_COLUMNS} FROM tasks WHERE claimed_by = ? AND status = 'in_progress'
         ORDER BY claimed_at, seq LIMIT ?`,
      ).all(agent, limit).map((row) => ({ ...row }) as unknown as Task),
    );
  }

  hasOutstandingWork(capabilities: readonly string[]): Promise<boolean> {
    // Work this worker could still run: a task matching its capabilities that waits, through
    // any chain of dependencies, on a task in progress. A held task whose dependents need
    // capabilities the worker lacks is nothing to wait for.
    const row = this.#sql.get(
      `WITH RECURSIVE waiting(id) AS (
         SELECT id FROM tasks WHERE status = 'in_progress'
         UNION
         SELECT d.task_id FROM dependencies d JOIN waiting w ON d.depends_on_id = w.id
       )
       SELECT 1 AS found FROM tasks JOIN waiting ON waiting.id = tasks.id
       WHERE tasks.status IN ('pending', 'blocked')
         AND (tasks.blocked_reason IS NOT 'manual' OR tasks.status <> 'blocked')
         AND ${CAPABILITY_FILTER} LIMIT 1`,
    ).get(JSON.stringify(capabilities));
    return Promise.resolve(row !== undefined);
  }

  latestUnread(recipient: string, limit: number): Promise<Notification[]> {
    return Promise.resolve(
      this.#sql.get(
        `SELECT id, recipient, event_id, task_id, type, priority, message, created_at, read_at
         FROM notifications WHERE recipient = ? AND read_at IS NULL ORDER BY id DESC LIMIT ?`,
      ).all(recipient, limit).map((row) => ({ ...row }) as unknown as Notification),
    );
  }

  unreadCount(recipient: string): Promise<number> {
    const row = this.#sql.get(
      "SELECT count(*) AS n FROM notifications WHERE recipient = ? AND read_at IS NULL",
    ).get(recipient) as { n: number };
    return Promise.resolve(row.n);
  }

  #capabilitiesOf(name: string): string[] {
    const rows = this.#sql.get(
      "SELECT capability FROM agent_capabilities WHERE agent = ? ORDER BY capability",
    ).all(name) as Array<{ capability: string }>;
    return rows.map((row) => row.capability);
  }
}
