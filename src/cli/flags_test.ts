import assert from "node:assert/strict";
import { TmError } from "../core/errors.ts";
import { type OptionsConfig, parseFlags } from "./flags.ts";

const OPTIONS: OptionsConfig = {
  description: { type: "string", short: "d" },
  tag: { type: "string", multiple: true },
  force: { type: "boolean" },
};

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof TmError && error.code === "usage") return error.message;
    throw error;
  }
  throw new Error("expected a usage error");
}

Deno.test("parseFlags() reads long, short, inline and attached values", () => {
  assert.deepEqual(parseFlags("add", ["t", "--description", "x"], OPTIONS), {
    values: { description: "x" },
    positionals: ["t"],
  });
  assert.deepEqual(parseFlags("add", ["-d", "y", "t"], OPTIONS).values, { description: "y" });
  assert.deepEqual(parseFlags("add", ["-dz"], OPTIONS).values, { description: "z" });
  assert.deepEqual(parseFlags("add", ["--description="], OPTIONS).values, { description: "" });
  assert.deepEqual(parseFlags("add", ["--description=a=b"], OPTIONS).values, {
    description: "a=b",
  });
});

Deno.test("parseFlags() collects repeatable options and booleans", () => {
  assert.deepEqual(parseFlags("add", ["--tag", "a", "--force", "--tag=b"], OPTIONS).values, {
    tag: ["a", "b"],
    force: true,
  });
});

Deno.test("parseFlags() keeps -, negative numbers and everything after -- as arguments", () => {
  assert.deepEqual(parseFlags("x", ["-", "-5", "--", "--force", "-d"], OPTIONS), {
    values: {},
    positionals: ["-", "-5", "--force", "-d"],
  });
});

Deno.test("parseFlags() refuses unknown options, missing values, repeats and boolean values", () => {
  assert.match(usage(() => parseFlags("add", ["--nope"], OPTIONS)), /^add: unknown option --nope$/);
  assert.match(usage(() => parseFlags("add", ["--nope=1"], OPTIONS)), /unknown option --nope$/);
  assert.match(usage(() => parseFlags("add", ["-x"], OPTIONS)), /unknown option -x$/);
  assert.match(
    usage(() => parseFlags("add", ["-d"], OPTIONS)),
    /option --description needs a value/,
  );
  assert.match(
    usage(() => parseFlags("add", ["-d", "a", "--description", "b"], OPTIONS)),
    /option --description given twice/,
  );
  assert.match(usage(() => parseFlags("add", ["--force=yes"], OPTIONS)), /does not take a value/);
});

Deno.test("parseFlags() gives a variadic option the words up to the next option", () => {
  const options = { file: { type: "string", multiple: true, variadic: true } } as const;
  const withP = { ...options, priority: { type: "boolean", short: "p" } } as const;
  assert.deepEqual(parseFlags("add", ["T", "--file", "a", "b", "-p"], withP, 1), {
    values: { file: ["a", "b"], priority: true },
    positionals: ["T"],
  });
  // Before the required arguments are in, it takes one value: "T" stays the title.
  assert.deepEqual(parseFlags("add", ["--file", "a", "T"], options, 1), {
    values: { file: ["a"] },
    positionals: ["T"],
  });
  assert.deepEqual(parseFlags("add", ["T", "--file=a", "b", "--", "c"], options, 1), {
    values: { file: ["a", "b"] },
    positionals: ["T", "c"],
  });
});
