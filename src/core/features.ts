/**
 * Feature flags (`tm config`): the features, their defaults, minimal mode and the refusal
 * of a disabled feature. Pure: reading and writing the config file is in src/files/.
 *
 * @module
 */

import {
  DEFAULT_ENFORCEMENT_LEVEL,
  type EnforcementLevel,
  isEnforcementLevel,
} from "./enforcement.ts";
import { TmError, validationError } from "./errors.ts";

/** Every feature that can be switched on or off. */
export const FEATURES = [
  "success-criteria",
  "feedback",
  "telemetry",
  "completion-summaries",
  "time-tracking",
  "deadlines",
] as const;
/** A feature name. */
export type Feature = typeof FEATURES[number];

/** The stored configuration. */
export interface Config {
  features: Record<Feature, boolean>;
  /** Orchestration enforcement for guarded commands (`tm config --enforcement-level`). */
  enforcement_level: EnforcementLevel;
}

/** Defaults: everything on except telemetry, which records only when asked to. */
export function defaultConfig(): Config {
  return {
    features: {
      "success-criteria": true,
      feedback: true,
      telemetry: false,
      "completion-summaries": true,
      "time-tracking": true,
      deadlines: true,
    },
    enforcement_level: DEFAULT_ENFORCEMENT_LEVEL,
  };
}

/** Minimal mode: every optional feature off, as the original's `--minimal-mode`. */
export function minimalConfig(): Config {
  const config = defaultConfig();
  for (const feature of FEATURES) config.features[feature] = false;
  return config;
}

/** Parse a feature name typed by a user; an unknown one is an error listing the valid ones. */
export function parseFeature(value: string): Feature {
  const name = value.trim().toLowerCase().replaceAll("_", "-");
  if ((FEATURES as readonly string[]).includes(name)) return name as Feature;
  throw validationError(`unknown feature "${value}"`, `valid features: ${FEATURES.join(", ")}`);
}

/**
 * Build a config from parsed JSON, keeping defaults for missing features and ignoring
 * unknown keys (a config written by a newer tm still loads).
 */
export function configFrom(value: unknown): Config {
  const config = defaultConfig();
  const features = (value as { features?: unknown } | null)?.features;
  if (typeof features === "object" && features !== null) {
    for (const feature of FEATURES) {
      const flag = (features as Record<string, unknown>)[feature];
      if (typeof flag === "boolean") config.features[feature] = flag;
    }
  }
  const level = (value as { enforcement_level?: unknown } | null)?.enforcement_level;
  if (isEnforcementLevel(level)) config.enforcement_level = level;
  return config;
}

/** Refuse `what` (a flag or command) when `feature` is disabled (exit 5). */
export function requireFeature(config: Config, feature: Feature, what: string): void {
  if (config.features[feature]) return;
  throw new TmError("validation", `${what} is disabled: feature "${feature}" is off`, {
    hint: `enable it with: tm config --enable ${feature}`,
    details: { feature },
  });
}
