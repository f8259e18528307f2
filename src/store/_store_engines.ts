/**
 * Test helper: one store test, run against every engine. SQLite runs in memory, always;
 * PostgreSQL runs when `TM_TEST_DATABASE_URL` names a server (scripts/test-postgres.sh starts
 * one), each test in a schema of its own, so tests run in parallel on one database.
 *
 * @module
 */

import { openSqliteStore } from "./sqlite.ts";
import type { Store } from "./store.ts";
import { connectPostgres, openPostgresStore, type PostgresStore } from "./postgres.ts";

/** The PostgreSQL server the tests may use, if any. */
export const TEST_DATABASE_URL: string | undefined = Deno.env.get("TM_TEST_DATABASE_URL")?.trim() ||
  undefined;

/** A URL for a fresh, empty schema on the test server, and a way to drop it. */
export async function freshPostgresSchema(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = TEST_DATABASE_URL;
  if (base === undefined) throw new Error("TM_TEST_DATABASE_URL is not set");
  const schema = `tm_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = await connectPostgres(base, 30_000);
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    url: url.href,
    async drop() {
      const client = await connectPostgres(base, 30_000);
      try {
        await client.query(`DROP SCHEMA ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * Register `name` once per engine: as is for SQLite, with " (PostgreSQL)" appended for
 * PostgreSQL (ignored, and so listed as such, without a server). `fn` opens stores with
 * `open()`; all of one run share one database.
 */
export function storeTest(name: string, fn: (open: () => Promise<Store>) => Promise<void>): void {
  Deno.test(name, () => fn(() => openSqliteStore({ path: ":memory:" })));
  Deno.test({
    name: `${name} (PostgreSQL)`,
    ignore: TEST_DATABASE_URL === undefined,
    async fn() {
      const schema = await freshPostgresSchema();
      const opened: PostgresStore[] = [];
      try {
        await fn(async () => {
          const store = await openPostgresStore({ url: schema.url });
          opened.push(store);
          return store;
        });
      } finally {
        for (const store of opened) await store.end();
        await schema.drop();
      }
    },
  });
}
