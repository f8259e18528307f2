/**
 * `tm config`: feature flags and the orchestration enforcement level, stored as JSON in
 * `.task-orchestrator/config/`, with a human-readable `config.yaml` beside the database.
 *
 * @module
 */

import type { Config } from "../core/features.ts";
import { TmError, usageError } from "../core/errors.ts";
import { databaseExists } from "../files/data_dir.ts";
import { databaseTarget } from "../files/database_config.ts";
import { defineCommand } from "./command.ts";

function configText(config: Config): string {
  return [
    "Features:",
    ...Object.entries(config.features).map(([f, on]) => `  ${f}: ${on ? "enabled" : "disabled"}`),
    `Enforcement level: ${config.enforcement_level}`,
  ].join("\n");
}

/** The `config` command. */
export const configCommand = defineCommand({
  name: "config",
  usage: `Usage: tm config [--show] [--enable F]... [--disable F]... [--minimal-mode] [--reset]
       tm config --enforcement-level strict|standard|advisory | --show-enforcement
       tm config --enforce-usage true|false   (also --enforce-orchestration)

Feature flags and the orchestration enforcement level, stored as JSON in
.task-orchestrator/config/config.json (written atomically); config.yaml beside the
database is a readable copy, written with it. A disabled feature's flags and commands are
refused with exit 5 and a message naming how to enable it. With no option, or with --show,
prints every setting.

Features:
  success-criteria       tm add --criteria, tm criteria, tm complete --validate
  feedback               tm feedback, tm metrics --feedback
  telemetry              local usage log in .task-orchestrator/telemetry/ (off by default)
  completion-summaries   tm complete --summary
  time-tracking          --estimated-hours, tm complete --actual-hours
  deadlines              tm add --deadline, tm update --deadline

Enforcement levels (tm help enforcement): advisory (the default) runs the guarded
commands (add join share note discover sync context assign watch template) and notes a
missing TM_AGENT_ID on stderr; standard blocks them when TM_AGENT_ID, a reachable tm or
the database is missing, asking "Continue anyway?" on a terminal; strict always blocks.`,
  options: {
    show: { type: "boolean", help: "print the settings (the default)" },
    enable: { type: "string", multiple: true, value: "F", help: "switch feature F on; repeatable" },
    disable: {
      type: "string",
      multiple: true,
      value: "F",
      help: "switch feature F off; repeatable",
    },
    "minimal-mode": { type: "boolean", help: "switch every feature off" },
    reset: {
      type: "boolean",
      help: "features back to the defaults (all on but\ntelemetry)",
    },
    "enforcement-level": {
      type: "string",
      value: "LEVEL",
      help: "strict, standard or advisory (the default)",
    },
    "enforce-usage": {
      type: "string",
      value: "true|false",
      help: "true: level standard; false: level advisory",
    },
    "enforce-orchestration": {
      type: "string",
      value: "true|false",
      help: "same as --enforce-usage",
    },
    "show-enforcement": {
      type: "boolean",
      help: "the level, whether it blocks, and what is\nmissing here",
    },
  },
  notes: `An unknown feature name is an error (exit 5) listing the valid ones, and so is an
unknown level ("Invalid level - use: strict, standard, or advisory").`,
  args: [],
  async run({ flags, location, io }) {
    // Loaded on use: keeps the start-up of every other command lean.
    const { defaultConfig, minimalConfig, parseFeature } = await import("../core/features.ts");
    const { levelFromSwitch, parseEnforcementLevel } = await import("../core/enforcement.ts");
    const { configPath, ensureConfigYaml, readConfig, writeConfig } = await import(
      "../files/config.ts"
    );
    const switches = [
      ["--enforce-usage", flags.enforceUsage],
      ["--enforce-orchestration", flags.enforceOrchestration],
      ["--enforcement-level", flags.enforcementLevel],
    ].filter(([, value]) => value !== undefined) as Array<[string, string]>;
    if (switches.length > 1) {
      throw usageError(`config: ${switches[0]![0]} and ${switches[1]![0]} cannot be combined`);
    }
    const level = switches.length === 0
      ? undefined
      : switches[0]![0] === "--enforcement-level"
      ? parseEnforcementLevel(switches[0]![1])
      : levelFromSwitch(switches[0]![0], switches[0]![1]);
    const enable = flags.enable.map(parseFeature);
    const disable = flags.disable.map(parseFeature);
    const minimal = flags.minimalMode;
    const reset = flags.reset;
    if (minimal && reset) throw usageError("config: --minimal-mode and --reset cannot be combined");
    const both = enable.find((f) => disable.includes(f));
    if (both !== undefined) throw usageError(`config: "${both}" is both enabled and disabled`);
    const changing = minimal || reset || enable.length > 0 || disable.length > 0 ||
      level !== undefined;
    // The status alone works before tm init: it reports the missing database.
    const statusOnly = flags.showEnforcement && !changing && !flags.show;
    if (!statusOnly && !await databaseExists(location)) {
      throw new TmError("not_initialized", "not initialised: no project database", {
        hint: 'run "tm init" first',
      });
    }
    const stored = await readConfig(location.dataDir);
    let config = stored;
    if (changing) {
      config = structuredClone(reset ? defaultConfig() : minimal ? minimalConfig() : stored);
      // --reset and --minimal-mode are about features: the enforcement level stays.
      config.enforcement_level = level ?? stored.enforcement_level;
      for (const f of enable) config.features[f] = true;
      for (const f of disable) config.features[f] = false;
      await writeConfig(location.dataDir, config);
    } else if (!statusOnly) {
      // The original's scripts expect config.yaml after a plain show.
      await ensureConfigYaml(location.dataDir, config);
    }
    const lines = [];
    const onlyEnforcement = level !== undefined && !minimal && !reset && enable.length === 0 &&
      disable.length === 0 && !flags.show;
    // The original's first line of `config --show`, which its scripts grep.
    if (!changing && !statusOnly) lines.push("Current configuration:");
    if (reset) lines.push("Configuration reset to defaults");
    if (minimal) lines.push("Minimal mode: all features disabled");
    for (const f of enable) lines.push(`Enabled ${f}`);
    for (const f of disable) lines.push(`Disabled ${f}`);
    if (flags.enforceUsage !== undefined || flags.enforceOrchestration !== undefined) {
      lines.push(
        `✅ Enforcement ${level === "advisory" ? "disabled" : "enabled"} (level ${level})`,
      );
    } else if (level !== undefined) lines.push(`✅ Enforcement level set to: ${level}`);
    if (!statusOnly && !onlyEnforcement) {
      lines.push(configText(config));
    }
    let enforcement: Record<string, unknown> | undefined;
    if (flags.showEnforcement) {
      const { enforcementStatus } = await import("./enforcement.ts");
      const target = databaseTarget(location.dataDir, location.dbPath, io.env("TM_DATABASE_URL"));
      const status = await enforcementStatus({
        io,
        location,
        target,
        level: config.enforcement_level,
      });
      lines.push(...status.lines);
      enforcement = status.data;
    }
    return {
      data: {
        features: config.features,
        enforcement_level: config.enforcement_level,
        ...(enforcement === undefined ? {} : { enforcement }),
        path: configPath(location.dataDir),
      },
      text: lines.join("\n"),
    };
  },
});
