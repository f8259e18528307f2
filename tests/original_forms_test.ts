// The original's command lines that tm took over late: list --limit 0, export --format tsv,
// config.yaml beside the database, tm help with any topic.
import assert from "node:assert/strict";
import { addTask, initProject, tempDir, tm } from "./_in_process.ts";

Deno.test("list --limit 0 lists every task, as the original's did", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  for (const title of ["one", "two", "three"]) await addTask(cwd, title);
  const all = await tm(["list", "--limit", "0"], { cwd });
  assert.equal(all.code, 0, all.stderr);
  assert.equal(all.stdout.trim().split("\n").length, 3);
  const two = await tm(["list", "--limit", "2"], { cwd });
  assert.equal(two.stdout.trim().split("\n").length, 2);
});

Deno.test("export --format tsv has the csv columns, one line per task, cells escaped and inert", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const id = await addTask(cwd, "tab\there", ["-d", "line one\nline\\two"]);
  await addTask(cwd, "=SUM(A1)", ["--estimated-hours", "2"]);
  const tsv = await tm(["export", "--format", "tsv"], { cwd });
  assert.equal(tsv.code, 0, tsv.stderr);
  const csvHeader = (await tm(["export", "--format", "csv"], { cwd })).stdout.split("\r\n")[0]!;
  const body = tsv.stdout.replace(/\n$/, "");
  const lines = body.split("\n");
  assert.equal(lines.length, 3, "a header and one line per task");
  assert.equal(lines[0], csvHeader.replaceAll(",", "\t"));
  const columns = lines[0]!.split("\t");
  const first = lines[1]!.split("\t");
  assert.equal(first.length, columns.length);
  assert.equal(first[columns.indexOf("id")], id);
  assert.equal(first[columns.indexOf("title")], "tab\\there");
  assert.equal(first[columns.indexOf("description")], "line one\\nline\\\\two");
  const second = lines[2]!.split("\t");
  assert.equal(second.length, columns.length, "empty trailing cells are kept");
  assert.equal(second[columns.indexOf("title")], "'=SUM(A1)");
  assert.equal(second[columns.indexOf("estimated_hours")], "2");
  const json = JSON.parse((await tm(["export", "--format", "tsv", "--json"], { cwd })).stdout);
  assert.equal(json.format, "tsv");
  assert.equal(json.content, body);
});

Deno.test("config.yaml beside the database follows every config change and comes back on show", async () => {
  await using temp = await tempDir();
  const cwd = temp.dir;
  const env = { TM_DB_PATH: `${cwd}/custom-store` };
  assert.equal((await tm(["init"], { cwd, env })).code, 0);
  const yaml = `${cwd}/custom-store/config.yaml`;
  assert.match(await Deno.readTextFile(yaml), /^features:\n {2}success-criteria: true$/m);
  await tm(["config", "--disable", "feedback", "--enforcement-level", "strict"], { cwd, env });
  const changed = await Deno.readTextFile(yaml);
  assert.match(changed, /^ {2}feedback: false$/m);
  assert.match(changed, /^minimal_mode: false$/m);
  assert.match(changed, /^telemetry_enabled: false$/m);
  assert.match(changed, /^enforcement_level: strict$/m);
  assert.match(changed, /^version: /m);
  await Deno.remove(yaml);
  assert.equal((await tm(["config", "--show"], { cwd, env })).code, 0);
  assert.equal(await Deno.readTextFile(yaml), changed, "re-created from config/config.json");
  await tm(["config", "--minimal-mode"], { cwd, env });
  assert.match(await Deno.readTextFile(yaml), /^minimal_mode: true$/m);
});

Deno.test("config.yaml is never written through a symbolic link", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const yaml = `${cwd}/.task-orchestrator/config.yaml`;
  await Deno.remove(yaml);
  await Deno.writeTextFile(`${cwd}/outside.txt`, "untouched\n");
  await Deno.symlink(`${cwd}/outside.txt`, yaml);
  const refused = await tm(["config", "--disable", "feedback"], { cwd });
  assert.equal(refused.code, 4);
  assert.match(refused.stderr, /refusing to follow the symbolic link/);
  assert.equal((await tm(["config", "--show"], { cwd })).code, 0, "a show leaves the link alone");
  assert.equal(await Deno.readTextFile(`${cwd}/outside.txt`), "untouched\n");
});
