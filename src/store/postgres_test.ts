import assert from "node:assert/strict";
import { newTaskRow } from "../core/task.ts";
import { freshPostgresSchema, TEST_DATABASE_URL } from "./_store_engines.ts";
import { heldOpen, openPostgresStore, redactUrl, scrub, translatePgError } from "./postgres.ts";
import type { TmError } from "../core/errors.ts";
import { searchPhrases } from "./postgres_tasks.ts";
import { ftsQuery } from "./sqlite_tasks.ts";

const ignore = TEST_DATABASE_URL === undefined;

Deno.test("redactUrl() and scrub() hide the password, in the URL and in any text", () => {
  const url = "postgres://tm:p%40ss%3Aw0rd@db.example:5432/tasks?sslmode=require";
  assert.equal(redactUrl(url), "postgres://tm:***@db.example:5432/tasks?sslmode=require");
  const text = `connect ${url} failed; password p@ss:w0rd rejected`;
  assert.ok(!scrub(text, url).includes("w0rd"), scrub(text, url));
  assert.equal(redactUrl("postgres://tm@db/tasks"), "postgres://tm@db/tasks");
});

Deno.test("searchPhrases() reads the words a user typed as ftsQuery() gives them to FTS5", () => {
  const text = "Foo-bar  café\u0007lo !!! src/store";
  // FTS5's words, for comparison: white space and control characters separate them.
  assert.equal(ftsQuery(text), '"Foo-bar"* "café"* "lo"* "!!!"* "src/store"*');
  assert.deepEqual(searchPhrases(text), [
    { query: "'Foo' <-> 'bar':*", token: "bar" },
    { query: "'cafe':*", token: "cafe" },
    { query: "'lo':*", token: "lo" },
    { query: "'src' <-> 'store':*", token: "store" },
  ]);
  assert.deepEqual(searchPhrases("!!! -- ..."), [], "punctuation only: nothing to look for");
  assert.deepEqual(searchPhrases("it's"), [{ query: "'it' <-> 's':*", token: "s" }]);
});

Deno.test("heldOpen() passes an answer through and turns a call that never settles into busy", async () => {
  let abandoned = 0;
  assert.equal(await heldOpen(Promise.resolve(7), 60_000, () => abandoned++), 7);
  // A call the driver never settles (a dropped TLS socket under Deno): bounded, and the socket
  // is closed, and the failure is the retryable "busy" of a lost connection.
  const stuck = heldOpen(new Promise<number>(() => {}), 20, () => abandoned++);
  const error = await stuck.catch((error) => error);
  assert.equal(abandoned, 1);
  let mapped: TmError | undefined;
  try {
    translatePgError(error, "postgres://tm:secret@db/tasks", 1_000);
  } catch (thrown) {
    mapped = thrown as TmError;
  }
  assert.equal(mapped?.code, "busy");
  assert.equal(mapped?.retryable, true);
  assert.ok(!mapped?.message.includes("secret"), mapped?.message);
});

Deno.test({
  name: "two claims run side by side on PostgreSQL, each locking a different ready task",
  ignore,
  async fn() {
    const schema = await freshPostgresSchema();
    const a = await openPostgresStore({ url: schema.url, claims: "skip-locked" });
    const b = await openPostgresStore({ url: schema.url, claims: "skip-locked" });
    try {
      await a.write(async (tx) => {
        for (const id of ["aaaa0001", "aaaa0002"]) {
          await tx.tasks.insert(
            newTaskRow({ id, title: id, created_by: "t", created_at: "2026-01-01T00:00:00.000Z" }),
          );
        }
      });
      const query = { now: "2026-01-02T00:00:00.000Z", limit: 1, lockRows: true };
      let release!: () => void;
      const held = new Promise<void>((resolve) => release = resolve);
      let first!: (id: string) => void;
      const firstId = new Promise<string>((resolve) => first = resolve);
      // A holds its row (the best task) until B has found its own.
      const claimA = a.claimWrite(async (tx) => {
        const [task] = await tx.tasks.ready(query);
        first(task!.id);
        await held;
        return task!.id;
      });
      const idA = await firstId;
      const idB = await b.claimWrite(async (tx) => (await tx.tasks.ready(query))[0]!.id);
      release();
      assert.equal(idA, "aaaa0001");
      assert.equal(idB, "aaaa0002");
      assert.equal(await claimA, "aaaa0001");
    } finally {
      await a.end();
      await b.end();
      await schema.drop();
    }
  },
});

Deno.test({
  name:
    "LISTEN/NOTIFY: committed writes wake followers with their last event id, rolled-back ones never",
  ignore,
  async fn() {
    const schema = await freshPostgresSchema();
    const writer = await openPostgresStore({ url: schema.url });
    const feed = writer.changes(60_000);
    try {
      await feed.ready();
      const event = { task_id: null, type: "created", agent: "a", created_at: "t", data: null };
      await assert.rejects(writer.write(async (tx) => {
        await tx.events.append(event as never);
        throw new Error("rolled back");
      }));
      const ids = [];
      for (let i = 0; i < 3; i++) {
        ids.push(await writer.write((tx) => tx.events.append(event as never)));
      }
      assert.equal(await feed.wait(), "notified");
      // Notifications arrive in commit order; a follower may see them coalesced, never fewer.
      while (feed.lastEventId < ids.at(-1)!) assert.equal(await feed.wait(), "notified");
      assert.equal(feed.lastEventId, ids.at(-1));
      assert.ok(ids[0]! > 1, "the rolled-back event used an id that never committed");
      const seen = await writer.eventsAfter(0, 10);
      assert.deepEqual(seen.map((e) => e.id), ids, "catching up by id has no gaps");
    } finally {
      await feed.end();
      await writer.end();
      await schema.drop();
    }
  },
});

Deno.test({
  name: "LISTEN/NOTIFY: a follower whose connection dies is woken after reconnecting, to catch up",
  ignore,
  async fn() {
    const schema = await freshPostgresSchema();
    const store = await openPostgresStore({ url: schema.url });
    const feed = store.changes(60_000);
    try {
      await feed.ready();
      // The server drops the listening connection (as a restart would).
      await store.write(async () => {
        await store.sql.run(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE query = 'LISTEN tm_events' AND pid <> pg_backend_pid()
             AND datname = current_database()`,
        );
      });
      assert.equal(await feed.wait(), "reconnected");
      await feed.ready();
      const id = await store.write((tx) =>
        tx.events.append({
          task_id: null,
          type: "created",
          agent: "a",
          created_at: "t",
          data: null,
        })
      );
      assert.equal(await feed.wait(), "notified");
      assert.equal(feed.lastEventId, id);
    } finally {
      await feed.end();
      await store.end();
      await schema.drop();
    }
  },
});

Deno.test("a connection lost mid-TLS-handshake is retryable; a refused certificate is not", () => {
  const url = "postgres://tm:pw@db:5432/tasks";
  const classify = (error: Error) => {
    try {
      translatePgError(error, url, 1000);
    } catch (thrown) {
      return [(thrown as TmError).code, (thrown as TmError).retryable];
    }
  };
  assert.deepEqual(
    classify(
      new Error("Client network socket disconnected before secure TLS connection was established"),
    ),
    ["busy", true],
  );
  assert.deepEqual(classify(new Error("self-signed certificate")), ["storage", false]);
  assert.deepEqual(
    classify(Object.assign(new Error("terminating connection due to administrator command"), {
      code: "57P01",
    })),
    ["busy", true],
  );
});
