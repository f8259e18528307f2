/**
 * Use case: copy a project's whole database to another engine or place (`tm db copy`):
 * SQLite to PostgreSQL and back. Every table is copied in one write transaction on the
 * target, from one snapshot of the source; then both sides are read again and their row
 * counts and checksums compared. A target that already holds tm data is refused unless
 * `force` (then it is emptied in the same transaction).
 *
 * @module
 */

import { createHash } from "node:crypto";
import { TmError, validationError } from "../core/errors.ts";
import type { TableReader, TableStore } from "../store/store.ts";

/** One table as copied and verified. */
export interface CopiedTable {
  table: string;
  rows: number;
  /** SHA-256 of the rows in key order (the same on both sides, or the copy fails). */
  checksum: string;
}

/** What `tm db copy` did. */
export interface CopyResult {
  from: string;
  to: string;
  tables: CopiedTable[];
  rows: number;
  verified: true;
}

/** Progress of a copy: rows done of the total. */
export type CopyProgress = (done: number, total: number) => void;

const PAGE = 2000;

async function sameColumns(
  source: TableReader,
  target: TableReader,
  table: string,
): Promise<string[]> {
  const from = await source.columns(table);
  const to = new Set(await target.columns(table));
  const missing = from.filter((c) => !to.has(c));
  if (missing.length > 0 || to.size !== from.length) {
    throw validationError(
      `db copy: table ${table} differs between source and target`,
      "both must be at the same tm schema version (upgrade the older tm)",
    );
  }
  return from;
}

/** Row counts and checksums of every table of `names`, read through `tables`. */
async function digest(tables: TableReader, names: readonly string[]): Promise<CopiedTable[]> {
  const result: CopiedTable[] = [];
  for (const table of names) {
    const columns = [...await tables.columns(table)].sort();
    const hash = createHash("sha256");
    let rows = 0;
    for (let offset = 0;; offset += PAGE) {
      const page = await tables.page(table, columns, offset, PAGE);
      for (const row of page) hash.update(`${JSON.stringify(columns.map((c) => row[c]))}\n`);
      rows += page.length;
      if (page.length < PAGE) break;
    }
    result.push({ table, rows, checksum: hash.digest("hex") });
  }
  return result;
}

/** Copy everything from `source` to `target`, then verify counts and checksums. */
export async function copyDatabase(
  source: TableStore,
  target: TableStore,
  options: { force: boolean; progress?: CopyProgress },
): Promise<CopyResult> {
  const names = source.tables;
  // The expected digest comes from the very snapshot that was copied.
  const expected = await source.read(async (from) => {
    await target.write(async (to) => {
      let existing = 0;
      for (const table of names) existing += await to.count(table);
      if (existing > 0) {
        if (!options.force) {
          throw new TmError(
            "conflict",
            `db copy: the target already holds ${existing} rows of tm data (${target.name})`,
            { hint: "copy into an empty database, or add --force to replace its contents" },
          );
        }
        await to.clear();
      }
      let total = 0;
      for (const table of names) total += await from.count(table);
      let done = 0;
      options.progress?.(0, total);
      for (const table of names) {
        const columns = await sameColumns(from, to, table);
        for (let offset = 0;; offset += PAGE) {
          const page = await from.page(table, columns, offset, PAGE);
          await to.insert(table, columns, page);
          done += page.length;
          options.progress?.(done, total);
          if (page.length < PAGE) break;
        }
      }
    });
    return await digest(from, names);
  });
  const actual = await target.read((to) => digest(to, names));
  for (let i = 0; i < expected.length; i++) {
    const [a, b] = [expected[i]!, actual[i]!];
    if (a.rows !== b.rows || a.checksum !== b.checksum) {
      throw new TmError(
        "storage",
        `db copy: verification failed for table ${a.table}: ` +
          `${a.rows} rows (${a.checksum.slice(0, 12)}) in the source, ` +
          `${b.rows} (${b.checksum.slice(0, 12)}) in the target`,
        { hint: "the source changed during the copy? run it again with --force" },
      );
    }
  }
  return {
    from: source.name,
    to: target.name,
    tables: expected,
    rows: expected.reduce((n, t) => n + t.rows, 0),
    verified: true,
  };
}
