/**
 * The tables tm keeps, as `tm db copy` and the PostgreSQL JSONL export walk them: the same
 * names and columns in both engines (the PostgreSQL schema is a translation of the SQLite one).
 *
 * @module
 */

/** Every table, parents before children (foreign keys), with the columns that order its rows. */
export const TABLE_KEYS: ReadonlyArray<readonly [table: string, key: string]> = [
  ["tasks", "seq"],
  ["dependencies", "task_id, depends_on_id"],
  ["task_files", "task_id, position"],
  ["task_tags", "task_id, tag"],
  ["criteria", "task_id, position"],
  ["participants", "task_id, agent"],
  ["events", "id"],
  ["notifications", "id"],
  ["context_entries", "task_id, seq"],
  ["agents", "name"],
  ["agent_capabilities", "agent, capability"],
  ["task_capabilities", "task_id, capability"],
  ["task_values", "task_id, name"],
  ["progress", "id"],
  ["completions", "task_id"],
  ["feedback", "task_id, agent"],
  ["api_tokens", "id"],
  ["task_meta", "task_id, key"],
  ["deleted_tasks", "id"],
];

/** The table names, parents first. */
export const TABLES_IN_ORDER: readonly string[] = TABLE_KEYS.map(([table]) => table);

/** The ordering columns of `table`. */
export function tableKey(table: string): string {
  const key = TABLE_KEYS.find(([name]) => name === table)?.[1];
  if (key === undefined) throw new Error(`unknown table ${table}`);
  return key;
}
