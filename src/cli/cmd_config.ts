/**
 * `tm config`: feature flags stored as JSON in `.task-orchestrator/config/`.
 *
 * @module
 */

import type { Config } from "../core/features.ts";
import { TmError, usageError } from "../core/errors.ts";
import { databaseExists } from "../files/data_dir.ts";
import { defineCommand } from "./command.ts";

function configText(config: Config): string {
  return [
    "Features:",
    ...Object.entries(config.features).map(([f, on]) => `  ${f}: ${on ? "enabled" : "disabled"}`),
  ].join("\n");
}

/** The `config` command. */
export const configCommand = defineCommand({
  name: "config",
  usage: `Usage: tm config [--show] [--enable F]... [--disable F]... [--minimal-mode] [--reset]

Feature flags, stored as JSON in .task-orchestrator/config/config.json (written
atomically). A disabled feature's flags and commands are refused with exit 5 and a message
naming how to enable it. With no option, or with --show, prints every feature's state.

Features:
  success-criteria       tm add --criteria, tm criteria, tm complete --validate
  feedback               tm feedback, tm metrics --feedback
  telemetry              local usage log in .task-orchestrator/telemetry/ (off by default)
  completion-summaries   tm complete --summary
  time-tracking          --estimated-hours, tm complete --actual-hours
  deadlines              tm add --deadline, tm update --deadline`,
  options: {
    show: { type: "boolean", help: "print the flags (the default)" },
    enable: { type: "string", multiple: true, value: "F", help: "switch feature F on; repeatable" },
    disable: {
      type: "string",
      multiple: true,
      value: "F",
      help: "switch feature F off; repeatable",
    },
    "minimal-mode": { type: "boolean", help: "switch every feature off" },
    reset: { type: "boolean", help: "back to the defaults (everything on except telemetry)" },
  },
  notes: `An unknown feature name is an error (exit 5) listing the valid ones.`,
  args: [],
  async run({ flags, location }) {
    if (!await databaseExists(location)) {
      throw new TmError("not_initialized", "not initialised: no project database", {
        hint: 'run "tm init" first',
      });
    }
    // Loaded on use: keeps the start-up of every other command lean.
    const { defaultConfig, minimalConfig, parseFeature } = await import("../core/features.ts");
    const { configPath, readConfig, writeConfig } = await import("../files/config.ts");
    const enable = flags.enable.map(parseFeature);
    const disable = flags.disable.map(parseFeature);
    const minimal = flags.minimalMode;
    const reset = flags.reset;
    if (minimal && reset) throw usageError("config: --minimal-mode and --reset cannot be combined");
    const both = enable.find((f) => disable.includes(f));
    if (both !== undefined) throw usageError(`config: "${both}" is both enabled and disabled`);
    const changing = minimal || reset || enable.length > 0 || disable.length > 0;
    let config = reset ? defaultConfig() : minimal ? minimalConfig() : await readConfig(
      location.dataDir,
    );
    if (changing) {
      config = structuredClone(config);
      for (const f of enable) config.features[f] = true;
      for (const f of disable) config.features[f] = false;
      await writeConfig(location.dataDir, config);
    }
    const lines = [];
    // The original's first line of `config --show`, which its scripts grep.
    if (!changing) lines.push("Current configuration:");
    if (reset) lines.push("Configuration reset to defaults");
    if (minimal) lines.push("Minimal mode: all features disabled");
    for (const f of enable) lines.push(`Enabled ${f}`);
    for (const f of disable) lines.push(`Disabled ${f}`);
    lines.push(configText(config));
    return {
      data: { features: config.features, path: configPath(location.dataDir) },
      text: lines.join("\n"),
    };
  },
});
