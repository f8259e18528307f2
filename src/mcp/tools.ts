/**
 * The MCP tool set: eight tools, each a terse description, an exact input schema and an output
 * schema, and the `tm` command line(s) a call stands for. A tool call is planned into CLI
 * argument lists and run by the CLI itself (see bridge.ts), so its `structuredContent` is the
 * `--json` document of the same command, by construction rather than by a second copy of the
 * code that builds it. The whole `tools/list` result is kept under 2,400 characters (~600
 * tokens, a test checks): every tool schema an agent loads costs it context for the session.
 *
 * @module
 */

import { TmError, usageError } from "../core/errors.ts";

/** The subset of JSON Schema the tool inputs use (and {@link checkArguments} enforces). */
export interface PropertySchema {
  type: "string" | "integer" | "boolean" | "array";
  description?: string;
  enum?: readonly string[];
  minimum?: number;
  items?: { type: "string" };
}

/** An input schema: an object with known properties and nothing else. */
export interface InputSchema {
  type: "object";
  properties?: Record<string, PropertySchema>;
  required?: readonly string[];
  additionalProperties: false;
}

/** A tool as `tools/list` shows it. */
export interface ToolDefinition {
  name: string;
  description: string;
  inputSchema: InputSchema;
  outputSchema: Record<string, unknown>;
}

/** Checked tool arguments. */
export type ToolArguments = Record<string, string | number | boolean | string[]>;

const id = { type: "string" } as const;
const text = { type: "string" } as const;
const strings = { type: "array", items: { type: "string" } } as const;
const PRIORITY = { type: "string", enum: ["low", "medium", "high", "critical"] } as const;
// in_progress and completed are what claim and complete are for.
const STATUS = { type: "string", enum: ["pending", "blocked", "cancelled"] } as const;
const TTL = { type: "string" } as const;

function input(properties: Record<string, PropertySchema>, required: string[] = []): InputSchema {
  return {
    type: "object",
    ...(Object.keys(properties).length === 0 ? {} : { properties }),
    ...(required.length === 0 ? {} : { required }),
    additionalProperties: false,
  };
}

/** An output schema naming the top-level fields of the command's `--json` document. */
function output(required: string[]): Record<string, unknown> {
  return { type: "object", ...(required.length === 0 ? {} : { required }) };
}

/** Every tool, in the order `tools/list` gives them. */
export const TOOLS: readonly ToolDefinition[] = [
  {
    name: "prime",
    description: "Start here: your tasks, ready work, news.",
    inputSchema: input({}),
    outputSchema: output([]),
  },
  {
    name: "ready",
    description: "Tasks you may start, best first.",
    inputSchema: input({ limit: { type: "integer", minimum: 1 }, mine: { type: "boolean" } }),
    outputSchema: output([]),
  },
  {
    name: "claim",
    description: "Take a task (lease ttl e.g. 30m); no id: best ready.",
    inputSchema: input({ id, ttl: TTL }),
    outputSchema: output(["task"]),
  },
  {
    name: "show",
    description: "A task in full.",
    inputSchema: input({ id }, ["id"]),
    outputSchema: output(["task"]),
  },
  {
    name: "add",
    description: "Create a task.",
    inputSchema: input({
      title: text,
      description: text,
      priority: PRIORITY,
      depends_on: strings,
      criteria: strings,
    }, ["title"]),
    outputSchema: output(["task"]),
  },
  {
    name: "update",
    description: "One of: status; progress note; heartbeat (renew lease); release.",
    inputSchema: input({
      id,
      status: STATUS,
      progress: text,
      heartbeat: { type: "boolean" },
      release: { type: "boolean" },
    }, ["id"]),
    outputSchema: output([]),
  },
  {
    name: "complete",
    description: "Finish a task.",
    inputSchema: input({
      id,
      summary: text,
      evidence: { ...strings, description: "[i]: proof criterion i+1 passed" },
      validate: { type: "boolean" },
    }, ["id"]),
    outputSchema: output(["task"]),
  },
  {
    name: "share",
    description: "Share a finding on a task.",
    inputSchema: input({ id, message: text }, ["id", "message"]),
    outputSchema: output([]),
  },
];

/** The tools that only read: what a read-only token may call over HTTP. */
export const READ_ONLY_TOOLS: ReadonlySet<string> = new Set(["prime", "ready", "show"]);

const BY_NAME = new Map(TOOLS.map((tool) => [tool.name, tool]));

/** The tool called `name`, if there is one. */
export function findTool(name: string): ToolDefinition | undefined {
  return BY_NAME.get(name);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  return typeof value === "number" && !Number.isInteger(value) ? "a fraction" : typeof value;
}

