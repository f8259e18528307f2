/**
 * `tm tags`: the tags in use, with how many tasks carry each.
 *
 * @module
 */

import { tagCounts } from "../app/tags.ts";
import { defineCommand } from "./command.ts";
import { oneLine } from "./output.ts";

/** The `tags` command. */
export const tagsCommand = defineCommand({
  name: "tags",
  usage: `Usage: tm tags

List every tag in use, most used first: "<tag>  <count> tasks (<open> open)". "No tags"
when no task has one. tm list --tag TAG lists the tasks of one.`,
  options: {},
  args: [],
  async run({ app }) {
    const tags = await tagCounts(await app());
    const width = Math.max(0, ...tags.map((t) => [...oneLine(t.tag)].length));
    const lines = tags.map((t) =>
      `${oneLine(t.tag).padEnd(width)}  ${t.count} ${
        t.count === 1 ? "task" : "tasks"
      } (${t.open} open)`
    );
    return { data: { tags }, text: tags.length === 0 ? "No tags" : lines.join("\n") };
  },
});
