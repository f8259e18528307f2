/**
 * Which engine holds a project's state: its SQLite file, or a PostgreSQL database named by
 * URL. A pure type, shared by the files layer (which reads the choice) and the store (which
 * opens it).
 *
 * @module
 */

/** The project's database. */
export type DatabaseTarget =
  | { engine: "sqlite"; path: string }
  | { engine: "postgres"; url: string };
