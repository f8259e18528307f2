/**
 * Whether `tm` can be started by name from a directory: the original's "tm executable"
 * check of orchestration enforcement (docs/agents.md, "Enforcement").
 *
 * @module
 */

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    // Any execute bit: the original asked os.access(X_OK) as the user, close enough here.
    return info.isFile && info.mode !== null && (info.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** The places the original looked for tm beside an agent: `./tm`, then `../tm`. */
export function localTmPaths(cwd: string): string[] {
  const base = cwd.replace(/\/+$/, "");
  return [`${base}/tm`, `${base.slice(0, base.lastIndexOf("/"))}/tm`];
}

/**
 * Whether an agent working in `cwd` reaches tm as `./tm`, `../tm` or `tm` on `PATH` (the
 * colon-separated `pathVariable`; empty entries mean the working directory, as in a shell).
 * tm run as `deno task tm` or through a path of its own does not count: the agents it
 * starts or instructs type `tm`.
 */
export async function tmReachable(cwd: string, pathVariable: string | undefined): Promise<boolean> {
  const base = cwd.replace(/\/+$/, "");
  for (const candidate of localTmPaths(cwd)) {
    if (await isExecutableFile(candidate)) return true;
  }
  const dirs = pathVariable === undefined || pathVariable === "" ? [] : pathVariable.split(":");
  for (const dir of dirs) {
    const resolved = dir === "" ? base : dir.startsWith("/") ? dir : `${base}/${dir}`;
    if (await isExecutableFile(`${resolved.replace(/\/+$/, "")}/tm`)) return true;
  }
  return false;
}
