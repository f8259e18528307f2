import assert from "node:assert/strict";
import { PRODUCTION_PERMISSION_FLAGS } from "../../src/cli/permissions.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const FLAGS = PRODUCTION_PERMISSION_FLAGS.join(" ");

async function probe(mode: string): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...PRODUCTION_PERMISSION_FLAGS,
      `${ROOT}tests/fixtures/permission_probe.ts`,
      mode,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

Deno.test("the production flags refuse FFI and system access outright", async () => {
  const report = await probe("list");
  assert.match(report, /^ffi: NotCapable$/m);
  assert.match(report, /^sys: NotCapable$/m);
});

Deno.test("a command that needs no processes cannot start one after dispatch", async () => {
  const report = await probe("list");
  assert.match(report, /^run before drop: allowed$/m, "the binary may run hooks and workers");
  assert.match(report, /^run after drop: NotCapable$/m, "but tm list drops that right");
  const worker = await probe("worker");
  assert.match(worker, /^run after drop: allowed$/m, "a command that declares run keeps it");
});

Deno.test("tm list cannot open a socket: only tm serve keeps the network after dispatch", async () => {
  const report = await probe("list");
  assert.match(report, /^net before drop: allowed$/m, "the binary may serve");
  assert.match(report, /^net after drop: NotCapable$/m, "but tm list drops that right");
  const serve = await probe("serve");
  assert.match(serve, /^net after drop: allowed$/m, "tm serve keeps it");
});

Deno.test("the declared permission set is narrower than -A and has no FFI or sys", () => {
  for (const flag of PRODUCTION_PERMISSION_FLAGS) {
    assert.doesNotMatch(flag, /^(-A|--allow-all|--allow-ffi|--allow-sys|--allow-import)/);
  }
  assert.ok(PRODUCTION_PERMISSION_FLAGS.includes("--no-prompt"), "never prompts");
});

Deno.test("every launcher uses exactly the declared permission set", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  assert.ok(config.tasks.tm.includes(`deno run ${FLAGS} main.ts`), "deno.json task tm");
  assert.ok(config.tasks.compile.includes(`deno compile ${FLAGS} `), "deno.json task compile");
  const launchers = {
    "main.ts shebang": (await Deno.readTextFile(`${ROOT}main.ts`)).split("\n")[0]!,
    "scripts/tm": await Deno.readTextFile(`${ROOT}scripts/tm`),
    "release workflow": await Deno.readTextFile(`${ROOT}.github/workflows/release.yml`),
    "README install": await Deno.readTextFile(`${ROOT}README.md`),
  };
  for (const [name, text] of Object.entries(launchers)) {
    assert.ok(text.includes(FLAGS), `${name} must use: ${FLAGS}`);
  }
  // The probe above drops permissions through run's sandbox: main.ts must pass that sandbox.
  assert.match(
    launchers["main.ts shebang"] + await Deno.readTextFile(`${ROOT}main.ts`),
    /sandbox: dropPermissions/,
  );
});

Deno.test("src/version.ts is the one version source: deno.json states none", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  const { VERSION } = await import("../../src/version.ts");
  assert.match(VERSION, /^\d+\.\d+\.\d+(-[\w.]+)?$/);
  assert.equal(config.version, undefined);
});
