/**
 * `tm completions bash|zsh|fish`: shell completion generated from the command declarations.
 *
 * @module
 */

import { listAgents } from "../app/agents.ts";
import { listTasks } from "../app/show_task.ts";
import { usageError } from "../core/errors.ts";
import { defineCommand } from "./command.ts";
import { COMMAND_GROUPS } from "./commands.ts";
import { type CompletedCommand, completionScript, SHELLS } from "./completion_scripts.ts";

/** Every command with its declared options, loading each command's module. */
async function declaredCommands(): Promise<CompletedCommand[]> {
  const commands: CompletedCommand[] = [];
  for (const entry of COMMAND_GROUPS.flatMap((group) => group.commands)) {
    const spec = await entry.load();
    const described = Object.entries(spec.options).map(([long, option]) => ({
      long,
      ...(option.short === undefined ? {} : { short: option.short }),
      help: (option.help ?? "").split("\n")[0]!,
      takesValue: option.type === "string",
    }));
    commands.push({
      name: entry.name,
      summary: entry.summary,
      options: described.flatMap((o) => [`--${o.long}`, ...(o.short ? [`-${o.short}`] : [])]),
      described,
    });
  }
  return commands;
}

/** The `completions` command. */
export const completionsCommand = defineCommand({
  name: "completions",
  usage: `Usage: tm completions bash|zsh|fish
       tm completions --ids | --agents

Print a shell completion script, generated from tm's own command declarations: commands,
each command's options, the values of --status and --priority, agent names after
--assignee and --agent-id, and open task ids. Install it with, for example:

  tm completions bash > ~/.local/share/bash-completion/completions/tm
  tm completions zsh > "\${fpath[1]}/_tm"
  tm completions fish > ~/.config/fish/completions/tm.fish

The scripts ask tm for ids and agents as you type (--ids: open task ids, --agents: agents
registered or assigned, one per line).`,
  options: {
    ids: { type: "boolean", help: "print the open task ids, one per line" },
    agents: { type: "boolean", help: "print the known agent names, one per line" },
  },
  args: [],
  optionalArgs: ["SHELL"],
  async run({ args, flags, app }) {
    if (flags.ids) {
      const tasks = await listTasks(await app(), {
        statuses: ["pending", "in_progress", "blocked"],
        limit: 1000,
      });
      return { data: { ids: tasks.map((t) => t.id) }, text: tasks.map((t) => t.id).join("\n") };
    }
    if (flags.agents) {
      const ctx = await app();
      const registered = (await listAgents(ctx)).map((a) => a.name);
      const assigned = (await listTasks(ctx, { statuses: ["pending", "in_progress", "blocked"] }))
        .flatMap((t) => t.assignee === null ? [] : [t.assignee]);
      const agents = [...new Set([...registered, ...assigned])].sort();
      return { data: { agents }, text: agents.join("\n") };
    }
    const shell = args[0];
    if (shell === undefined || !(SHELLS as readonly string[]).includes(shell)) {
      throw usageError(
        shell === undefined
          ? "completions: missing argument SHELL"
          : `completions: unknown shell "${shell}"`,
        `use ${SHELLS.join(", ")}`,
      );
    }
    const script = completionScript(shell as typeof SHELLS[number], await declaredCommands());
    return { data: { shell, script }, text: script.replace(/\n$/, "") };
  },
});
