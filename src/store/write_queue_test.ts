import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { newTaskRow } from "../core/task.ts";
import { TmError } from "../core/errors.ts";
import { openSqliteStore } from "./sqlite.ts";
import { WriteQueue } from "./write_queue.ts";

const T0 = "2026-01-01T00:00:00.000Z";

function task(id: string) {
  return newTaskRow({ id, title: `task ${id}`, created_by: "tester", created_at: T0 });
}

/** A fresh database path in its own temporary directory, removed when disposed. */
async function tempDb(): Promise<AsyncDisposable & { path: string }> {
  const dir = await Deno.makeTempDir({ prefix: "tm-queue-" });
  return {
    path: `${dir}/tasks.db`,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/** A promise and the function that settles it, to hold a transaction open. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => open = resolve);
  return { opened, open };
}

/**
 * Resolve once the kernel lists a writer blocked on the queue's lock file (`/proc/locks`
 * marks waiting requests with `->`); false after 10 s or without /proc/locks.
 */
async function writerQueued(dbPath: string): Promise<boolean> {
  const inode = Deno.statSync(`${dbPath}.lock`).ino;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    // Deno asks for --allow-all to read /proc; the tests may run programs.
    const out = await new Deno.Command("cat", { args: ["/proc/locks"], stderr: "null" }).output()
      .catch(() => null);
    if (out === null || !out.success) return false;
    const locks = new TextDecoder().decode(out.stdout);
    if (locks.split("\n").some((l) => l.includes("->") && l.includes(`:${inode} `))) return true;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return false;
}

Deno.test("a writer holds the queue for its whole transaction and lets it go after COMMIT", async () => {
  await using db = await tempDb();
  const store = await openSqliteStore({ path: db.path });
  const probe = new WriteQueue(db.path);
  try {
    let freeInside: boolean | undefined;
    await store.write((tx) => {
      freeInside = probe.tryEnter();
      return tx.tasks.insert(task("aaaa0001"));
    });
    assert.equal(freeInside, false);
    assert.equal(probe.tryEnter(), true);
  } finally {
    probe.close();
    store.close();
  }
});

Deno.test("a writer that finds the queue taken waits in the kernel for the holder's COMMIT, then writes", async () => {
  await using db = await tempDb();
  const first = await openSqliteStore({ path: db.path });
  const second = await openSqliteStore({ path: db.path });
  try {
    const hold = gate();
    const entered = gate();
    const order: string[] = [];
    const holding = first.write(async (tx) => {
      await tx.tasks.insert(task("aaaa0001"));
      entered.open();
      await hold.opened;
      order.push("first commits");
    });
    await entered.opened;
    const waiting = second.write(async (tx) => {
      order.push("second begins");
      await tx.tasks.insert(task("aaaa0002"));
    });
    const queued = Deno.build.os === "linux" ? await writerQueued(db.path) : true;
    hold.open();
    assert.ok(queued, "the second writer never waited in the queue");
    await Promise.all([holding, waiting]);
    assert.deepEqual(order, ["first commits", "second begins"]);
    assert.equal(await second.read((tx) => tx.tasks.count()), 2);
  } finally {
    first.close();
    second.close();
  }
});

Deno.test("a writer queued past the lock timeout fails with a retryable busy error naming the queue", async () => {
  await using db = await tempDb();
  const holder = await openSqliteStore({ path: db.path });
  const late = await openSqliteStore({ path: db.path, lockTimeoutMs: 50 });
  const hold = gate();
  const entered = gate();
  try {
    const holding = holder.write(async (tx) => {
      await tx.tasks.insert(task("aaaa0001"));
      entered.open();
      await hold.opened;
    });
    await entered.opened;
    const error = await late.write((tx) => tx.tasks.insert(task("aaaa0002"))).catch((e) => e);
    hold.open();
    await holding;
    assert.ok(error instanceof TmError);
    assert.equal(error.code, "busy");
    assert.match(error.message, /in the queue of tm writers/);
    assert.equal(await late.read((tx) => tx.tasks.count()), 1);
  } finally {
    hold.open();
    holder.close();
    late.close();
  }
});

Deno.test("a SQLite client outside the queue holding the write lock gives the busy error that says so", async () => {
  await using db = await tempDb();
  const store = await openSqliteStore({ path: db.path, lockTimeoutMs: 50 });
  const other = new DatabaseSync(db.path);
  try {
    other.exec("BEGIN IMMEDIATE");
    const error = await store.write((tx) => tx.tasks.insert(task("aaaa0001"))).catch((e) => e);
    assert.ok(error instanceof TmError);
    assert.equal(error.code, "busy");
    assert.match(error.message, /held outside tm's writer queue/);
    other.exec("ROLLBACK");
    await store.write((tx) => tx.tasks.insert(task("aaaa0001")));
    assert.equal(await store.read((tx) => tx.tasks.count()), 1);
  } finally {
    other.close();
    store.close();
  }
});
