/**
 * PostgreSQL as the project's database, end to end: choosing it, secrets, failures as
 * retryable exits, migrations. Runs when TM_TEST_DATABASE_URL names a server
 * (scripts/test-postgres.sh starts one); each test uses a schema of its own.
 */
import assert from "node:assert/strict";
import { spawnTm, tm, tmJson } from "../_cli.ts";
import { freshPostgresSchema, TEST_DATABASE_URL } from "../../src/store/_store_engines.ts";
import { connectPostgres } from "../../src/store/postgres.ts";
import { PG_MIGRATIONS } from "../../src/store/postgres_migrations.ts";
import { MIGRATIONS } from "../../src/store/migrations.ts";

const ignore = TEST_DATABASE_URL === undefined;

/** A temporary project directory and a fresh schema for it, both removed on dispose. */
async function pgProject() {
  const schema = await freshPostgresSchema();
  const cwd = await Deno.makeTempDir({ prefix: "tm-pg-" });
  return {
    schema,
    cwd,
    env: { TM_DATABASE_URL: schema.url },
    async [Symbol.asyncDispose]() {
      await Deno.remove(cwd, { recursive: true });
      await schema.drop();
    },
  };
}
const SECRET = "s3cr3t-Pa55word";

/** `url` with a password in it. */
function withPassword(url: string): string {
  const parsed = new URL(url);
  parsed.password = SECRET;
  return parsed.href;
}

Deno.test("PostgreSQL migrations mirror SQLite's, step for step", () => {
  assert.equal(PG_MIGRATIONS.length, MIGRATIONS.length);
  assert.deepEqual(
    PG_MIGRATIONS.map((m) => m.description),
    MIGRATIONS.map((m) => m.description),
  );
});

Deno.test({
  name: "tm init --database records the URL without its password, and later commands use it",
  ignore,
  async fn() {
    await using project = await pgProject();
    const { schema, cwd } = project;
    const init = await tm(["init", "--database", withPassword(schema.url)], { cwd });
    assert.equal(init.code, 0, init.stderr);
    assert.ok(!init.stdout.includes(SECRET), init.stdout);
    assert.match(init.stdout, /Tasks are kept in PostgreSQL: postgres:\/\/tm@/);
    const config = await Deno.readTextFile(`${cwd}/.task-orchestrator/config/database.json`);
    assert.ok(!config.includes(SECRET), config);
    assert.equal(JSON.parse(config).url, new URL(schema.url).href);
    // No TM_DATABASE_URL: the recorded URL is used (this server trusts the user).
    const added = await tm(["add", "kept in postgres", "--json"], { cwd });
    assert.equal(added.code, 0, added.stderr);
    await Deno.stat(`${cwd}/.task-orchestrator/tasks.db`).then(
      () => assert.fail("no SQLite file is created for a PostgreSQL project"),
      (error) => assert.ok(error instanceof Deno.errors.NotFound),
    );
    const client = await connectPostgres(schema.url, 10_000);
    const rows = await client.query("SELECT title FROM tasks");
    await client.end();
    assert.deepEqual(rows.rows, [{ title: "kept in postgres" }]);
  },
});

