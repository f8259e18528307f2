/**
 * The feature-flag file `.task-orchestrator/config/config.json`. Reading it is one small
 * JSON file read (hot commands read it only when they use a gated flag); writing is atomic.
 *
 * @module
 */

import { type Config, configFrom, defaultConfig } from "../core/features.ts";
import { validationError } from "../core/errors.ts";
import { writeTextFileAtomic } from "./atomic.ts";
import { assertNoLinkInside } from "./contained.ts";

/** The config file of a data directory. */
export function configPath(dataDir: string): string {
  return `${dataDir}/config/config.json`;
}

/** Read the config; a missing file means the defaults. A file that is not JSON is an error. */
export async function readConfig(dataDir: string): Promise<Config> {
  let text: string;
  await assertNoLinkInside(dataDir, configPath(dataDir));
  try {
    text = await Deno.readTextFile(configPath(dataDir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return defaultConfig();
    throw error;
  }
  try {
    return configFrom(JSON.parse(text));
  } catch {
    throw validationError(
      `invalid config file "${configPath(dataDir)}": not JSON`,
      "fix it by hand or run: tm config --reset",
    );
  }
}

/** Write the config atomically (readers see the old file or the new one). */
export async function writeConfig(dataDir: string, config: Config): Promise<void> {
  await assertNoLinkInside(dataDir, configPath(dataDir));
  await Deno.mkdir(`${dataDir}/config`, { recursive: true });
  await assertNoLinkInside(dataDir, configPath(dataDir));
  await writeTextFileAtomic(configPath(dataDir), `${JSON.stringify(config, null, 2)}\n`);
}
