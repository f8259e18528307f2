/**
 * `tm validate-orchestration` and `tm fix-orchestration`: the original's enforcement
 * commands (docs/agents.md, "Enforcement").
 *
 * @module
 */

import type { Violation } from "../core/enforcement.ts";
import { usageError } from "../core/errors.ts";
import { validateAgentName } from "../core/task.ts";
import { databaseTarget } from "../files/database_config.ts";
import type { DataLocation } from "../files/data_dir.ts";
import { localTmPaths } from "../files/executables.ts";
import { defineCommand } from "./command.ts";
import { defaultAgentName } from "./identity.ts";
import { findViolations, guidanceText, violationList } from "./enforcement.ts";
import type { Io } from "./io.ts";
import { oneLine } from "./output.ts";

function scopeOf(io: Io, location: DataLocation) {
  const target = databaseTarget(location.dataDir, location.dbPath, io.env("TM_DATABASE_URL"));
  return { io, location, target };
}

/** The `validate-orchestration` command. */
export const validateOrchestrationCommand = defineCommand({
  name: "validate-orchestration",
  usage: `Usage: tm validate-orchestration

Check what an orchestrated agent needs, as the original's enforcement did: TM_AGENT_ID set
(not --agent-id: that names one command's agent), tm reachable by name (./tm, ../tm or tm
on PATH) and the project's database initialised. Prints "✅ Orchestration context is valid"
(exit 0), or one "❌ Problem: …" paragraph per violation with its fix (exit 5). The guarded
commands refuse to run with such violations at the standard and strict levels
(tm config --enforcement-level; tm help enforcement).`,
  options: {},
  args: [],
  async run({ io, location }) {
    const violations = await findViolations(scopeOf(io, location));
    return {
      data: { valid: violations.length === 0, violations },
      text: guidanceText(violations),
      ...(violations.length === 0 ? {} : { exitCode: 5 }),
    };
  },
});

/** What one step of the wizard did. */
interface Step {
  violation: Violation;
  fixed: boolean;
}

/** tm cannot export a variable into its parent shell: the agent-id step never fixes by itself. */
const AGENT_ID_NOT_SET: Step = { violation: "missing_agent_id", fixed: false };

function chooseAgentId(io: Io): Step {
  const user = defaultAgentName(io.env("USER") ?? io.env("LOGNAME") ?? io.env("USERNAME"));
  const suggestions = [
    "orchestrator",
    "backend_specialist",
    "frontend_specialist",
    `${user}-agent`,
  ];
  io.stdout(
    "🔧 TM_AGENT_ID: tm cannot set a variable in the shell that started it; pick a name and\n" +
      "   export it there.\n" +
      suggestions.map((s, i) => `  ${i + 1}. ${s}\n`).join("") +
      `  ${suggestions.length + 1}. Custom name\n`,
  );
  for (let attempt = 0; attempt < 3; attempt++) {
    const choice = io.ask?.(`Select option (1-${suggestions.length + 1}):`)?.trim();
    if (choice === undefined) break;
    const index = Number(choice);
    let name: string | undefined = suggestions[index - 1];
    if (index === suggestions.length + 1) name = io.ask?.("Agent ID:")?.trim();
    if (name === undefined || name === "") {
      io.stdout(`Invalid choice - please select 1-${suggestions.length + 1}\n`);
      continue;
    }
    try {
      validateAgentName(name, "agent ID");
    } catch (error) {
      io.stdout(`${oneLine((error as Error).message)}\n`);
      continue;
    }
    io.stdout(
      `Run this in your shell (and add it to your shell profile to keep it):\n` +
        `  export TM_AGENT_ID="${name}"\n\n`,
    );
    return AGENT_ID_NOT_SET;
  }
  io.stdout("No agent ID chosen.\n\n");
  return AGENT_ID_NOT_SET;
}

async function fixExecutable(io: Io): Promise<Step> {
  for (const path of localTmPaths(io.cwd())) {
    const info = await Deno.stat(path).catch(() => null);
    if (info?.isFile !== true) continue;
    io.stdout(`🔧 tm executable: ${path} exists but is not executable.\n`);
    if (io.confirm?.(`Make ${path} executable (chmod +x)?`) === true) {
      await Deno.chmod(path, ((info.mode ?? 0o644) & 0o777) | 0o111);
      io.stdout(`✅ Made ${path} executable\n\n`);
      return { violation: "missing_tm_executable", fixed: true };
    }
    io.stdout("\n");
    return { violation: "missing_tm_executable", fixed: false };
  }
  io.stdout(
    "🔧 tm executable: no ./tm, ../tm or tm on PATH. Install tm on PATH (scripts/install.sh,\n" +
      "   or npm install -g with the package in npm/), or put an executable ./tm here.\n\n",
  );
  return { violation: "missing_tm_executable", fixed: false };
}

/** The `fix-orchestration` command. */
export const fixOrchestrationCommand = defineCommand({
  name: "fix-orchestration",
  usage: `Usage: tm fix-orchestration --interactive

Walk through what tm validate-orchestration finds, on a terminal: choose an agent name
(printed as the export line to run in your shell: no program can set a variable in the
shell that started it), make ./tm or ../tm executable, create the database (as tm init).
Asks before each change. Exit 0 when nothing is left to fix, else 5. Without --interactive,
or when stdin is not a terminal, it changes nothing.`,
  options: {
    interactive: { type: "boolean", help: "ask on the terminal before each fix (required)" },
  },
  args: [],
  async run({ io, location, lockTimeoutMs, database, flags }) {
    if (!flags.interactive) {
      throw usageError(
        "Use --interactive flag: tm fix-orchestration --interactive",
        "or see what to fix: tm validate-orchestration",
      );
    }
    const scope = scopeOf(io, location);
    const violations = await findViolations(scope);
    if (violations.length === 0) {
      return {
        data: { fixed: [], remaining: [] },
        text: "✅ No violations found - orchestration is properly configured!",
      };
    }
    const found = violationList(violations);
    const go = io.confirm?.(`Found ${violations.length} to fix (${found}). Fix them now?`);
    if (go === undefined) {
      throw usageError(
        "fix-orchestration --interactive needs a terminal: stdin is not one",
        "see what to fix: tm validate-orchestration",
      );
    }
    io.stdout("🔧 Task Orchestrator Fix Wizard\n" + "=".repeat(40) + "\n");
    const steps: Step[] = [];
    if (go) {
      for (const violation of violations) {
        if (violation === "missing_agent_id") steps.push(chooseAgentId(io));
        else if (violation === "missing_tm_executable") steps.push(await fixExecutable(io));
        else if (io.confirm?.(`Create the database at ${location.dbPath} (tm init)?`) === true) {
          const { initProject } = await import("../app/init.ts");
          await initProject(location, lockTimeoutMs, await database());
          io.stdout(`✅ Task database initialized in ${location.dataDir}\n\n`);
          steps.push({ violation, fixed: true });
        } else {
          steps.push({ violation, fixed: false });
        }
      }
    }
    const remaining = await findViolations(scope);
    const fixed = steps.filter((s) => s.fixed).map((s) => s.violation);
    const lines = [`✅ Fixed ${fixed.length}/${violations.length} violations`];
    if (remaining.length > 0) {
      lines.push(
        `⚠️  ${remaining.length} left: ${violationList(remaining)}`,
      );
    } else lines.push("🎉 Orchestration is now properly configured!");
    return {
      data: { fixed, remaining },
      text: lines.join("\n"),
      ...(remaining.length === 0 ? {} : { exitCode: 5 }),
    };
  },
});
