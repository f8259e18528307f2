import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { newTaskRow, type Task } from "../core/task.ts";
import { TmError } from "../core/errors.ts";
import { openSqliteStore } from "./sqlite.ts";
import { SCHEMA_VERSION } from "./migrations.ts";
import type { Store } from "./store.ts";

const T0 = "2026-01-01T00:00:00.000Z";

function task(id: string, fields: Partial<Task> = {}): Task {
  return newTaskRow({ id, title: `task ${id}`, created_by: "tester", created_at: T0, ...fields });
}

async function memoryStore(...tasks: Task[]): Promise<Store> {
  const store = await openSqliteStore({ path: ":memory:" });
  await store.write(async (tx) => {
    for (const t of tasks) await tx.tasks.insert(t);
  });
  return store;
}

Deno.test("openSqliteStore() sets WAL, synchronous=FULL, foreign keys and the schema version", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/tasks.db`;
  const store = await openSqliteStore({ path });
  store.close();
  const db = new DatabaseSync(path);
  assert.equal(
    (db.prepare("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode,
    "wal",
  );
  assert.equal(
    (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version,
    SCHEMA_VERSION,
  );
  db.close();
  // synchronous and foreign_keys are per connection: check them through a store connection.
  const again = new DatabaseSync(path);
  again.exec("PRAGMA foreign_keys = ON");
  assert.equal(
    (again.prepare("PRAGMA foreign_keys").get() as { foreign_keys: number }).foreign_keys,
    1,
  );
  again.close();
});

Deno.test("openSqliteStore() refuses a database from a newer tm", async () => {
  const dir = await Deno.makeTempDir();
  const db = new DatabaseSync(`${dir}/tasks.db`);
  db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  await assert.rejects(
    () => openSqliteStore({ path: `${dir}/tasks.db` }),
    (error) => error instanceof TmError && /newer than this tm supports/.test(error.message),
  );
});

Deno.test("write() rolls back everything when the callback throws", async () => {
  const store = await memoryStore();
  await assert.rejects(() =>
    store.write(async (tx) => {
      await tx.tasks.insert(task("aaaa0001"));
      throw new Error("boom");
    })
  );
  assert.equal(await store.read((tx) => tx.tasks.count()), 0);
  store.close();
});

Deno.test("concurrent write() calls on one store run one after another", async () => {
  const store = await memoryStore();
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      store.write(async (tx) => {
        await new Promise((r) => setTimeout(r, 1));
        await tx.tasks.insert(task(`bbbb${String(i).padStart(4, "0")}`));
      })),
  );
  assert.equal(await store.read((tx) => tx.tasks.count()), 20);
  store.close();
});

Deno.test("claim() is a compare-and-swap: it applies only to the lease state the claimer saw", async () => {
  const store = await memoryStore(task("cccc0001"));
  const now = "2026-01-01T10:00:00.000Z";
  const lease = "2026-01-01T10:30:00.000Z";
  const free = { status: "pending", claimed_by: null, lease_expires_at: null } as const;
  await store.write(async (tx) => {
    assert.equal(await tx.tasks.claim("cccc0001", "a", now, lease, free), true);
    // b checked the rule against the free task too, and lost the race.
    assert.equal(await tx.tasks.claim("cccc0001", "b", now, lease, free), false);
    const held = { status: "in_progress", claimed_by: "a", lease_expires_at: lease } as const;
    assert.equal(await tx.tasks.claim("cccc0001", "a", now, lease, held), true);
    const later = "2026-01-01T10:31:00.000Z";
    assert.equal(
      await tx.tasks.claim("cccc0001", "b", later, "2026-01-01T11:00:00.000Z", held),
      true,
    );
    assert.equal((await tx.tasks.get("cccc0001"))!.claimed_by, "b");
  });
  store.close();
});

Deno.test("ready() orders by priority, deadline, dependents, age and includes expired leases", async () => {
  const store = await memoryStore(
    task("dddd0001"),
    task("dddd0002", { priority: "high" }),
    task("dddd0003", { deadline: "2026-02-01T00:00:00.000Z" }),
    task("dddd0004"),
    task("dddd0005", { status: "blocked" }),
    task("dddd0006", {
      status: "in_progress",
      claimed_by: "x",
      lease_expires_at: "2026-01-01T00:00:01.000Z",
    }),
    task("dddd0007", {
      status: "in_progress",
      claimed_by: "y",
      lease_expires_at: "2999-01-01T00:00:00.000Z",
    }),
    task("dddd0008", { assignee: "someone" }),
  );
  const ids = await store.write(async (tx) => {
    await tx.dependencies.add("dddd0005", "dddd0004", T0); // 0004 unblocks one task
    return (await tx.tasks.ready({ now: "2026-01-02T00:00:00.000Z", offeredTo: "me", limit: 10 }))
      .map((t) => t.id);
  });
  assert.deepEqual(ids, ["dddd0002", "dddd0003", "dddd0004", "dddd0001", "dddd0006"]);
  store.close();
});

Deno.test("dependents_count follows dependency adds, removes and deletes", async () => {
  const store = await memoryStore(task("eeee0001"), task("eeee0002"), task("eeee0003"));
  await store.write(async (tx) => {
    await tx.dependencies.add("eeee0002", "eeee0001", T0);
    await tx.dependencies.add("eeee0003", "eeee0001", T0);
    assert.equal(await tx.dependencies.add("eeee0003", "eeee0001", T0), false);
    assert.equal((await tx.dependencies.dependentsOf("eeee0001")).length, 2);
    await tx.dependencies.remove("eeee0002", "eeee0001");
    await tx.tasks.delete("eeee0003");
    // With no dependents left, the task ranks like any other of its priority.
    await tx.tasks.insert(task("eeee0004"));
    const order = (await tx.tasks.ready({ now: T0, limit: 5 })).map((t) => t.id);
    assert.deepEqual(order, ["eeee0001", "eeee0002", "eeee0004"]);
  });
  store.close();
});

Deno.test("idsWithPrefix() tells unique from ambiguous prefixes", async () => {
  const store = await memoryStore(task("abcd1234"), task("abcd5678"), task("abce0000"));
  await store.read(async (tx) => {
    assert.deepEqual(await tx.tasks.idsWithPrefix("abcd", 5), ["abcd1234", "abcd5678"]);
    assert.deepEqual(await tx.tasks.idsWithPrefix("abce", 5), ["abce0000"]);
    assert.deepEqual(await tx.tasks.idsWithPrefix("ffff", 5), []);
  });
  store.close();
});

Deno.test("ready() ranks overdue tasks by priority even when more are overdue than the limit", async () => {
  const now = "2026-06-01T00:00:00.000Z";
  const store = await memoryStore(
    task("ffff0001", { deadline: "2026-01-01T00:00:00.000Z", priority: "low" }),
    task("ffff0002", { deadline: "2026-01-02T00:00:00.000Z", priority: "low" }),
    task("ffff0003", { deadline: "2026-05-01T00:00:00.000Z", priority: "high" }),
    task("ffff0004", { priority: "critical" }),
    task("ffff0005", { priority: "critical" }),
  );
  const ids = await store.read(async (tx) =>
    (await tx.tasks.ready({ now, limit: 2 })).map((t) => t.id)
  );
  // All three overdue tasks come before the one that is not; among them, priority first.
  assert.deepEqual(ids, ["ffff0003", "ffff0001"]);
  store.close();
});
