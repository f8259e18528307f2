/**
 * `tm doctor` on a PostgreSQL project: what SQLite's integrity and foreign-key checks say about
 * a file, asked of the server instead. The connection (URL without its password), the server's
 * version, the schema version and the rows of `tm_schema_migrations`, every relation tm's
 * schema declares (constraint present, no orphaned rows), leases that ran out while still
 * held, and whether LISTEN/NOTIFY reaches another connection (a pooler in transaction mode
 * drops it, and live followers then only poll). Reads only; never migrates.
 *
 * @module
 */

// @ts-types="npm:@types/pg@8.23.1"
import type pg from "npm:pg@8.23.1";
import { TmError } from "../core/errors.ts";
import { connectPostgres, redactUrl, scrub } from "./postgres.ts";
import { PG_MIGRATIONS } from "./postgres_migrations.ts";
import type { ServerHealth } from "./store.ts";

/** A relation the schema declares: `table.column` references `parent.key`. */
export interface Relation {
  table: string;
  column: string;
  parent: string;
  key: string;
}

/** Every `REFERENCES` clause in the migrations, read from their SQL so the list never drifts. */
export function declaredRelations(): Relation[] {
  const relations: Relation[] = [];
  for (const { sql } of PG_MIGRATIONS) {
    for (const table of sql.matchAll(/CREATE TABLE (\w+) \(([\s\S]*?)\n\s*\);/g)) {
      for (const line of table[2]!.matchAll(/^\s*(\w+) [^\n]*?REFERENCES (\w+) \((\w+)\)/gm)) {
        relations.push({ table: table[1]!, column: line[1]!, parent: line[2]!, key: line[3]! });
      }
    }
  }
  return relations;
}

async function migrationProblems(client: pg.Client): Promise<string[]> {
  const rows = (await client.query(
    "SELECT version, description FROM tm_schema_migrations ORDER BY version",
  )).rows as Array<{ version: number; description: string }>;
  const problems: string[] = [];
  const versions = new Set(rows.map((row) => row.version));
  const highest = Math.max(0, ...versions);
  const missing = [];
  for (let version = 1; version <= highest; version++) {
    if (!versions.has(version)) missing.push(version);
  }
  if (missing.length > 0) {
    problems.push(`tm_schema_migrations lacks version(s) ${missing.join(", ")}`);
  }
  for (const row of rows) {
    const expected = PG_MIGRATIONS[row.version - 1]?.description;
    if (expected !== undefined && expected !== row.description) {
      problems.push(
        `tm_schema_migrations version ${row.version} is "${row.description}", expected "${expected}"`,
      );
    }
  }
  return problems;
}

async function referentialProblems(client: pg.Client): Promise<string[]> {
  const relations = declaredRelations();
  const constraints = (await client.query(
    `SELECT c.conrelid::regclass::text AS child, a.attname AS col, c.convalidated AS valid
       FROM pg_constraint c
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`,
  )).rows as Array<{ child: string; col: string; valid: boolean }>;
  const problems: string[] = [];
  const present: Relation[] = [];
  for (const relation of relations) {
    const found = constraints.find((c) =>
      c.child.replace(/^.*\./, "").replaceAll('"', "") === relation.table &&
      c.col === relation.column
    );
    const name = `${relation.table}.${relation.column} -> ${relation.parent}`;
    if (found === undefined) problems.push(`${name}: foreign key missing`);
    else present.push(relation);
    if (found?.valid === false) problems.push(`${name}: foreign key not validated`);
  }
  // Rows whose parent is gone: impossible while the constraints hold, so this finds what
  // disabled triggers, session_replication_role = replica or a hand-made import let through.
  // (Only where the constraint exists: without it, the table itself may be missing.)
  const counts = present.map((r, i) =>
    `SELECT ${i} AS i, count(*)::int AS n FROM ${r.table} c WHERE NOT EXISTS ` +
    `(SELECT 1 FROM ${r.parent} p WHERE p.${r.key} = c.${r.column})`
  );
  if (counts.length > 0) {
    const rows = (await client.query(counts.join(" UNION ALL "))).rows as Array<
      { i: number; n: number }
    >;
    for (const { i, n } of rows) {
      const r = present[i]!;
      if (n > 0) problems.push(`${r.table}.${r.column} -> ${r.parent}: ${n} orphaned row(s)`);
    }
  }
  return problems;
}

