// The original's command lines that tm took over late: list --limit 0, export --format tsv,
// config.yaml beside the database, tm help with any topic.
import assert from "node:assert/strict";
import { addTask, initProject, tm } from "./_in_process.ts";

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
