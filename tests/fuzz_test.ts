// Proof for issue 9: thousands of generated command lines from the real command and flag
// vocabulary, with hostile values (quotes, newlines, NUL, 1 MB strings, ../, absolute paths,
// symbolic links prepared in the data directory, malformed JSON/YAML/JSONL), run in
// process. Every line ends with exit 0 or 2-6, no stack trace, at most one error line; no
// file appears outside the data directory except the outputs asked for; the database passes
// its integrity check at the end. TM_FUZZ_LINES sets the count (default 2000), TM_FUZZ_SEED
// the seed.
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { COMMAND_GROUPS } from "../src/cli/commands.ts";
import type { CommandSpec } from "../src/cli/command.ts";
import { addTask, tempDir, tm } from "./_in_process.ts";

const LINES = Number(Deno.env.get("TM_FUZZ_LINES") ?? "2000");
const SEED = Number(Deno.env.get("TM_FUZZ_SEED") ?? `${Date.now() % 100_000}`);

/**
 * Commands that start processes or serve until stopped are left out (worker runs a shell,
 * serve listens, mcp answers stdin until it closes).
 */
const SKIPPED = new Set(["worker", "serve", "mcp"]);
/** Flags that would wait for a notification or a sync point. */
const WAITING = new Set(["follow", "wait"]);

