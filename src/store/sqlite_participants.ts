/**
 * SQLite statements for task participants.
 *
 * @module
 */

import type { Statements } from "./sqlite_statements.ts";
import type { Participant } from "../core/collaboration.ts";
import type { ParticipantRepo } from "./store.ts";

/** Participants in SQLite. */
export class SqliteParticipantRepo implements ParticipantRepo {
  readonly #sql: Statements;

  /** Use the connection's statement cache. */
  constructor(statements: Statements) {
    this.#sql = statements;
  }

  add(taskId: string, agent: string, role: string, now: string): Promise<void> {
    this.#sql.get(
      "INSERT OR IGNORE INTO participants (task_id, agent, role, joined_at) VALUES (?, ?, ?, ?)",
    ).run(taskId, agent, role, now);
    return Promise.resolve();
  }

  list(taskId: string): Promise<Participant[]> {
    return Promise.resolve(
      this.#sql.get(
        "SELECT agent, role, joined_at FROM participants WHERE task_id = ? ORDER BY joined_at, agent",
      ).all(taskId).map((row) => ({ ...row }) as unknown as Participant),
    );
  }
}
