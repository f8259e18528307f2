/**
 * Task templates: checking a parsed template, binding its variables and producing the plan
 * of tasks to create. Pure: parsing YAML and writing tasks happen elsewhere, so a template
 * that is wrong in any way is refused before anything is written.
 *
 * @module
 */

import { parseCapability } from "./capability.ts";
import { TmError, validationError } from "./errors.ts";
import { findAnyCycle, formatCycle } from "./graph.ts";
import {
  type CriterionInput,
  parsePriority,
  type Priority,
  validateAgentName,
  validateTitle,
} from "./task.ts";

/** A declared template variable. */
export interface TemplateVariable {
  name: string;
  description: string | null;
  /** Used when the variable is not given; a variable without one is required. */
  default: string | null;
}

/** One task of a template, before its variables are bound. */
export interface TemplateTask {
  key: string;
  title: string;
  description: string | null;
  priority: string | null;
  assignee: string | null;
  capabilities: string[];
  tags: string[];
  depends_on: string[];
  criteria: Array<{ criterion: string; measurable: string | null }>;
}

/** A checked template. */
export interface Template {
  name: string;
  description: string | null;
  /** Where it came from: "built-in" or the file path. */
  source: string;
  variables: TemplateVariable[];
  tasks: TemplateTask[];
}

/** A task ready to insert: variables bound, values validated. */
export interface PlannedTask {
  key: string;
  title: string;
  description: string | null;
  priority: Priority;
  assignee: string | null;
  capabilities: string[];
  tags: string[];
  criteria: CriterionInput[];
  /** Keys of the tasks (of the same plan) this one depends on. */
  depends_on: string[];
}

const KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_-]+)\s*\}\}/g;

function invalid(source: string, message: string): TmError {
  return validationError(`invalid template "${source}": ${message}`);
}

function text(value: unknown, where: string, source: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw invalid(source, `${where} must be text`);
}

function optionalText(value: unknown, where: string, source: string): string | null {
  return value === undefined || value === null ? null : text(value, where, source);
}

function textList(value: unknown, where: string, source: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(source, `${where} must be a list`);
  return value.map((item, i) => text(item, `${where}[${i}]`, source));
}

/**
 * Check a parsed template document: its shape, unique task keys, that every dependency
 * names a task of the template, that there is no cycle, and that every `{{var}}` used is
 * declared. `source` names it in errors.
 */
export function checkTemplate(doc: unknown, fallbackName: string, source: string): Template {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw invalid(source, "expected a mapping with tasks");
  }
  const d = doc as Record<string, unknown>;
  const name = optionalText(d.name, "name", source) ?? fallbackName;
  const varsDoc = d.variables ?? {};
  if (typeof varsDoc !== "object" || varsDoc === null || Array.isArray(varsDoc)) {
    throw invalid(source, "variables must be a mapping of name to {description, default}");
  }
  const variables: TemplateVariable[] = Object.entries(varsDoc).map(([varName, spec]) => {
    if (!KEY_PATTERN.test(varName)) throw invalid(source, `bad variable name "${varName}"`);
    const s = (spec ?? {}) as Record<string, unknown>;
    if (typeof s !== "object") throw invalid(source, `variable "${varName}" must be a mapping`);
    return {
      name: varName,
      description: optionalText(s.description, `variables.${varName}.description`, source),
      default: optionalText(s.default, `variables.${varName}.default`, source),
    };
  });
  if (!Array.isArray(d.tasks) || d.tasks.length === 0) {
    throw invalid(source, "tasks must be a non-empty list");
  }
  const tasks: TemplateTask[] = d.tasks.map((item, i) => {
    if (typeof item !== "object" || item === null) {
      throw invalid(source, `tasks[${i}] must be a mapping`);
    }
    const t = item as Record<string, unknown>;
    const key = text(t.key ?? `task${i + 1}`, `tasks[${i}].key`, source);
    if (!KEY_PATTERN.test(key)) throw invalid(source, `bad task key "${key}"`);
    const criteria = t.criteria === undefined || t.criteria === null ? [] : t.criteria;
    if (!Array.isArray(criteria)) throw invalid(source, `tasks[${i}].criteria must be a list`);
    return {
      key,
      title: text(t.title, `tasks[${i}].title`, source),
      description: optionalText(t.description, `tasks[${i}].description`, source),
      priority: optionalText(t.priority, `tasks[${i}].priority`, source),
      assignee: optionalText(t.assignee, `tasks[${i}].assignee`, source),
      capabilities: textList(t.capabilities, `tasks[${i}].capabilities`, source),
      tags: textList(t.tags, `tasks[${i}].tags`, source),
      depends_on: textList(t.depends_on, `tasks[${i}].depends_on`, source),
      criteria: criteria.map((c, j) => {
        const where = `tasks[${i}].criteria[${j}]`;
        if (typeof c === "string") return { criterion: c, measurable: null };
        const cr = (c ?? {}) as Record<string, unknown>;
        return {
          criterion: text(cr.criterion, `${where}.criterion`, source),
          measurable: optionalText(cr.measurable, `${where}.measurable`, source),
        };
      }),
    };
  });
  const keys = new Set<string>();
  for (const task of tasks) {
    if (keys.has(task.key)) throw invalid(source, `duplicate task key "${task.key}"`);
    keys.add(task.key);
  }
  for (const task of tasks) {
    for (const dep of task.depends_on) {
      if (!keys.has(dep)) {
        throw invalid(source, `task "${task.key}" depends on unknown task "${dep}"`);
      }
    }
  }
  const cycle = findAnyCycle(new Map(tasks.map((t) => [t.key, t.depends_on])));
  if (cycle !== null) {
    throw new TmError(
      "cycle",
      `invalid template "${source}": dependency cycle ${formatCycle(cycle)}`,
    );
  }
  const declared = new Set(variables.map((v) => v.name));
  for (const used of placeholdersOf(tasks)) {
    if (!declared.has(used)) {
      throw invalid(source, `{{${used}}} is used but not declared in variables`);
    }
  }
  return {
    name,
    description: optionalText(d.description, "description", source),
    source,
    variables,
    tasks,
  };
}