function random(seed: number): () => number {
  let state = seed || 1;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

async function walk(dir: string, skip: string): Promise<Map<string, number>> {
  const files = new Map<string, number>();
  const visit = async (path: string) => {
    if (path === skip) return;
    for await (const entry of Deno.readDir(path)) {
      const full = `${path}/${entry.name}`;
      if (entry.isDirectory) await visit(full);
      else {
        const info = await Deno.lstat(full);
        files.set(full, info.mtime?.getTime() ?? 0);
      }
    }
  };
  await visit(dir);
  return files;
}

Deno.test({
  name: `${LINES} fuzzed command lines end in documented exit codes and one-line errors`,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using sandbox = await tempDir("tm-fuzz-");
    const root = sandbox.dir;
    const cwd = `${root}/project`;
    const outside = `${root}/outside`;
    await Deno.mkdir(cwd);
    await Deno.mkdir(outside);
    assert.equal((await tm(["init"], { cwd })).code, 0);
    const data = `${cwd}/.task-orchestrator`;
    const ids = [
      await addTask(cwd, "alpha"),
      await addTask(cwd, "beta"),
      await addTask(cwd, "gamma"),
    ];
    // Traps: links out of the data directory, and malformed inputs.
    await Deno.writeTextFile(`${outside}/victim.txt`, "keep me\n");
    await Deno.symlink(outside, `${data}/private_notes/fuzzer`);
    await Deno.symlink(`${outside}/victim.txt`, `${data}/shared_context/task_${ids[1]}.yaml`);
    await Deno.writeTextFile(`${cwd}/bad.jsonl`, '{"id": "0123abcd", "title": \n{oops}\n');
    await Deno.writeTextFile(`${cwd}/bad.yaml`, "key: [unclosed\n  - : :\n");
    await Deno.writeTextFile(`${cwd}/bad.md`, "# doc\n\0\u001b[31m red\n");
    await Deno.writeTextFile(`${cwd}/good.jsonl`, `{"id":"0badc0de","title":"imported"}\n`);
    await using project = { async [Symbol.asyncDispose]() {} };
    void project;

    const specs: CommandSpec[] = [];
    for (const group of COMMAND_GROUPS) {
      for (const entry of group.commands) {
        if (!SKIPPED.has(entry.name)) specs.push(await entry.load());
      }
    }
    const next = random(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const big = "x".repeat(1_000_000);
    const outputs = [
      `${outside}/out.txt`,
      `${outside}/../outside/out2.txt`,
      "report.out",
      ".task-orchestrator/tasks.db",
      ".task-orchestrator/tasks.db-wal",
      `${data}/backups/x.db`,
      `${data}/config/config.json`,
      "../project/.task-orchestrator/tasks.db",
      `${outside}/no/such/dir/x`,
      outside,
    ];
    const values = [
      "",
      " ",
      "'",
      '"',
      "a\nb",
      "nul\0byte",
      "\u001b[2J\u001b[31mred",
      "\r\u0007",
      "../../../etc/passwd",
      "/etc/hostname",
      `${outside}/victim.txt`,
      "bad.jsonl",
      "bad.yaml",
      "bad.md",
      "good.jsonl",
      "-",
      "--",
      "-1",
      "0",
      "0x10",
      "1e309",
      "NaN",
      "99999999999999999999",
      "3650d",
      "1h30m",
      "2026-13-45",
      "0000-01-01",
      "2030-01-01",
      "high",
      "critical",
      "completed",
      "in_progress",
      "blocked",
      "=cmd|' /C calc'!A0",
      "💥 unicode ✓",
      "$(touch pwned)",
      "%s%n%x",
      '{"a":',
      "key: [unclosed",
      "fuzzer",
      "a".repeat(300),
      ...ids,
      ...ids.map((id) => id.slice(0, 3)),
      "deadbeef",
    ];
    const value = () => next() < 0.002 ? big : pick(values);
    const agents = ["fuzzer", "lead", "tester", "a/b", "..", "x".repeat(100), "", "nul\0"];

    const before = await walk(root, data);
    const requested = new Set<string>();
    const failures: string[] = [];
    const codes: Record<number, number> = {};
    const started = performance.now();
    for (let line = 0; line < LINES; line++) {
      const spec = pick(specs);
      const argv: string[] = [spec.name];
      const positional = [...spec.args, ...(spec.optionalArgs ?? []).filter(() => next() < 0.5)];
      for (const _ of positional) argv.push(value());
      if (next() < 0.1) argv.push(value()); // one too many
      const options = Object.entries(spec.options ?? {}) as Array<
        [string, { type: string; multiple?: boolean }]
      >;
      for (const [name, option] of options) {
        if (WAITING.has(name) || next() > 0.3) continue;
        if (option.type === "boolean") argv.push(`--${name}`);
        else if (name === "output") {
          const target = pick(outputs);
          requested.add(target.startsWith("/") ? target : `${cwd}/${target}`);
          argv.push("--output", target);
        } else argv.push(`--${name}`, value());
      }
      if (next() < 0.05) argv.push(`--${pick(["bogus", "json", "help", "yes"])}`);
      if (next() < 0.3) argv.push("--json");
      if (spec.name === "watch" || spec.name === "sync") argv.push("--timeout", "0");
      const agent = pick(agents);
      let result;
      try {
        result = await tm(argv, { cwd, env: { TM_AGENT_ID: agent }, stdin: value() });
      } catch (error) {
        failures.push(`${JSON.stringify(argv).slice(0, 200)}: threw ${error}`);
        continue;
      }
      codes[result.code] = (codes[result.code] ?? 0) + 1;
      const shown = `${JSON.stringify(argv).slice(0, 200)} (agent ${JSON.stringify(agent)})`;
      if (![0, 2, 3, 4, 5, 6].includes(result.code)) {
        failures.push(`${shown}: exit ${result.code}: ${result.stderr.slice(0, 300)}`);
      }
      if (/internal error|\n\s+at |Uncaught/.test(result.stderr)) {
        failures.push(`${shown}: stack: ${result.stderr.slice(0, 300)}`);
      }
      const errorLines = result.stderr.split("\n").filter((l) =>
        l.startsWith("tm: ") && !l.startsWith("tm: warning:") && !/TM_AGENT_ID not set/.test(l)
      );
      const strays = result.stderr.split("\n").filter((l) =>
        l !== "" && !l.startsWith("tm: ") && !l.startsWith("{")
      );
      if (errorLines.length > 1 || strays.length > 0) {
        failures.push(`${shown}: stderr not one line: ${result.stderr.slice(0, 300)}`);
      }
      if (failures.length > 20) break;
    }
    const seconds = (performance.now() - started) / 1000;
    // deno-lint-ignore no-console -- the seed and the spread of exit codes, for a failing run
    console.log(
      `fuzz: ${LINES} lines in ${seconds.toFixed(1)} s (seed ${SEED}), exits ${
        JSON.stringify(codes)
      }`,
    );
    assert.deepEqual(failures, [], `seed ${SEED}`);

    // Nothing written outside the data directory except the outputs asked for.
    const after = await walk(root, data);
    const requestedReal = new Set<string>();
    for (const path of requested) {
      requestedReal.add(await Deno.realPath(path).catch(() => path));
    }
    for (const [path, mtime] of after) {
      if (before.get(path) === mtime) continue;
      const real = await Deno.realPath(path).catch(() => path);
      assert.ok(requestedReal.has(real) || requested.has(path), `unexpected file ${path}`);
    }
    assert.equal(await Deno.readTextFile(`${outside}/victim.txt`), "keep me\n");
    const db = new DatabaseSync(`${data}/tasks.db`, { readOnly: true });
    const check = db.prepare("PRAGMA integrity_check").get() as { integrity_check: string };
    db.close();
    assert.equal(check.integrity_check, "ok");
  },
});