function checkValue(tool: string, key: string, schema: PropertySchema, value: unknown): void {
  const where = `${tool}: argument "${key}"`;
  if (schema.type === "array") {
    if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
      throw usageError(`${where} must be an array of strings, not ${describe(value)}`);
    }
    return;
  }
  const ok = schema.type === "integer"
    ? typeof value === "number" && Number.isInteger(value)
    : schema.type === "boolean"
    ? typeof value === "boolean"
    : typeof value === "string";
  if (!ok) {
    throw usageError(
      `${where} must be ${schema.type === "integer" ? "an" : "a"} ${schema.type}, not ${
        describe(value)
      }`,
    );
  }
  if (schema.enum !== undefined && !schema.enum.includes(value as string)) {
    throw usageError(`${where} must be one of ${schema.enum.join(", ")}`);
  }
  if (schema.minimum !== undefined && (value as number) < schema.minimum) {
    throw usageError(`${where} must be at least ${schema.minimum}`);
  }
}

/**
 * Check `args` against the tool's input schema exactly: no unknown keys, every required key,
 * each value of its declared type. A mismatch is a usage error (exit code 2 in the CLI).
 */
export function checkArguments(tool: ToolDefinition, args: Record<string, unknown>): ToolArguments {
  const { properties = {}, required = [] } = tool.inputSchema;
  for (const key of Object.keys(args)) {
    if (!Object.hasOwn(properties, key)) {
      const known = Object.keys(properties);
      throw usageError(
        `${tool.name}: unknown argument "${key}"`,
        known.length === 0 ? "it takes no arguments" : `arguments: ${known.join(", ")}`,
      );
    }
    checkValue(tool.name, key, properties[key]!, args[key]);
  }
  for (const key of required) {
    if (!Object.hasOwn(args, key)) throw usageError(`${tool.name}: missing argument "${key}"`);
  }
  return args as ToolArguments;
}

function str(args: ToolArguments, key: string): string | undefined {
  const value = args[key];
  return typeof value === "string" ? value : undefined;
}

/** `--name=value` for each given string argument (the "=" keeps values that start with "-"). */
function options(args: ToolArguments, names: Record<string, string>): string[] {
  const argv: string[] = [];
  for (const [key, flag] of Object.entries(names)) {
    const value = str(args, key);
    if (value !== undefined) argv.push(`--${flag}=${value}`);
  }
  return argv;
}

function updatePlan(args: ToolArguments): string[][] {
  const taskId = str(args, "id")!;
  const plans: Record<string, string[] | undefined> = {
    status: "status" in args
      ? ["update", `--status=${str(args, "status")}`, "--", taskId]
      : undefined,
    progress: "progress" in args ? ["progress", "--", taskId, str(args, "progress")!] : undefined,
    heartbeat: args.heartbeat === true ? ["heartbeat", "--", taskId] : undefined,
    release: args.release === true ? ["release", "--", taskId] : undefined,
  };
  const chosen = Object.keys(plans).filter((key) => plans[key] !== undefined);
  if (chosen.length !== 1) {
    throw usageError(
      chosen.length === 0
        ? "update: nothing to do"
        : `update: one change per call, got ${chosen.join(" and ")}`,
      "give one of status, progress, heartbeat: true or release: true",
    );
  }
  return [plans[chosen[0]!]!];
}

function list(args: ToolArguments, key: string): string[] {
  const value = args[key];
  return Array.isArray(value) ? value : [];
}

/**
 * The `tm` command lines (without global options) a checked call runs, in order. The last
 * one's `--json` document is the call's result; earlier ones record what it builds on
 * (complete's evidence).
 */
export function planCall(tool: string, args: ToolArguments): string[][] {
  const taskId = str(args, "id");
  const positional = taskId === undefined ? [] : ["--", taskId];
  switch (tool) {
    case "prime":
      return [["prime"]];
    case "ready":
      return [[
        "ready",
        ...(args.limit === undefined ? [] : [`--limit=${args.limit}`]),
        ...(args.mine === true ? ["--mine"] : []),
      ]];
    case "claim":
      return [["claim", ...options(args, { ttl: "ttl" }), ...positional]];
    case "show":
      return [["show", ...positional]];
    case "add": {
      const criteria = list(args, "criteria");
      return [[
        "add",
        ...options(args, { description: "description", priority: "priority" }),
        ...list(args, "depends_on").map((dep) => `--depends-on=${dep}`),
        ...(criteria.length === 0 ? [] : [`--criteria=${JSON.stringify(criteria)}`]),
        "--",
        str(args, "title")!,
      ]];
    }
    case "update":
      return updatePlan(args);
    case "complete": {
      const checks = list(args, "evidence").flatMap((note, index) =>
        note.trim() === ""
          ? []
          : [["criteria", `--check=${index + 1}`, "--pass", `--note=${note}`, ...positional]]
      );
      return [
        ...checks,
        [
          "complete",
          ...options(args, { summary: "summary" }),
          ...(args.validate === true ? ["--validate"] : []),
          ...positional,
        ],
      ];
    }
    case "share":
      return [["share", "--", taskId!, str(args, "message")!]];
    default:
      throw new TmError("usage", `unknown tool "${tool}"`);
  }
}