Deno.test({
  name: "the password never appears in output, errors or telemetry, even when the server is down",
  ignore,
  async fn() {
    const cwd = await Deno.makeTempDir({ prefix: "tm-pg-" });
    try {
      assert.equal((await tm(["init"], { cwd })).code, 0);
      assert.equal((await tm(["config", "--enable", "telemetry"], { cwd })).code, 0);
      // A port where nothing listens: the connection is refused.
      const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const port = (probe.addr as Deno.NetAddr).port;
      probe.close();
      const down = `postgres://tm:${SECRET}@127.0.0.1:${port}/tm`;
      const refused = await tm(["list", "--json"], { cwd, env: { TM_DATABASE_URL: down } });
      assert.equal(refused.code, 4, refused.stderr);
      const error = JSON.parse(refused.stderr.trimEnd().split("\n").at(-1)!).error;
      assert.equal(error.code, "busy");
      assert.equal(error.retryable, true);
      assert.match(error.message, /postgres:\/\/tm:\*\*\*@127\.0\.0\.1/);
      // A database that does not exist: not retryable, and still no password.
      const base = new URL(withPassword(TEST_DATABASE_URL!));
      base.pathname = "/no_such_database";
      const missing = await tm(["list", "--json"], { cwd, env: { TM_DATABASE_URL: base.href } });
      assert.equal(missing.code, 4, missing.stderr);
      assert.equal(JSON.parse(missing.stderr.trimEnd().split("\n").at(-1)!).error.code, "storage");
      const telemetry = await Deno.readTextFile(`${cwd}/.task-orchestrator/telemetry/events.jsonl`);
      for (
        const text of [refused.stdout, refused.stderr, missing.stdout, missing.stderr, telemetry]
      ) {
        assert.ok(!text.includes(SECRET), text);
      }
      assert.match(telemetry, /"exit_code":4/);
    } finally {
      await Deno.remove(cwd, { recursive: true });
    }
  },
});

Deno.test({
  name: "a write that waits longer than TM_LOCK_TIMEOUT for the project's lock exits 4, retryable",
  ignore,
  async fn() {
    await using project = await pgProject();
    const { schema, cwd, env } = project;
    const holder = await connectPostgres(schema.url, 10_000);
    try {
      assert.equal((await tm(["init"], { cwd, env })).code, 0);
      // Another writer holds the project's write lock (as a long transaction would).
      await holder.query("SELECT pg_advisory_lock(29805, hashtext(current_schema()))");
      const blocked = await tm(["add", "waits", "--json"], {
        cwd,
        env: { ...env, TM_LOCK_TIMEOUT: "0.3" },
      });
      assert.equal(blocked.code, 4, blocked.stderr);
      const error = JSON.parse(blocked.stderr.trimEnd().split("\n").at(-1)!).error;
      assert.deepEqual([error.code, error.retryable], ["busy", true]);
      // Reads are snapshots: they never wait for the writer.
      assert.equal((await tm(["list"], { cwd, env: { ...env, TM_LOCK_TIMEOUT: "0.3" } })).code, 0);
      await holder.query("SELECT pg_advisory_unlock_all()");
      assert.equal((await tm(["add", "now it goes"], { cwd, env })).code, 0);
    } finally {
      await holder.end();
    }
  },
});

Deno.test({
  name: "an empty PostgreSQL database is not initialised (exit 4) until tm init",
  ignore,
  async fn() {
    await using project = await pgProject();
    const { cwd, env } = project;
    const before = await tm(["list"], { cwd, env });
    assert.equal(before.code, 4);
    assert.match(before.stderr, /not initialised: no tm schema in PostgreSQL/);
    assert.equal((await tm(["init"], { cwd, env })).code, 0);
    assert.equal((await tm(["list"], { cwd, env })).code, 0);
  },
});

Deno.test({
  name: "an older PostgreSQL schema is exported to JSONL, then migrated, on first use",
  ignore,
  async fn() {
    await using project = await pgProject();
    const { schema, cwd, env } = project;
    const client = await connectPostgres(schema.url, 10_000);
    try {
      // A database left at the previous version by an older tm.
      const previous = PG_MIGRATIONS.length - 1;
      await client.query(
        "CREATE TABLE tm_schema_migrations (version integer PRIMARY KEY, " +
          "description text NOT NULL, applied_at text NOT NULL)",
      );
      for (let v = 0; v < previous; v++) {
        await client.query(PG_MIGRATIONS[v]!.sql);
        await client.query("INSERT INTO tm_schema_migrations VALUES ($1, $2, 'then')", [
          v + 1,
          PG_MIGRATIONS[v]!.description,
        ]);
      }
      await client.query(
        `INSERT INTO tasks (id, title, status, priority, created_by, created_at, updated_at)
         VALUES ('abcd0001', 'from before', 'pending', 'low', 'old', 't', 't')`,
      );
      await Deno.mkdir(`${cwd}/.task-orchestrator`, { recursive: true });
      const listed = await tm(["list"], { cwd, env });
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /from before/);
      const version = await client.query("SELECT max(version) AS v FROM tm_schema_migrations");
      assert.equal(version.rows[0].v, PG_MIGRATIONS.length);
      const exports = [...Deno.readDirSync(`${cwd}/.task-orchestrator/backups`)].map((e) => e.name);
      assert.equal(exports.length, 1, exports.join());
      assert.match(exports[0]!, new RegExp(`^postgres-v${previous}-\\d{8}T\\d{9}Z\\.jsonl$`));
      const lines = (await Deno.readTextFile(`${cwd}/.task-orchestrator/backups/${exports[0]}`))
        .trimEnd().split("\n").map((line) => JSON.parse(line));
      assert.ok(lines.some((l) => l.table === "tasks" && l.row.title === "from before"));
    } finally {
      await client.end();
    }
  },
});

