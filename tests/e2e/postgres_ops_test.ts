/**
 * Operating a PostgreSQL project: `tm doctor` asks the server what SQLite's file checks ask a
 * file, `tm restore` and `tm migrate --rollback` refuse with what to do instead, and
 * `tm serve`'s event stream hears other processes' commits through LISTEN/NOTIFY. Runs when
 * TM_TEST_DATABASE_URL names a server (scripts/test-postgres.sh starts one).
 */
import assert from "node:assert/strict";
import { tm, tmJson } from "../_cli.ts";
import { serve, stop } from "../_serve.ts";
import { openEvents } from "../_server.ts";
import { freshPostgresSchema, TEST_DATABASE_URL } from "../../src/store/_store_engines.ts";
import { connectPostgres } from "../../src/store/postgres.ts";
import { PG_MIGRATIONS } from "../../src/store/postgres_migrations.ts";

const ignore = TEST_DATABASE_URL === undefined;

/** A temporary project directory on a fresh schema, both removed on dispose. */
async function pgProject() {
  const schema = await freshPostgresSchema();
  const cwd = await Deno.makeTempDir({ prefix: "tm-pgops-" });
  const env = { TM_DATABASE_URL: schema.url };
  assert.equal((await tm(["init"], { cwd, env })).code, 0);
  return {
    schema,
    cwd,
    env,
    async [Symbol.asyncDispose]() {
      await Deno.remove(cwd, { recursive: true });
      await schema.drop();
    },
  };
}

/** Run `sql` on the project's schema with foreign keys switched off (as a careless import would). */
async function tamper(url: string, sql: string): Promise<void> {
  const client = await connectPostgres(url, 10_000);
  try {
    await client.query(`SET session_replication_role = replica; ${sql}`);
  } finally {
    await client.end();
  }
}

Deno.test({
  name: "tm doctor on a healthy PostgreSQL project reports the server, the schema and LISTEN",
  ignore,
  async fn() {
    await using project = await pgProject();
    const { cwd, env } = project;
    await tmJson(["add", "one"], { cwd, env });
    const text = await tm(["doctor"], { cwd, env });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Database: postgres:\/\/tm@.* \(PostgreSQL \d+/);
    assert.match(text.stdout, new RegExp(`schema v${PG_MIGRATIONS.length}, latest v`));
    assert.match(text.stdout, /LISTEN\/NOTIFY: ok/);
    assert.match(text.stdout, /Healthy$/m);
    const json = await tmJson(["doctor"], { cwd, env });
    const server = json.server as Record<string, unknown>;
    assert.equal(json.healthy, true);
    assert.equal(server.connection_error, null);
    assert.equal(server.schema_version, PG_MIGRATIONS.length);
    assert.deepEqual(server.migration_problems, []);
    assert.deepEqual(server.referential_problems, []);
    assert.equal((server.listen as { ok: boolean }).ok, true);
  },
});

Deno.test({
  name:
    "tm doctor on PostgreSQL finds orphaned rows and a gap in the migrations; expired leases are only listed",
  ignore,
  async fn() {
    await using project = await pgProject();
    const { cwd, env, schema } = project;
    const task = (await tmJson(["add", "held"], { cwd, env })).task as { id: string };
    await tmJson(["claim", task.id], { cwd, env: { ...env, TM_AGENT_ID: "bob" } });
    await tamper(
      schema.url,
      `UPDATE tasks SET lease_expires_at = '2020-01-01T00:00:00.000Z';
       INSERT INTO task_tags VALUES ('gone0000', 'orphan');`,
    );
    const leasesOnly = await tmJson(["doctor"], { cwd, env }, 4);
    const server = leasesOnly.server as Record<string, unknown>;
    assert.deepEqual(server.expired_leases, [
      { task_id: task.id, claimed_by: "bob", lease_expires_at: "2020-01-01T00:00:00.000Z" },
    ]);
    assert.deepEqual(leasesOnly.problems, ["task_tags.task_id -> tasks: 1 orphaned row(s)"]);
    await tamper(schema.url, "DELETE FROM tm_schema_migrations WHERE version = 3");
    const gap = await tm(["doctor"], { cwd, env });
    assert.equal(gap.code, 4, gap.stderr);
    assert.match(gap.stdout, /problem: tm_schema_migrations lacks version\(s\) 3/);
    assert.match(gap.stdout, /Leases: 1 expired but still held \(claimable again\)/);
  },
});

Deno.test({
  name: "tm doctor cannot reach a PostgreSQL server: one problem, exit 4, no password",
  ignore,
  async fn() {
    await using project = await pgProject();
    const { cwd } = project;
    const env = { TM_DATABASE_URL: "postgres://tm:s3cr3t@127.0.0.1:1/nowhere" };
    const result = await tm(["doctor"], { cwd, env });
    assert.equal(result.code, 4, result.stderr);
    assert.match(result.stdout, /problem: cannot reach PostgreSQL at postgres:\/\/tm:\*\*\*@/);
    assert.ok(!result.stdout.includes("s3cr3t"), result.stdout);
  },
});

Deno.test({
  name: "tm restore and tm migrate --rollback on PostgreSQL refuse in one line saying what to do",
  ignore,
  async fn() {
    await using project = await pgProject();
    const { cwd, env } = project;
    for (const args of [["restore", "backup.db", "--yes"], ["migrate", "--rollback", "--yes"]]) {
      const result = await tm(args, { cwd, env });
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, "");
      const lines = result.stderr.trim().split("\n");
      assert.equal(lines.length, 1, result.stderr);
      assert.match(
        lines[0]!,
        /^tm: tm (restore|migrate --rollback) works on SQLite files only; this project's database is PostgreSQL \(.*tm db copy --from FILE --to URL --force/,
      );
    }
  },
});

Deno.test({
  name:
    "a task added by a separate tm process reaches a PostgreSQL tm serve's event stream within 1 s",
  ignore,
  async fn() {
    await using project = await pgProject();
    const { cwd, env } = project;
    const { url, process } = await serve(cwd, [], env);
    try {
      const stream = await openEvents(url);
      for (const title of ["first", "second"]) {
        const added = (await tmJson(["add", title], { cwd, env })).task as { id: string };
        const exited = performance.now();
        const frame = await stream.next();
        const latency = performance.now() - exited;
        assert.deepEqual([frame.data.type, frame.data.task_id], ["created", added.id]);
        // The safety poll reads the table every 5 s: within 1 s, the notification woke the hub.
        assert.ok(latency < 1000, `arrived ${Math.round(latency)} ms after the CLI exited`);
      }
      await stream.close();
    } finally {
      await stop(process);
    }
  },
});