function placeholdersOf(tasks: readonly TemplateTask[]): Set<string> {
  const used = new Set<string>();
  for (const t of tasks) {
    const texts = [
      t.title,
      t.description,
      t.priority,
      t.assignee,
      ...t.capabilities,
      ...t.tags,
      ...t.criteria.flatMap((c) => [c.criterion, c.measurable]),
    ];
    for (const value of texts) {
      for (const match of (value ?? "").matchAll(PLACEHOLDER)) used.add(match[1]!);
    }
  }
  return used;
}

/** Parse `--var k=v` values; a repeated name is a usage mistake worth refusing. */
export function parseVarFlags(values: readonly string[]): Map<string, string> {
  const vars = new Map<string, string>();
  for (const value of values) {
    const eq = value.indexOf("=");
    if (eq <= 0) throw validationError(`invalid --var "${value}": expected NAME=VALUE`);
    const name = value.slice(0, eq).trim();
    if (vars.has(name)) throw validationError(`--var ${name} given twice`);
    vars.set(name, value.slice(eq + 1));
  }
  return vars;
}

/**
 * Bind `vars` to `template` and validate every resulting value. An unknown or missing
 * variable, or a bad value (title, priority, capability…), is a validation error.
 */
export function planTemplate(template: Template, vars: ReadonlyMap<string, string>): PlannedTask[] {
  const declared = new Map(template.variables.map((v) => [v.name, v]));
  for (const name of vars.keys()) {
    if (!declared.has(name)) {
      throw validationError(
        `template "${template.name}": unknown variable "${name}"`,
        `it takes: ${template.variables.map((v) => v.name).join(", ") || "no variables"}`,
      );
    }
  }
  const values = new Map<string, string>();
  const missing: string[] = [];
  for (const v of template.variables) {
    const value = vars.get(v.name) ?? v.default;
    if (value === null) missing.push(v.name);
    else values.set(v.name, value);
  }
  if (missing.length > 0) {
    throw validationError(
      `template "${template.name}": missing variable${missing.length > 1 ? "s" : ""} ${
        missing.join(", ")
      }`,
      `give ${missing.map((m) => `--var ${m}=VALUE`).join(" ")}`,
    );
  }
  const bind = (value: string) =>
    value.replace(PLACEHOLDER, (_, name: string) => values.get(name)!);
  return template.tasks.map((t) => {
    const where = `template "${template.name}", task "${t.key}"`;
    try {
      return {
        key: t.key,
        title: validateTitle(bind(t.title)),
        description: t.description === null ? null : bind(t.description),
        priority: t.priority === null ? "medium" : parsePriority(bind(t.priority)),
        assignee: t.assignee === null || bind(t.assignee) === ""
          ? null
          : validateAgentName(bind(t.assignee), "assignee"),
        capabilities: [...new Set(t.capabilities.map((c) => parseCapability(bind(c))))],
        tags: t.tags.map(bind).filter((tag) => tag.trim() !== ""),
        criteria: t.criteria.map((c) => ({
          criterion: bind(c.criterion),
          measurable: c.measurable === null ? null : bind(c.measurable),
        })),
        depends_on: t.depends_on,
      };
    } catch (error) {
      if (error instanceof TmError) {
        throw new TmError(
          error.code,
          `${where}: ${error.message}`,
          error.hint === undefined ? {} : { hint: error.hint },
        );
      }
      throw error;
    }
  });
}
