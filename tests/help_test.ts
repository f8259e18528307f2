import assert from "node:assert/strict";
import { initProject, tempDir, tm } from "./_in_process.ts";
import { COMMAND_GROUPS } from "../src/cli/commands.ts";

Deno.test("tm help lists every command and the exit codes", async (t) => {
  await using temp = await tempDir();
  const cwd = temp.dir;
  const result = await tm(["help"], { cwd });
  assert.equal(result.code, 0);
  for (const group of COMMAND_GROUPS) {
    for (const command of group.commands) {
      assert.match(result.stdout, new RegExp(`\\n  ${command.name} `));
    }
  }
  await t.assertSnapshot(result.stdout);
});

Deno.test("every command has usage text, reachable as help NAME and NAME --help", async (t) => {
  await using temp = await tempDir();
  const cwd = temp.dir;
  for (const group of COMMAND_GROUPS) {
    for (const entry of group.commands) {
      const command = await entry.load();
      assert.match(command.usage, new RegExp(`^Usage: tm ${command.name}`), command.name);
      const viaFlag = await tm([command.name, "--help"], { cwd });
      assert.equal(viaFlag.code, 0, command.name);
      await t.assertSnapshot(viaFlag.stdout, { name: `help ${command.name}` });
    }
  }
  const viaHelp = await tm(["help", "add"], { cwd });
  assert.equal(viaHelp.stdout, (await tm(["add", "-h"], { cwd })).stdout);
});

Deno.test("error messages people read stay as they are", async (t) => {
  await using project = await initProject();
  const cwd = project.dir;
  const lines: string[] = [];
  for (
    const args of [
      ["frobnicate"],
      ["add"],
      ["add", "x", "--bogus"],
      ["add", "x", "-p", "urgent"],
      ["add", ""],
      ["show", "ffffffff"],
      ["show", "xyz"],
      ["update", "ffff"],
      ["dep", "move", "aaaa", "bbbb"],
      ["export", "--format", "xml"],
      ["import", "/nonexistent/file.jsonl"],
    ]
  ) {
    const result = await tm(args, { cwd });
    lines.push(`$ tm ${args.join(" ")}  -> exit ${result.code}\n${result.stderr}`);
  }
  await t.assertSnapshot(lines.join("\n"));
});