Deno.test({
  name: "watch --follow on PostgreSQL receives an unblock caused by another process's complete",
  ignore,
  async fn() {
    await using project = await pgProject();
    const { cwd, env } = project;
    assert.equal((await tm(["init"], { cwd, env })).code, 0);
    const api = (await tmJson(["add", "API"], { cwd, env })).task as { id: string };
    const ui = (await tmJson(["add", "UI", "--depends-on", api.id], { cwd, env })).task as {
      id: string;
    };
    await tmJson(["join", ui.id], { cwd, env: { ...env, TM_AGENT_ID: "bob" } });
    await tmJson(["discover", api.id, "schema changed"], { cwd, env });
    const watcher = spawnTm(["watch", "--follow", "--json", "--timeout", "60"], {
      cwd,
      env: { ...env, TM_AGENT_ID: "bob" },
    });
    const lines = [await watcher.nextLine()];
    await tmJson(["complete", api.id], { cwd, env });
    lines.push(await watcher.nextLine());
    watcher.kill("SIGTERM");
    const { code, stderr } = await watcher.finish();
    assert.equal(code, 0, stderr);
    const notes = lines.map((line) => JSON.parse(line!));
    assert.deepEqual(notes.map((n) => [n.type, n.task_id]), [
      ["discovered", api.id],
      ["unblocked", ui.id],
    ]);
  },
});

const SSL_CERT = Deno.env.get("TM_TEST_PG_SSL_CERT")?.trim() || undefined;

Deno.test({
  name: "sslmode means what it means to psql: disable, prefer, require, verify-ca, verify-full",
  ignore: ignore || SSL_CERT === undefined,
  async fn() {
    await using project = await pgProject();
    const { schema, cwd } = project;
    const mode = (query: string) => {
      const url = new URL(schema.url);
      for (const [key, value] of new URLSearchParams(query)) url.searchParams.set(key, value);
      return url.href;
    };
    const encrypted = async (url: string) => {
      const client = await connectPostgres(url, 10_000);
      try {
        const row = await client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
        return row.rows[0].ssl as boolean;
      } finally {
        await client.end();
      }
    };
    assert.equal(await encrypted(mode("sslmode=disable")), false);
    assert.equal(await encrypted(schema.url), true, "no sslmode: prefer, as psql");
    assert.equal(await encrypted(mode("sslmode=require")), true, "require: no verification");
    assert.equal(await encrypted(mode(`sslmode=verify-ca&sslrootcert=${SSL_CERT}`)), true);
    assert.equal(
      (await tm(["init"], { cwd, env: { TM_DATABASE_URL: mode("sslmode=require") } })).code,
      0,
    );
    // A self-signed certificate is not trusted by verify-full: refused, not retryable.
    const refused = await tm(["list", "--json"], {
      cwd,
      env: { TM_DATABASE_URL: mode("sslmode=verify-full") },
    });
    assert.equal(refused.code, 4, refused.stderr);
    const error = JSON.parse(refused.stderr.trimEnd().split("\n").at(-1)!).error;
    assert.deepEqual([error.code, error.retryable], ["storage", false]);
    assert.match(error.message, /^TLS with PostgreSQL/);
  },
});
