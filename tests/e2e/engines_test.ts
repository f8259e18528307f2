/**
 * The CLI contract on both engines from one suite: the same command lines, run against a
 * SQLite project and a PostgreSQL project, give the same exit codes and the same `--json`
 * documents (task ids, times and durations aside). PostgreSQL runs when TM_TEST_DATABASE_URL
 * names a server (scripts/test-postgres.sh).
 */
import assert from "node:assert/strict";
import { initProject, tm, type TmResult } from "../_cli.ts";
import { freshPostgresSchema, TEST_DATABASE_URL } from "../../src/store/_store_engines.ts";

/** One step: a command line, or a function of the ids seen so far. */
type Step = readonly string[] | ((ids: string[]) => readonly string[]);

const STEPS: readonly Step[] = [
  ["add", "a", "--priority", "high", "--tag", "x"],
  ["add", "b"],
  ["add", "c"],
  (ids) => ["criteria", ids[1]!, "--add", "documented"],
  ["list"],
  (ids) => ["show", ids[0]!],
  (ids) => ["update", ids[0]!, "--priority", "critical"],
  (ids) => ["assign", ids[0]!, "alice"],
  (ids) => ["dep", "add", ids[1]!, ids[2]!],
  (ids) => ["dep", "add", ids[2]!, ids[1]!], // a cycle: exit 5
  ["ready", "--limit", "5"],
  (ids) => ["ready", "--explain", ids[1]!],
  (ids) => ["claim", ids[2]!],
  (ids) => ["claim", ids[2]!, "--agent-id", "bob"], // held by another agent: exit 6
  (ids) => ["heartbeat", ids[2]!],
  (ids) => ["progress", ids[2]!, "50% halfway"],
  (ids) => ["complete", ids[2]!, "--summary", "done"],
  (ids) => ["show", ids[1]!],
  (ids) => ["criteria", ids[1]!, "--set", "coverage=90"],
  (ids) => ["criteria", ids[1]!, "--check", "1", "--pass"],
  (ids) => ["criteria", ids[1]!, "--list"],
  (ids) => ["claim", ids[1]!],
  (ids) => ["complete", ids[1]!, "--validate"],
  (ids) => ["feedback", ids[1]!, "--quality", "4", "--timeliness", "5"],
  (ids) => ["join", ids[0]!],
  (ids) => ["share", ids[0]!, "shared text"],
  (ids) => ["discover", ids[0]!, "found something"],
  (ids) => ["sync", ids[0]!, "checkpoint-1"],
  (ids) => ["context", ids[0]!],
  // Search: words, ranked (titles first), on FTS5 and on PostgreSQL's full text alike.
  ["add", "Fix the login page", "--description", "src/store/postgres.ts crashes on start"],
  ["add", "Login timeout", "--description", "the login page waits forever"],
  ["add", "Café au lait", "--description", "foo-bar baz"],
  ["add", "Page about login"],
  ["add", "other", "--description", "login login login page"],
  (ids) => ["share", ids.at(-1)!, "the login pages are slow"],
  ["search", "login"], // ranked as bm25 ranks: a short title, then repeated words
  ["search", "page"],
  ["search", "LOG"], // a prefix, any case
  ["search", "login", "page"], // every word must occur
  ["search", "pa", "lo"],
  ["search", "slow"], // shared context
  ["list", "--search", "postgres"], // a word inside a file path
  ["search", "foo-bar"], // punctuation inside a word: its parts, in order
  ["search", "bar-foo"],
  ["search", "cafe"], // diacritics do not matter
  ["search", "lo\u0007gin"], // a control character separates words like white space
  ["search", "!!!"], // only punctuation: nothing to find
  ["search", "login", "!!!"], // a word of punctuation only is left out
  ["search", "something"], // shared context
  ["search", "\u0007"], // nothing but a control character: refused
  ["watch"],
  ["agent", "register", "tester", "--capability", "ts"],
  ["agent", "list"],
  ["prime"],
  ["metrics"],
  ["report", "--format", "json"],
  ["critical-path", "--format", "json"],
  ["export"],
  ["init"], // already initialised
  ["migrate", "--status"],
  ["show", "ffffffff"], // not found: exit 3
  (ids) => ["release", ids[0]!], // not held: an error code
  (ids) => ["delete", ids[0]!],
  ["list"],
];

/** Ids, times, durations and paths replaced, so two engines' outputs can be compared. */
function normalise(text: string, ids: string[], dir: string): string {
  return text
    .split(dir).join("<dir>")
    .replace(
      /(?<![0-9a-f])[0-9a-f]{8}(?![0-9a-f])/g,
      (id) => (ids.includes(id) ? `<id${ids.indexOf(id)}>` : id),
    )
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>")
    .replace(/-?\d+\.\d+(e-?\d+)?/g, "<num>");
}

async function runScenario(env: Record<string, string>): Promise<string[]> {
  const cwd = env.TM_DATABASE_URL === undefined
    ? await initProject()
    : await Deno.makeTempDir({ prefix: "tm-pg-" });
  if (env.TM_DATABASE_URL !== undefined) {
    const init = await tm(["init"], { cwd, env });
    assert.equal(init.code, 0, init.stderr);
  }
  const ids: string[] = [];
  const seen: string[] = [];
  try {
    for (const step of STEPS) {
      const args = typeof step === "function" ? step(ids) : step;
      const result: TmResult = await tm([...args, "--json"], { cwd, env });
      if (args[0] === "add" && result.code === 0) ids.push(JSON.parse(result.stdout).task.id);
      const line = `$ tm ${args.join(" ")}\nexit ${result.code}\n` +
        `${result.stdout}${
          result.stderr
            .replace(/^tm: warning: .*\n/gm, "")
            // Deno's own line when processes start at once on one node_modules, not tm's.
            .replace(/^Blocking waiting for file lock on node_modules directory\n/gm, "")
        }`;
      seen.push(normalise(line, ids, cwd));
      if (result.code === 0) {
        for (const line of result.stdout.trimEnd().split("\n")) {
          assert.equal(JSON.parse(line).schema_version, 1, `tm ${args.join(" ")}`);
        }
      }
    }
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
  return seen;
}

Deno.test({
  name: "every command gives the same exit code and --json document on SQLite and PostgreSQL",
  ignore: TEST_DATABASE_URL === undefined,
  async fn() {
    const schema = await freshPostgresSchema();
    try {
      const [sqlite, postgres] = await Promise.all([
        runScenario({}),
        runScenario({ TM_DATABASE_URL: schema.url }),
      ]);
      // The scenario exercises failures too, not only successes.
      const codes = new Set(sqlite.map((s) => s.split("\n")[1]));
      for (const code of ["exit 0", "exit 3", "exit 5", "exit 6"]) assert.ok(codes.has(code), code);
      for (let i = 0; i < sqlite.length; i++) assert.equal(postgres[i], sqlite[i]);
    } finally {
      await schema.drop();
    }
  },
});
