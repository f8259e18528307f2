/**
 * Refusing flags and commands of disabled features. The config file is read only when a
 * gated flag is actually used, so the hot commands pay nothing otherwise.
 *
 * @module
 */

import type { Feature } from "../core/features.ts";
import type { DataLocation } from "../files/data_dir.ts";

/** Refuse (exit 5) the first used flag whose feature is off. `uses` pairs feature and flag. */
export async function requireFeatures(
  location: DataLocation,
  uses: ReadonlyArray<readonly [Feature, string, boolean]>,
): Promise<void> {
  const used = uses.filter(([, , isUsed]) => isUsed);
  if (used.length === 0) return;
  const { readConfig } = await import("../files/config.ts");
  const { requireFeature } = await import("../core/features.ts");
  const config = await readConfig(location.dataDir);
  for (const [feature, what] of used) requireFeature(config, feature, what);
}
