/**
 * `tm criteria`: a task's success criteria: list, add, check, record measured values.
 *
 * @module
 */

import type { CriteriaChange } from "../app/criteria.ts";
import { usageError, validationError } from "../core/errors.ts";
import type { Value } from "../core/expression.ts";
import { defineCommand } from "./command.ts";
import { validationText } from "./cmd_complete.ts";
import { oneLine } from "./output.ts";

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function parseAssignment(
  text: string,
  parseValue: (text: string) => Value,
): { name: string; value: Value } {
  const at = text.indexOf("=");
  const name = at < 0 ? "" : text.slice(0, at).trim();
  if (!NAME.test(name) || ["and", "or", "not", "true", "false"].includes(name)) {
    throw validationError(`invalid --set "${text}": expected NAME=VALUE`, "e.g. --set coverage=85");
  }
  return { name, value: parseValue(text.slice(at + 1)) };
}

/** The `criteria` command. */
export const criteriaCommand = defineCommand({
  name: "criteria",
  usage: `Usage: tm criteria ID [--list] [--add TEXT [--measurable EXPR]]
                   [--check N --pass|--fail [--note TEXT]] [--set NAME=VALUE]...

Success criteria say when a task is done. Each is checked by hand (--check) or measured: a
small expression over values recorded with --set, evaluated by tm complete --validate.
Without a change flag, lists the criteria with their current verdict (same as --list).

Expressions: numbers, "strings", true/false, names of recorded values, comparisons
(== != < <= > >=), and/or/not (also && || !), parentheses. Example:
  coverage >= 80 and not flaky
A name without a recorded value makes the criterion fail, naming the missing value.`,
  options: {
    list: { type: "boolean", help: "list the criteria and their verdicts" },
    add: { type: "string", value: "TEXT", help: "add a criterion" },
    measurable: {
      type: "string",
      value: "EXPR",
      help: "with --add: the expression that decides it",
    },
    check: {
      type: "string",
      value: "N",
      help: "record a verdict on criterion N (1-based, as listed)",
    },
    pass: { type: "boolean", label: "--pass | --fail", help: "with --check: the verdict" },
    fail: { type: "boolean", shownWith: "pass" },
    note: { type: "string", value: "TEXT", help: "with --check: the evidence" },
    set: {
      type: "string",
      multiple: true,
      value: "NAME=VALUE",
      help: "record a measured value (number, true/false, or text); repeatable",
    },
  },
  notes: `Needs the success-criteria feature (tm config --enable success-criteria).`,
  args: ["ID"],
  authors: true,
  async run({ args, flags, app }) {
    const { add, measurable, check, pass, fail, note } = flags;
    const { parseValue } = await import("../core/expression.ts");
    const sets = flags.set.map((text) => parseAssignment(text, parseValue));
    if (measurable !== undefined && add === undefined) {
      throw usageError("criteria: --measurable needs --add");
    }
    if (check === undefined && (pass || fail || note !== undefined)) {
      throw usageError("criteria: --pass, --fail and --note need --check N");
    }
    if (check !== undefined && pass === fail) {
      throw usageError("criteria: --check needs exactly one of --pass or --fail");
    }
    if (check !== undefined && (!/^\d+$/.test(check) || Number(check) < 1)) {
      throw usageError(`invalid --check "${check}": expected a criterion number (1, 2, ...)`);
    }
    if (add !== undefined && add.trim() === "") throw validationError("criterion cannot be empty");
    const change: CriteriaChange = {
      ...(add === undefined ? {} : {
        add: { criterion: add.trim(), measurable: measurable ?? null },
      }),
      ...(check === undefined ? {} : {
        check: { position: Number(check), status: pass ? "passed" : "failed", note: note ?? null },
      }),
      ...(sets.length === 0 ? {} : { set: sets }),
    };
    const changing = Object.keys(change).length > 0;
    const { changeCriteria, listCriteria } = await import("../app/criteria.ts");
    const view = changing
      ? await changeCriteria(await app(), args[0]!, change)
      : await listCriteria(await app(), args[0]!);
    const lines: string[] = [];
    if (add !== undefined) lines.push(`Criterion added to task ${view.task.id}`);
    if (check !== undefined) lines.push(`Criterion ${check} of task ${view.task.id} checked`);
    if (sets.length > 0) lines.push(`Values recorded for task ${view.task.id}`);
    if (!changing || flags.list) {
      if (view.criteria.length === 0) lines.push(`Task ${view.task.id} has no success criteria`);
      else lines.push(validationText(view.validation));
      for (const v of view.values) lines.push(`  ${v.name} = ${oneLine(JSON.stringify(v.value))}`);
    }
    return {
      data: {
        task_id: view.task.id,
        criteria: view.criteria,
        values: view.values,
        validation: view.validation,
      },
      text: lines.join("\n"),
    };
  },
});
