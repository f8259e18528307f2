#!/usr/bin/env node
// tm from the npm package on Windows, where npm's command shims cannot run a sh script:
// the same as bin/tm (the bundled program, the pinned Deno, the production permission flags)
// with Node in between. preinstall.cjs puts this file in bin/tm's place on Windows only.
"use strict";
const { spawnSync } = require("node:child_process");
const { existsSync, readdirSync } = require("node:fs");
const path = require("node:path");

const pkg = path.join(__dirname, "..");
const exe = process.platform === "win32" ? "deno.exe" : "deno";

function findDeno() {
  for (const modules of [path.join(pkg, "node_modules"), path.join(pkg, "..")]) {
    const scope = path.join(modules, "@deno");
    if (!existsSync(scope)) continue;
    for (const name of readdirSync(scope)) {
      const candidate = path.join(scope, name, exe);
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

const deno = findDeno();
if (deno === undefined) {
  process.stderr.write(
    `tm: Deno's binary is missing from ${path.join(pkg, "node_modules", "@deno")} ` +
      "(reinstall tm-orchestrator; npm must not skip optional dependencies)\n",
  );
  process.exit(1);
}
const flags = "@PRODUCTION_PERMISSION_FLAGS@";
const result = spawnSync(
  deno,
  [
    "run",
    "--no-config",
    ...flags.split(" "),
    path.join(pkg, "lib", "main.js"),
    ...process.argv.slice(2),
  ],
  { stdio: "inherit", env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" } },
);
if (result.error) {
  process.stderr.write(`tm: cannot start ${deno}: ${result.error.message}\n`);
  process.exit(1);
}
// A signal ends Deno: end the same way, so the caller sees what happened.
if (result.signal) process.kill(process.pid, result.signal);
process.exit(result.status ?? 1);
