/**
 * Refusing what a disabled feature covers (`tm config --disable …`), in the use cases, so
 * that every way in — a command's flags, `tm import`, `tm template apply`, a worker — is
 * gated alike. The configuration is read only when a gated thing is actually used, so hot
 * commands pay nothing otherwise.
 *
 * @module
 */

import type { Feature } from "../core/features.ts";
import type { AppContext } from "./context.ts";

/** One gated use: the feature, what the refusal names, and whether it is used this time. */
export type FeatureUse = readonly [feature: Feature, what: string, used: boolean];

/** Refuse (exit 5) the first used thing whose feature is off. */
export async function requireFeatures(
  ctx: Pick<AppContext, "features">,
  uses: readonly FeatureUse[],
): Promise<void> {
  const used = uses.filter(([, , isUsed]) => isUsed);
  if (used.length === 0) return;
  // Loaded only when something gated is used, like the configuration itself.
  const { defaultConfig, requireFeature } = await import("../core/features.ts");
  const config = ctx.features === undefined ? defaultConfig() : await ctx.features();
  for (const [feature, what] of used) requireFeature(config, feature, what);
}
