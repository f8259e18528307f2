import assert from "node:assert/strict";
import { newTaskRow } from "../core/task.ts";
import { freshPostgresSchema, TEST_DATABASE_URL } from "./_store_engines.ts";
import { openPostgresStore, redactUrl, scrub } from "./postgres.ts";

const ignore = TEST_DATABASE_URL === undefined;

Deno.test("redactUrl() and scrub() hide the password, in the URL and in any text", () => {
  const url = "postgres://tm:p%40ss%3Aw0rd@db.example:5432/tasks?sslmode=require";
  assert.equal(redactUrl(url), "postgres://tm:***@db.example:5432/tasks?sslmode=require");
  const text = `connect ${url} failed; password p@ss:w0rd rejected`;
  assert.ok(!scrub(text, url).includes("w0rd"), scrub(text, url));
  assert.equal(redactUrl("postgres://tm@db/tasks"), "postgres://tm@db/tasks");
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
