/**
 * Strict parsing of one command's own options and positional arguments.
 *
 * Written here rather than taken from `node:util`'s `parseArgs`: importing `node:util` costs
 * ~4 MiB of resident memory in every tm process (measured; docs/performance.md), which the
 * 45 MiB budget of a hot command cannot afford. It does what commands need and nothing more:
 * `--name value`, `--name=value`, `-n value`, `-nvalue`, booleans, repeatable options, `--`,
 * and errors for unknown options, missing values and single-value options given twice.
 * Also the shape of a declared option (its help too) and the typed values `run` receives.
 *
 * @module
 */

import { usageError } from "../core/errors.ts";

/** One option of a command, as the parser needs it. */
export interface OptionSpec {
  type: "string" | "boolean";
  /** A one-letter alias (`-d`). */
  short?: string;
  /** May be given more than once; its value is then an array. */
  multiple?: boolean;
  /**
   * Also takes the words that follow its value, up to the next option (`--depends-on A B C`),
   * as the original tm does; only once the command's required arguments have been given, so
   * `tm add --file a.py "Title"` still reads "Title" as the title.
   */
  variadic?: boolean;
}

/** A command's options, by long name. */
export type OptionsConfig = Readonly<Record<string, OptionSpec>>;

/** How an option reads in the help: a value placeholder for string options only. */
type OptionKind =
  | { type: "string"; /** The value's placeholder in help, e.g. `DURATION`. */ value: string }
  | { type: "boolean"; value?: never };

/** Where an option is explained: on its own help line, or on the line of another option. */
type OptionHelp =
  | {
    /** The help line; each "\n" starts a continuation line under the first. */
    help: string;
    /** The left column, when not "-s, --name VALUE" (e.g. "--pass | --fail"). */
    label?: string;
    shownWith?: never;
  }
  | {
    /** The option whose help line also names this one (in its `label`). */
    shownWith: string;
    help?: never;
    label?: never;
  };

/** One option as a command declares it: how it parses and how its help reads. */
export type OptionDeclaration =
  & {
    /** A one-letter alias (`-d`). */
    short?: string;
    /** May be given more than once; its value is then an array. */
    multiple?: boolean;
    /** Takes the following words too, up to the next option (see {@link OptionSpec}). */
    variadic?: boolean;
  }
  & OptionKind
  & OptionHelp;

/** A command's declared options, by long name, in the order the help lists them. */
export type OptionDeclarations = Readonly<Record<string, OptionDeclaration>>;

/** `depends-on` -> `dependsOn`: how an option's name reads as a property of `flags`. */
export type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/**
 * The typed values of declared options, by camel-cased name: a boolean is `true` when
 * given, a repeatable option is every value given (possibly none), a single-value option is
 * its value or `undefined`.
 */
export type OptionValues<O> = {
  readonly [K in keyof O & string as CamelCase<K>]: O[K] extends { readonly type: "boolean" }
    ? boolean
    : O[K] extends { readonly multiple: true } ? string[]
    : string | undefined;
};

/** Parsed option values (absent options are absent) and positional arguments. */
export interface ParsedFlags {
  values: Record<string, string | boolean | Array<string | boolean>>;
  positionals: string[];
}

/** The long name of `arg` (`--name`, `--name=…` or `-n`) if it is one of `options`. */
export function optionName(options: OptionsConfig, arg: string): string | undefined {
  if (arg.startsWith("--")) {
    const name = arg.slice(2).split("=", 1)[0]!;
    return Object.hasOwn(options, name) ? name : undefined;
  }
  if (/^-[A-Za-z]/.test(arg)) {
    return Object.keys(options).find((name) => options[name]!.short === arg[1]);
  }
  return undefined;
}

/**
 * Parse `argv` strictly against `options`. Errors are usage errors prefixed with `command`.
 * `required` is how many positional arguments the command needs: a variadic option takes
 * further words only once that many have been seen.
 *
 * @example
 * ```ts
 * import { parseFlags } from "./flags.ts";
 * parseFlags("add", ["x", "-p", "high"], { priority: { type: "string", short: "p" } });
 * // { values: { priority: "high" }, positionals: ["x"] }
 * ```
 */
export function parseFlags(
  command: string,
  argv: readonly string[],
  options: OptionsConfig,
  required = 0,
): ParsedFlags {
  const values: ParsedFlags["values"] = {};
  const positionals: string[] = [];
  const fail = (message: string) =>
    usageError(`${command}: ${message}`, `see "tm help ${command}"`);
  const set = (name: string, value: string | boolean) => {
    const spec = options[name]!;
    if (spec.multiple === true) {
      const list = (values[name] ?? []) as Array<string | boolean>;
      list.push(value);
      values[name] = list;
    } else if (name in values) {
      throw fail(`option --${name} given twice`);
    } else {
      values[name] = value;
    }
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    // "-" (stdin) and negative numbers are arguments, not options.
    if (!arg.startsWith("-") || arg === "-" || /^-\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    const name = optionName(options, arg);
    if (name === undefined) throw fail(`unknown option ${arg.split("=", 1)[0]}`);
    const spec = options[name]!;
    const long = arg.startsWith("--");
    const inline = long
      ? (arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : undefined)
      : (arg.length > 2 ? arg.slice(2) : undefined);
    if (spec.type === "boolean") {
      if (inline !== undefined) throw fail(`option --${name} does not take a value`);
      set(name, true);
    } else if (inline !== undefined) {
      set(name, inline);
    } else if (i + 1 < argv.length) {
      set(name, argv[++i]!);
    } else {
      throw fail(`option --${name} needs a value`);
    }
    if (spec.variadic === true && positionals.length >= required) {
      while (i + 1 < argv.length && !argv[i + 1]!.startsWith("-")) set(name, argv[++i]!);
    }
  }
  return { values, positionals };
}

/** Turn parsed values into the typed values of `options` (absent booleans false, lists []). */
export function optionValues<const O extends OptionsConfig>(
  options: O,
  values: Readonly<Record<string, string | boolean | Array<string | boolean> | undefined>>,
): OptionValues<O> {
  const typed: Record<string, string | boolean | string[] | undefined> = {};
  for (const name of Object.keys(options)) {
    const spec = options[name]!;
    const value = values[name];
    const key = name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
    if (spec.type === "boolean") typed[key] = value === true || Array.isArray(value);
    else if (spec.multiple === true) {
      typed[key] = (Array.isArray(value) ? value : value === undefined ? [] : [value])
        .filter((v): v is string => typeof v === "string");
    } else typed[key] = typeof value === "string" ? value : undefined;
  }
  return typed as OptionValues<O>;
}
