import assert from "node:assert/strict";
import { answerCommandLine, type CommandLineReply, ReplyCache } from "./command_line.ts";
import type { Store } from "../store/store.ts";
import { HttpError } from "./http.ts";

function reply(stdout: string): CommandLineReply {
  return { schema_version: 1, exit_code: 0, stdout, stderr: "" };
}

Deno.test("a repeated key gets the first answer, and concurrent repeats run the command once", async () => {
  const cache = new ReplyCache();
  let runs = 0;
  const compute = async () => {
    runs++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return reply(`run ${runs}`);
  };
  const [a, b] = await Promise.all([cache.once("k", compute), cache.once("k", compute)]);
  const c = await cache.once("k", compute);
  assert.equal(runs, 1);
  assert.deepEqual([a.stdout, b.stdout, c.stdout], ["run 1", "run 1", "run 1"]);
});

Deno.test("a failed computation is not remembered, so a retry runs again", async () => {
  const cache = new ReplyCache();
  await assert.rejects(cache.once("k", () => Promise.reject(new Error("db busy"))));
  assert.equal((await cache.once("k", () => Promise.resolve(reply("ok")))).stdout, "ok");
});

Deno.test("answers are journalled and known again after a restart; a torn last line is skipped", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const journal = `${dir}/replies.jsonl`;
    const first = new ReplyCache({ journal });
    await first.once("a", () => Promise.resolve(reply("first a")));
    await first.once("b", () => Promise.resolve(reply("first b")));
    await Deno.writeTextFile(journal, '{"key":"c","rep', { append: true });
    const restarted = new ReplyCache({ journal });
    const again = await restarted.once("a", () => Promise.resolve(reply("second a")));
    assert.equal(again.stdout, "first a");
    const torn = await restarted.once("c", () => Promise.resolve(reply("c computed")));
    assert.equal(torn.stdout, "c computed");
    // What was answered after the torn line is known after the next restart too.
    const third = new ReplyCache({ journal });
    assert.equal(
      (await third.once("c", () => Promise.resolve(reply("lost")))).stdout,
      "c computed",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the cache keeps only the most recent answers", async () => {
  const cache = new ReplyCache({ max: 2 });
  for (const key of ["a", "b", "c"]) await cache.once(key, () => Promise.resolve(reply(key)));
  assert.equal(
    (await cache.once("a", () => Promise.resolve(reply("recomputed")))).stdout,
    "recomputed",
  );
  assert.equal((await cache.once("c", () => Promise.resolve(reply("recomputed")))).stdout, "c");
});

Deno.test("each journalled answer is synced to disk before it is returned; concurrent ones share a sync", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cache = new ReplyCache({ journal: `${dir}/replies.jsonl` });
    for (const key of ["a", "b", "c"]) {
      await cache.once(key, () => Promise.resolve(reply(key)));
    }
    assert.equal(cache.journalSyncs, 3);
    const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
    await Promise.all(keys.map((key) => cache.once(key, () => Promise.resolve(reply(key)))));
    assert.ok(cache.journalSyncs < 3 + 50, `${cache.journalSyncs} syncs for 50 concurrent answers`);
    const restarted = new ReplyCache({ journal: `${dir}/replies.jsonl` });
    for (const key of ["a", ...keys]) {
      assert.equal((await restarted.once(key, () => Promise.resolve(reply("lost")))).stdout, key);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compacting the journal keeps every recent answer and never waits on itself", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const journal = `${dir}/replies.jsonl`;
    const cache = new ReplyCache({ max: 2, journal });
    // Past twice `max` lines the journal is rewritten; before, that write awaited its own answer.
    // A hang here ends the test: with nothing left to run, Deno fails a promise still pending.
    for (const key of ["a", "b", "c", "d", "e", "f"]) {
      assert.equal((await cache.once(key, () => Promise.resolve(reply(key)))).stdout, key);
    }
    const lines = (await Deno.readTextFile(journal)).trim().split("\n");
    assert.ok(lines.length <= 4, `${lines.length} lines kept`);
    const restarted = new ReplyCache({ max: 2, journal });
    for (const key of ["e", "f"]) {
      assert.equal((await restarted.once(key, () => Promise.resolve(reply("lost")))).stdout, key);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a read token gets a write command's help, but not the command run with --help as an option's value", async () => {
  const ran: string[][] = [];
  const context = {
    caller: { agent: "reader", scope: "read" as const, token: null },
    store: {} as Store,
    runner: (argv: readonly string[]) => {
      ran.push([...argv]);
      return Promise.resolve(0);
    },
    cwd: "/",
    dbPath: "/tasks.db",
    env: () => undefined,
    replies: new ReplyCache(),
    idempotencyKey: null,
  };
  await answerCommandLine({ argv: ["add", "--help"] }, context);
  await answerCommandLine({ argv: ["--json", "add", "T", "-h"] }, context);
  await assert.rejects(
    answerCommandLine({ argv: ["add", "T", "--description", "--help"] }, context),
    (error) => error instanceof HttpError && error.status === 403,
  );
  await assert.rejects(
    answerCommandLine({ argv: ["add", "T", "-d", "-h"] }, context),
    (error) => error instanceof HttpError && error.status === 403,
  );
  assert.deepEqual(ran, [["add", "--help"], ["--json", "add", "T", "-h"]]);
});
