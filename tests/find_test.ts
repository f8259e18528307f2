/**
 * Finding work: list filters, sorting, full-text search and `tm search`.
 */
import assert from "node:assert/strict";
import { addTask, initProject, tm, tmJson } from "./_in_process.ts";

async function ids(cwd: string, args: string[], env?: Record<string, string>): Promise<string[]> {
  const result = await tmJson(args, { cwd, ...(env === undefined ? {} : { env }) });
  return (result.tasks as Array<{ id: string }>).map((t) => t.id);
}

Deno.test("list --search finds words in titles, descriptions and shared context, best first", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const inTitle = await addTask(cwd, "Login timeout on slow networks");
  const inDescription = await addTask(cwd, "Session bug", ["-d", "the login form hangs"]);
  const inContext = await addTask(cwd, "Fix README typo");
  const unrelated = await addTask(cwd, "Refactor billing");
  assert.equal((await tm(["share", inContext, "also mentions the login flow"], { cwd })).code, 0);
  assert.deepEqual(await ids(cwd, ["list", "--search", "login"]), [
    inTitle,
    inDescription,
    inContext,
  ]);
  // Every word must occur; words match as prefixes; query syntax is plain text.
  assert.deepEqual(await ids(cwd, ["list", "--search", "log time"]), [inTitle]);
  assert.deepEqual(await ids(cwd, ["list", "--search", 'bill" OR "x']), []);
  assert.deepEqual(await ids(cwd, ["search", "billing"]), [unrelated]);
  const text = await tm(["search", "login", "timeout"], { cwd });
  assert.equal(text.stdout, `[${inTitle}] Login timeout on slow networks - pending\n`);
});

Deno.test("the search index follows edits, deletions and imports", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "Old words");
  assert.equal((await tm(["update", id, "--title", "Shiny title"], { cwd })).code, 0);
  assert.deepEqual(await ids(cwd, ["search", "old"]), []);
  assert.deepEqual(await ids(cwd, ["search", "shiny"]), [id]);
  const exported = await tm(["export", "--format", "jsonl"], { cwd });
  assert.equal((await tm(["delete", id], { cwd })).code, 0);
  assert.deepEqual(await ids(cwd, ["search", "shiny"]), []);
  assert.equal((await tm(["import", "-"], { cwd, stdin: exported.stdout })).code, 0);
  assert.deepEqual(await ids(cwd, ["search", "shiny"]), [id]);
});

Deno.test("an empty search is refused with exit 5", async () => {
  await using project = await initProject();
  const result = await tm(["search", " "], { cwd: project.dir });
  assert.equal(result.code, 5);
  assert.match(result.stderr, /^tm: search text is empty/);
});

Deno.test("control characters in a search separate words; a search of only them is empty", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "nul byte task");
  // A NUL ended FTS5's quoted string: this was an internal error found by the fuzz test.
  assert.deepEqual(await ids(cwd, ["search", "nul\u0000byte"]), [id]);
  assert.deepEqual(await ids(cwd, ["list", "--search", "nul\u0001byte"]), [id]);
  const empty = await tm(["search", "\u0000\u0007"], { cwd });
  assert.equal(empty.code, 5);
  assert.match(empty.stderr, /^tm: search text is empty/);
});

Deno.test("list takes several statuses, --open, several tags, --mine and --since", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const env = { TM_AGENT_ID: "alice" };
  const done = await addTask(cwd, "Done", ["--tag", "api", "web"]);
  const api = await addTask(cwd, "API only", ["--tag", "api"]);
  const blocked = await addTask(cwd, "Waits", ["--depends-on", api, "--assignee", "alice"]);
  const held = await addTask(cwd, "Held");
  assert.equal((await tm(["claim", held], { cwd, env })).code, 0);
  assert.equal((await tm(["complete", done], { cwd })).code, 0);
  assert.deepEqual(await ids(cwd, ["list", "--status", "pending,blocked"]), [api, blocked]);
  assert.deepEqual(await ids(cwd, ["list", "--open"]), [api, blocked, held]);
  assert.deepEqual(await ids(cwd, ["list", "--tag", "api", "web"]), [done]);
  assert.deepEqual(await ids(cwd, ["list", "--tag", "api"]), [done, api]);
  assert.deepEqual(await ids(cwd, ["list", "--mine"], env), [blocked, held]);
  assert.deepEqual(await ids(cwd, ["list", "--since", "2000-01-01", "--limit", "1"]), [done]);
  assert.deepEqual(await ids(cwd, ["list", "--since", "2999-01-01"]), []);
  assert.deepEqual(await ids(cwd, ["list", "--since", "1h"]), [done, api, blocked, held]);
  const both = await tm(["list", "--open", "--status", "pending"], { cwd });
  assert.equal(both.code, 2);
});

Deno.test("list --sort orders by priority, deadline, update and urgency", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const low = await addTask(cwd, "Low", ["-p", "low", "--deadline", "2999-01-01"]);
  const high = await addTask(cwd, "High", ["-p", "high"]);
  const late = await addTask(cwd, "Late", ["--deadline", "2001-01-01"]);
  assert.deepEqual(await ids(cwd, ["list", "--sort", "priority"]), [high, late, low]);
  assert.deepEqual(await ids(cwd, ["list", "--sort", "deadline"]), [late, low, high]);
  assert.deepEqual(await ids(cwd, ["list", "--sort", "urgency"]), [late, high, low]);
  assert.deepEqual(await ids(cwd, ["list", "--sort", "created"]), [low, high, late]);
  assert.equal((await tm(["update", low, "--title", "Low again"], { cwd })).code, 0);
  assert.equal((await ids(cwd, ["list", "--sort", "updated"]))[0], low);
  const bad = await tm(["list", "--sort", "size"], { cwd });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /invalid --sort "size"/);
});

Deno.test("list --json carries each task's tags and dependency ids", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const a = await addTask(cwd, "A", ["--tag", "x", "y"]);
  const b = await addTask(cwd, "B", ["--depends-on", a]);
  const tasks = (await tmJson(["list"], { cwd })).tasks as Array<
    { id: string; tags: string[]; depends_on: string[] }
  >;
  assert.deepEqual(tasks.map((t) => [t.id, t.tags, t.depends_on]), [
    [a, ["x", "y"], []],
    [b, [], [a]],
  ]);
});
