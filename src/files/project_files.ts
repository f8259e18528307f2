/**
 * The files beside a project's database, as the ports the use cases take (`AppContext`'s
 * `mirror` and `features`). Each loads its module on first use, so a command that never
 * shares context or uses a gated feature never loads the YAML renderer or reads the config.
 *
 * @module
 */

import type { ContextEntry } from "../core/collaboration.ts";
import type { Config } from "../core/features.ts";

/**
 * The mirror's writer (and with it npm:yaml's loader and the link checks), loaded when a mirror
 * is written: the specifier is computed so Deno does not read it at start-up.
 */
function loadSharedContext(): Promise<typeof import("./shared_context.ts")> {
  return import(new URL("./shared_context.ts", import.meta.url).href);
}

/** The shared-context mirror of the project in `dataDir`. */
export function sharedContextMirror(dataDir: string): {
  write(
    task: { task_id: string; title: string },
    entries: readonly ContextEntry[],
  ): Promise<string>;
  remove(taskId: string): Promise<void>;
} {
  return {
    async write(task, entries) {
      const { writeSharedContext } = await loadSharedContext();
      return writeSharedContext(dataDir, task, entries);
    },
    async remove(taskId) {
      const { removeSharedContext } = await loadSharedContext();
      await removeSharedContext(dataDir, taskId);
    },
  };
}

/** The feature configuration of the project in `dataDir`, read once, on first call. */
export function featureConfig(dataDir: string): () => Promise<Config> {
  let config: Promise<Config> | undefined;
  return () => {
    // Computed: commands that never ask (list, show, ready) do not read the config reader.
    config ??= (import(new URL("./config.ts", import.meta.url).href) as Promise<
      typeof import("./config.ts")
    >).then(({ readConfig }) => readConfig(dataDir));
    return config;
  };
}