/** Send a notification from `sender` and wait (at most `timeoutMs`) for `listener` to get it. */
async function listenWorks(
  listener: pg.Client,
  sender: pg.Client,
  timeoutMs: number,
): Promise<ServerHealth["listen"]> {
  const channel = `tm_doctor_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const heard = new Promise<boolean>((resolve) => {
    listener.on("notification", (message) => {
      if (message.channel === channel) resolve(true);
    });
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    await listener.query(`LISTEN ${channel}`);
    await sender.query(`NOTIFY ${channel}, 'doctor'`);
    const ok = await heard;
    return ok ? { ok, ms: Math.round(performance.now() - started), detail: null } : {
      ok,
      ms: null,
      detail: `no notification within ${timeoutMs} ms (a pooler in transaction mode?)`,
    };
  } finally {
    clearTimeout(timer);
    await listener.query(`UNLISTEN ${channel}`).catch(() => {});
  }
}

function messageOf(error: unknown, url: string): string {
  return scrub(error instanceof TmError ? error.message : String((error as Error)?.message), url);
}

/** Examine the PostgreSQL database at `url` for `tm doctor`. Never changes tm's data. */
export async function diagnosePostgres(url: string, timeoutMs: number): Promise<ServerHealth> {
  const health: ServerHealth = {
    url: redactUrl(url),
    connection_error: null,
    server_version: null,
    schema_version: null,
    latest_version: PG_MIGRATIONS.length,
    migration_problems: [],
    referential_problems: [],
    expired_leases: [],
    listen: { ok: false, ms: null, detail: "not checked" },
    context_heads: [],
  };
  let client: pg.Client;
  try {
    client = await connectPostgres(url, timeoutMs);
  } catch (error) {
    return { ...health, connection_error: messageOf(error, url) };
  }
  let listener: pg.Client | undefined;
  try {
    const info = (await client.query(
      `SELECT current_setting('server_version') AS v,
              to_regclass('tm_schema_migrations') IS NOT NULL AS migrations`,
    )).rows[0] as { v: string; migrations: boolean };
    health.server_version = info.v;
    if (!info.migrations) {
      health.schema_version = 0;
      health.migration_problems.push("no tm_schema_migrations table: not initialised (tm init)");
      return health;
    }
    health.schema_version = ((await client.query(
      "SELECT coalesce(max(version), 0)::int AS v FROM tm_schema_migrations",
    )).rows[0] as { v: number }).v;
    health.migration_problems = await migrationProblems(client);
    if (health.schema_version !== health.latest_version) return health;
    health.referential_problems = await referentialProblems(client);
    health.expired_leases = (await client.query(
      `SELECT id AS task_id, claimed_by, lease_expires_at FROM tasks
        WHERE status = 'in_progress' AND claimed_by IS NOT NULL AND lease_expires_at < $1
        ORDER BY lease_expires_at, id`,
      [new Date().toISOString()],
    )).rows as ServerHealth["expired_leases"];
    health.context_heads = (await client.query(
      `SELECT task_id, max(seq)::int AS seq FROM context_entries GROUP BY task_id
        ORDER BY task_id`,
    )).rows as ServerHealth["context_heads"];
    try {
      listener = await connectPostgres(url, timeoutMs);
      health.listen = await listenWorks(listener, client, Math.min(timeoutMs, 5_000));
    } catch (error) {
      health.listen = { ok: false, ms: null, detail: messageOf(error, url) };
    }
    return health;
  } catch (error) {
    return { ...health, connection_error: messageOf(error, url) };
  } finally {
    await listener?.end().catch(() => {});
    await client.end().catch(() => {});
  }
}
