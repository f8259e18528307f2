/**
 * Pack the built npm package and install the tarball into a temporary npm prefix, as a user's
 * `npm install -g` would: shared by the package's end-to-end test and the start-up benchmark.
 *
 * @module
 */

/** An installed copy of the package. */
export interface NpmInstall {
  /** The packed tarball. */
  tarball: string;
  /** PREFIX/bin/tm, npm's link to the launcher. */
  tm: string;
  /** The installed package directory (PREFIX/lib/node_modules/NAME). */
  packageDir: string;
}

async function npm(args: string[], cwd: string): Promise<string> {
  const output = await new Deno.Command("npm", {
    args,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  if (!output.success) {
    throw new Error(`npm ${args.join(" ")} failed:\n${decoder.decode(output.stderr)}`);
  }
  return decoder.decode(output.stdout);
}

/** `npm pack` `builtDir` into `workDir`, then `npm install -g` the tarball into workDir/prefix. */
export async function packAndInstall(builtDir: string, workDir: string): Promise<NpmInstall> {
  const [packed] = JSON.parse(
    await npm(["pack", "--json", "--pack-destination", workDir, builtDir], workDir),
  );
  const tarball = `${workDir}/${packed.filename}`;
  return await installTarball(tarball, workDir);
}

/**
 * `npm install -g` the tarball into workDir/prefix, or with `local` a plain `npm install`
 * into the project workDir/project (the command is then node_modules/.bin/tm).
 */
export async function installTarball(
  tarball: string,
  workDir: string,
  local = false,
): Promise<NpmInstall> {
  const name = /^(.*)-\d+\.\d+\.\d+[^/]*\.tgz$/.exec(tarball.split("/").at(-1)!)?.[1];
  if (name === undefined) throw new Error(`not an npm pack tarball name: ${tarball}`);
  if (local) {
    const project = `${workDir}/project`;
    await Deno.mkdir(project, { recursive: true });
    await npm(["install", "--no-audit", "--no-fund", "--loglevel=error", tarball], project);
    return {
      tarball,
      tm: `${project}/node_modules/.bin/tm`,
      packageDir: `${project}/node_modules/${name}`,
    };
  }
  const prefix = `${workDir}/prefix`;
  await npm(
    ["install", "-g", "--prefix", prefix, "--no-audit", "--no-fund", "--loglevel=error", tarball],
    workDir,
  );
  return {
    tarball,
    tm: `${prefix}/bin/tm`,
    packageDir: `${prefix}/lib/node_modules/${name}`,
  };
}
