/**
 * The project's config: `.task-orchestrator/config/config.json`, the file tm reads, and
 * `config.yaml` beside the database, a human-readable copy in the original's layout that
 * tm writes with it and never reads. Reading is one small JSON file read (hot commands read
 * it only when they use a gated flag or are guarded by enforcement); writing is atomic,
 * through no symbolic link inside the data directory.
 *
 * @module
 */

import { type Config, configFrom, defaultConfig, FEATURES } from "../core/features.ts";
import { validationError } from "../core/errors.ts";
import { writeTextFileAtomic } from "./atomic.ts";
import { assertNoLinkInside } from "./contained.ts";

/** The config file of a data directory. */
export function configPath(dataDir: string): string {
  return `${dataDir}/config/config.json`;
}

/** The layout version of config.yaml (the original wrote its own config version there). */
const CONFIG_YAML_VERSION = 1;

/** The human-readable copy of the config, where the original kept its config. */
export function configYamlPath(dataDir: string): string {
  return `${dataDir}/config.yaml`;
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

/** Write the config atomically (readers see the old file or the new one), then config.yaml. */
export async function writeConfig(dataDir: string, config: Config): Promise<void> {
  await assertNoLinkInside(dataDir, configPath(dataDir));
  await Deno.mkdir(`${dataDir}/config`, { recursive: true });
  await assertNoLinkInside(dataDir, configPath(dataDir));
  await writeTextFileAtomic(configPath(dataDir), `${JSON.stringify(config, null, 2)}\n`);
  await writeConfigYaml(dataDir, config);
}

/** config.yaml's text: the original's keys (features, minimal_mode, ...) and the level. */
export function configYamlText(config: Config): string {
  const features = FEATURES.map((f) => `  ${f}: ${config.features[f]}`);
  return [
    "# Written by tm from config/config.json, which is the file tm reads: change settings",
    "# with tm config (edits here are overwritten).",
    "features:",
    ...features,
    `minimal_mode: ${FEATURES.every((f) => !config.features[f])}`,
    `telemetry_enabled: ${config.features.telemetry}`,
    `enforcement_level: ${config.enforcement_level}`,
    `version: ${CONFIG_YAML_VERSION}`,
    "",
  ].join("\n");
}

/** Write config.yaml atomically (never through a link planted in the data directory). */
export async function writeConfigYaml(dataDir: string, config: Config): Promise<void> {
  await assertNoLinkInside(dataDir, configYamlPath(dataDir));
  await writeTextFileAtomic(configYamlPath(dataDir), configYamlText(config));
}

/** Write config.yaml when it is missing (tm init, tm config --show); true if it was written. */
export async function ensureConfigYaml(dataDir: string, config?: Config): Promise<boolean> {
  try {
    await Deno.lstat(configYamlPath(dataDir));
    return false;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  await writeConfigYaml(dataDir, config ?? await readConfig(dataDir));
  return true;
}
