/**
 * The one lazy load of npm:yaml (templates, the shared-context mirror, attached documents).
 *
 * @module
 */

type Yaml = typeof import("npm:yaml@^2.9.1");

// One promise for the whole process: two first loads of a CommonJS package racing in one
// isolate (concurrent in-process runs, the server's requests) were seen to observe it half
// initialised ("Directives is not a constructor"); every caller shares this one load instead.
let loading: Promise<Yaml> | undefined;

/** npm:yaml, loaded on first use only, so commands that never touch YAML do not pay for it. */
export function loadYaml(): Promise<Yaml> {
  loading ??= import("npm:yaml@^2.9.1");
  return loading;
}
