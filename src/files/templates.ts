/**
 * Task templates on disk (`.task-orchestrator/templates/*.yaml`) and built in. YAML is
 * imported lazily: only `tm template` pays for it.
 *
 * @module
 */

import { notFoundError, validationError } from "../core/errors.ts";
import { assertNoLinkInside } from "./contained.ts";
import { loadYaml } from "./yaml.ts";
import { checkTemplate, type Template } from "../core/template.ts";

/**
 * Built-in templates, as YAML text (a project file of the same name overrides one). They
 * name no capabilities, so their tasks can be claimed by any agent out of the box; a project
 * that routes work copies one into templates/ and adds `capabilities:` to its tasks.
 */
export const BUILT_IN_TEMPLATES: Readonly<Record<string, string>> = {
  feature: `name: feature
description: A feature from design to review, with tests
variables:
  feature:
    description: what the feature is, e.g. "CSV export"
  priority:
    description: priority of every task
    default: medium
tasks:
  - key: design
    title: "Design {{feature}}"
    priority: "{{priority}}"
    criteria:
      - criterion: "The design of {{feature}} is written down and agreed"
  - key: implement
    title: "Implement {{feature}}"
    priority: "{{priority}}"
    depends_on: [design]
    criteria:
      - criterion: "{{feature}} works end to end"
  - key: test
    title: "Test {{feature}}"
    priority: "{{priority}}"
    depends_on: [design]
    criteria:
      - criterion: "Automated tests cover {{feature}}"
        measurable: "the test suite passes"
  - key: review
    title: "Review {{feature}}"
    priority: "{{priority}}"
    depends_on: [implement, test]
`,
  bugfix: `name: bugfix
description: Reproduce, fix and verify a bug
variables:
  bug:
    description: the bug, in a few words
  priority:
    default: high
tasks:
  - key: reproduce
    title: "Reproduce: {{bug}}"
    priority: "{{priority}}"
    criteria:
      - criterion: "A failing test reproduces {{bug}}"
  - key: fix
    title: "Fix: {{bug}}"
    priority: "{{priority}}"
    depends_on: [reproduce]
    criteria:
      - criterion: "The reproducing test passes"
  - key: verify
    title: "Verify the fix: {{bug}}"
    priority: "{{priority}}"
    depends_on: [fix]
`,
};

/** A template's name and where it lives, for `tm template list`. */
export interface TemplateEntry {
  name: string;
  source: string;
}

/** The project's template directory. */
export function templateDir(dataDir: string): string {
  return `${dataDir}/templates`;
}

async function projectFiles(dataDir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  try {
    for await (const entry of Deno.readDir(templateDir(dataDir))) {
      const match = /^([A-Za-z0-9_-]+)\.ya?ml$/.exec(entry.name);
      if (entry.isFile && match) files.set(match[1]!, `${templateDir(dataDir)}/${entry.name}`);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return files;
}

/** Every template: the project's files, then the built-ins they do not override. */
export async function listTemplates(dataDir: string): Promise<TemplateEntry[]> {
  const files = await projectFiles(dataDir);
  const entries = [...files].map(([name, path]) => ({
    name,
    source: path.slice(path.lastIndexOf("/templates/") + 1),
  }));
  for (const name of Object.keys(BUILT_IN_TEMPLATES)) {
    if (!files.has(name)) entries.push({ name, source: "built-in" });
  }
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}

/** Load and check one template by name (exit 3 when there is none, 5 when it is invalid). */
export async function loadTemplate(dataDir: string, name: string): Promise<Template> {
  const path = (await projectFiles(dataDir)).get(name);
  if (path !== undefined) await assertNoLinkInside(dataDir, path);
  const yamlText = path !== undefined
    ? await Deno.readTextFile(path)
    : Object.hasOwn(BUILT_IN_TEMPLATES, name)
    ? BUILT_IN_TEMPLATES[name]
    : undefined;
  if (yamlText === undefined) {
    throw notFoundError(`template "${name}" not found`, "tm template list shows the templates");
  }
  // Named relative to the data directory, so messages do not depend on where it is.
  const source = path === undefined ? "built-in" : path.slice(path.lastIndexOf("/templates/") + 1);
  const YAML = await loadYaml();
  let doc: unknown;
  try {
    doc = YAML.parse(yamlText, { maxAliasCount: 100 });
  } catch (error) {
    throw validationError(
      `invalid template "${source}": ${(error as Error).message.split("\n")[0]}`,
    );
  }
  return checkTemplate(doc, name, source);
}
