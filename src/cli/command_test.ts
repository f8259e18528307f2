import assert from "node:assert/strict";
import { TmError, ValidationFailed } from "../core/errors.ts";
import type { DataLocation } from "../files/data_dir.ts";
import { type CommandInput, type CommandResult, defineCommand, parseLimit } from "./command.ts";
import { COMMAND_GROUPS } from "./commands.ts";
import { parseFlags } from "./flags.ts";
import { commandHelp, optionsHelp } from "./help_text.ts";
import type { Io } from "./io.ts";

const lease = defineCommand({
  name: "lease",
  usage: "Usage: tm lease ID [OPTIONS]\n\nTake a lease.",
  options: {
    ttl: { type: "string", value: "DURATION", help: "lease length, at least 1s" },
    capability: {
      type: "string",
      multiple: true,
      value: "C",
      help: "a capability; repeatable\nor comma-separated",
    },
    description: { type: "string", short: "d", value: "T", help: "a note" },
    "dry-run": { type: "boolean", help: "only say what would happen" },
    pass: { type: "boolean", label: "--pass | --fail", help: "the verdict" },
    fail: { type: "boolean", shownWith: "pass" },
  },
  notes: "Examples:\n  tm lease a1b2 --ttl 90s",
  args: ["ID"],
  run({ args, flags }) {
    // Typed: a misspelt option does not compile.
    // @ts-expect-error -- "tll" is not a declared option
    flags.tll;
    const ttl: string | undefined = flags.ttl;
    const capabilities: string[] = flags.capability;
    const dryRun: boolean = flags.dryRun;
    return Promise.resolve({
      data: { id: args[0], ttl, capabilities, dryRun, pass: flags.pass, fail: flags.fail },
      text: "",
    });
  },
});

function input(argv: string[]): CommandInput {
  const parsed = parseFlags(lease.name, argv, lease.options);
  return {
    args: parsed.positionals,
    flags: parsed.values,
    app: () => Promise.reject(new Error("no store in this test")),
    location: {} as DataLocation,
    lockTimeoutMs: 0,
    database: () => Promise.reject(new Error("no database in this test")),
    json: false,
    io: {} as Io,
  };
}

async function runLease(argv: string[]): Promise<CommandResult["data"]> {
  return (await lease.run(input(argv))).data;
}

Deno.test("optionsHelp() aligns every option's help after the longest left column", () => {
  assert.equal(
    optionsHelp(lease.options),
    [
      "  --ttl DURATION        lease length, at least 1s",
      "  --capability C        a capability; repeatable",
      "                        or comma-separated",
      "  -d, --description T   a note",
      "  --dry-run             only say what would happen",
      "  --pass | --fail       the verdict",
    ].join("\n"),
  );
});

Deno.test("optionsHelp() is empty for a command without options", () => {
  assert.equal(optionsHelp({}), "");
});

Deno.test("commandHelp() puts the generated options between the usage and the notes", () => {
  const help = commandHelp(lease);
  assert.ok(
    help.startsWith(
      "Usage: tm lease ID [OPTIONS]\n\nTake a lease.\n\nOptions:\n  --ttl DURATION ",
    ),
    help,
  );
  assert.match(help, /the verdict\n\nExamples:\n {2}tm lease a1b2 --ttl 90s\n\nGlobal options/);
});

Deno.test("defineCommand() hands run the options typed, with defaults for absent ones", async () => {
  assert.deepEqual(await runLease(["a1b2"]), {
    id: "a1b2",
    ttl: undefined,
    capabilities: [],
    dryRun: false,
    pass: false,
    fail: false,
  });
  assert.deepEqual(
    await runLease(["a1b2", "--ttl=90s", "--capability", "x", "--capability", "y", "--dry-run"]),
    { id: "a1b2", ttl: "90s", capabilities: ["x", "y"], dryRun: true, pass: false, fail: false },
  );
});

Deno.test("a declared command refuses options it does not declare", () => {
  assert.throws(
    () => input(["a1b2", "--tll", "90s"]),
    (error) =>
      error instanceof TmError && error.code === "usage" &&
      error.message === "lease: unknown option --tll",
  );
});

Deno.test("parseLimit() takes a positive whole number up to its maximum", () => {
  assert.equal(parseLimit(undefined), undefined);
  assert.equal(parseLimit("20"), 20);
  assert.throws(() => parseLimit("0"), /invalid --limit "0": expected a positive whole number/);
  assert.throws(() => parseLimit("8", "days", 7), /invalid --days "8": at most 7/);
});

Deno.test("every option of every command is listed in its help", async () => {
  for (const group of COMMAND_GROUPS) {
    for (const entry of group.commands) {
      const command = await entry.load();
      const help = optionsHelp(command.options);
      for (const [name, option] of Object.entries(command.options)) {
        assert.ok(help.includes(`--${name}`), `tm ${command.name} --${name} is in its help`);
        if (option.shownWith !== undefined) {
          assert.ok(command.options[option.shownWith], `${command.name}: ${option.shownWith}`);
        }
      }
    }
  }
});

Deno.test("tm complete renders a refused validation as the criteria report", async () => {
  const command = await COMMAND_GROUPS.flatMap((g) => g.commands)
    .find((c) => c.name === "complete")!.load();
  const report = {
    passed: false,
    total: 1,
    passed_count: 0,
    failed_count: 1,
    unverified_count: 0,
    criteria: [{
      position: 1,
      criterion: "tests pass",
      measurable: null,
      result: "failed" as const,
      reason: "checked: fail",
    }],
  };
  const error = new ValidationFailed("cannot complete", report);
  assert.equal(
    command.renderError?.(error),
    "Validation: FAILED (0/1 passed)\n  [!] 1. tests pass - failed: checked: fail",
  );
  assert.deepEqual(error.details, { validation: report });
  assert.equal(command.renderError?.(new TmError("validation", "other")), undefined);
});

Deno.test("tm delete returns a mirror it cannot remove as a warning instead of printing", async () => {
  const { testContext } = await import("../app/_test_context.ts");
  const { addTask } = await import("../app/add_task.ts");
  const { deleteCommand } = await import("./cmd_delete.ts");
  const { sharedContextMirror } = await import("../files/project_files.ts");
  const ctx = await testContext();
  const dataDir = await Deno.makeTempDir();
  try {
    const task = await addTask(ctx, { title: "doomed" });
    // A non-empty directory where the mirror file should be cannot be removed.
    await Deno.mkdir(`${dataDir}/shared_context/task_${task.id}.yaml/inside`, { recursive: true });
    const written: string[] = [];
    const io = { stdout: (t: string) => written.push(t), stderr: (t: string) => written.push(t) };
    const result = await deleteCommand.run({
      args: [task.id],
      flags: {},
      app: () => Promise.resolve({ ...ctx, mirror: sharedContextMirror(dataDir) }),
      location: { dataDir, dbPath: ":memory:", source: "override" },
      lockTimeoutMs: 0,
      database: () => Promise.reject(new Error("no database in this test")),
      json: false,
      io: io as unknown as Io,
    });
    assert.equal(result.text, `Task ${task.id} deleted`);
    assert.equal(result.warnings?.length, 1);
    assert.match(result.warnings![0]!, /^could not remove the shared-context mirror: /);
    assert.deepEqual(written, []);
  } finally {
    ctx.store.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
