/**
 * Shell completion generated from the command declarations.
 */
import assert from "node:assert/strict";
import { addTask, initProject, tm, tmJson } from "./_in_process.ts";

/** Run the bash completion for `words` (the last one being completed) and return its replies. */
async function bashComplete(script: string, words: string[]): Promise<string[]> {
  // A stand-in `tm` answers the dynamic lookups the script makes while completing.
  const program = `${script}
tm() { case "$2" in --ids) echo "abcd1234 abcd9999";; --agents) echo "alice bob";; esac; }
COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}
_tm; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const output = await new Deno.Command("bash", { args: ["-c", program], stdout: "piped" })
    .output();
  assert.ok(output.success);
  return new TextDecoder().decode(output.stdout).split("\n").filter((l) => l !== "");
}

Deno.test("the bash completion completes commands, each command's options, values and ids", async () => {
  await using project = await initProject();
  const script = (await tm(["completions", "bash"], { cwd: project.dir })).stdout;
  assert.deepEqual(await bashComplete(script, ["tm", "sea"]), ["search"]);
  assert.deepEqual(await bashComplete(script, ["tm", "list", "--du"]), ["--due-before"]);
  assert.deepEqual(await bashComplete(script, ["tm", "add", "x", "--ph"]), ["--phase"]);
  assert.deepEqual(await bashComplete(script, ["tm", "list", "--status", "in"]), ["in_progress"]);
  assert.deepEqual(await bashComplete(script, ["tm", "update", "x", "-p", "c"]), ["critical"]);
  assert.deepEqual(await bashComplete(script, ["tm", "assign", "x", "--assignee", "a"]), [
    "alice",
  ]);
  assert.deepEqual(await bashComplete(script, ["tm", "show", "abcd9"]), ["abcd9999"]);
});

Deno.test("zsh and fish scripts are generated too; --ids and --agents feed them", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const zsh = (await tm(["completions", "zsh"], { cwd })).stdout;
  assert.match(zsh, /^#compdef tm\n/);
  assert.match(zsh, /complete -F _tm tm/);
  const fish = (await tm(["completions", "fish"], { cwd })).stdout;
  assert.match(fish, /complete -c tm -n '__fish_seen_subcommand_from add' -l phase /);
  assert.match(fish, /-l status -xa 'pending in_progress blocked completed cancelled'/);
  const open = await addTask(cwd, "Open", ["--assignee", "carol"]);
  const done = await addTask(cwd, "Done");
  assert.equal((await tm(["complete", done], { cwd })).code, 0);
  assert.equal((await tm(["completions", "--ids"], { cwd })).stdout, `${open}\n`);
  assert.deepEqual((await tmJson(["completions", "--agents"], { cwd })).agents, ["carol"]);
  const bad = await tm(["completions", "tcsh"], { cwd });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown shell "tcsh"/);
});
