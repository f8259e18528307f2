/**
 * `tm template list|show|apply`: task templates (YAML) that create a set of linked tasks.
 *
 * @module
 */

import { applyPlan } from "../app/templates.ts";
import { usageError } from "../core/errors.ts";
import { parseVarFlags, planTemplate } from "../core/template.ts";
import { listTemplates, loadTemplate, templateDir } from "../files/templates.ts";
import { defineCommand } from "./command.ts";
import { oneLine } from "./output.ts";

/** The `template` command family. */
export const templateCommand = defineCommand({
  name: "template",
  usage: `Usage: tm template list
       tm template show NAME
       tm template apply NAME [--var NAME=VALUE]...

Templates are YAML files in .task-orchestrator/templates/NAME.yaml, plus the built-ins
"feature" and "bugfix" (a project file of the same name overrides a built-in).

apply creates every task of the template in one transaction, with dependencies between
them (by key), required capabilities, priorities, tags and success criteria. Variables
are written {{name}}; a missing or unknown variable is refused (exit 5), and so is a
template with a dependency cycle or a reference to an unknown key: nothing is written.
An unknown template is exit 3.

Template format:
  name: release
  description: Cut a release
  variables:
    version: { description: "the version, e.g. 1.2.0" }      # required
    priority: { default: high }                              # optional
  tasks:
    - key: notes
      title: "Write release notes for {{version}}"
      priority: "{{priority}}"
      capabilities: [docs]
      criteria: [{ criterion: "Notes list every change", measurable: "reviewed" }]
    - key: tag
      title: "Tag {{version}}"
      depends_on: [notes]`,
  options: {
    var: {
      type: "string",
      multiple: true,
      value: "NAME=VALUE",
      help: "(apply) a variable; repeatable",
    },
  },
  args: ["list|show|apply"],
  optionalArgs: ["NAME"],
  authors: true,
  async run({ args, flags, app, location }) {
    const [action, name] = args as [string, string | undefined];
    const vars = flags.var;
    if (action !== "apply" && vars.length > 0) {
      throw usageError(`template ${action}: --var only goes with "tm template apply"`);
    }
    if (action === "list") {
      const templates = await listTemplates(location.dataDir);
      return {
        data: { templates, directory: templateDir(location.dataDir) },
        text: templates.map((t) => `${t.name} (${t.source})`).join("\n"),
      };
    }
    if (name === undefined) {
      throw usageError(`template ${action}: missing argument NAME`, "see tm help template");
    }
    if (action === "show") {
      const template = await loadTemplate(location.dataDir, name);
      const lines = [
        `name: ${template.name}`,
        `source: ${template.source}`,
        `description: ${oneLine(template.description ?? "none")}`,
        "variables:",
        ...template.variables.map((v) =>
          `  ${v.name}${v.default === null ? " (required)" : ` (default "${oneLine(v.default)}")`}${
            v.description === null ? "" : `: ${oneLine(v.description)}`
          }`
        ),
        "tasks:",
        ...template.tasks.map((t) =>
          `  ${t.key}: ${oneLine(t.title)}${
            t.depends_on.length > 0 ? ` (after ${t.depends_on.join(", ")})` : ""
          }${t.capabilities.length > 0 ? ` [needs ${t.capabilities.join(", ")}]` : ""}`
        ),
      ];
      return { data: { template }, text: lines.join("\n") };
    }
    if (action === "apply") {
      const template = await loadTemplate(location.dataDir, name);
      const plan = planTemplate(template, parseVarFlags(vars));
      const created = await applyPlan(await app(), template.name, plan);
      return {
        data: { template: template.name, tasks: created, count: created.length },
        text: [
          `Applied template ${template.name}: ${created.length} tasks`,
          ...created.map((c) =>
            `Task created with ID: ${c.task.id} (${c.key}: ${
              oneLine(c.task.title)
            } - ${c.task.status})`
          ),
        ].join("\n"),
      };
    }
    throw usageError(
      `template: unknown action "${action}"`,
      'use "tm template list", "show" or "apply"',
    );
  },
});
