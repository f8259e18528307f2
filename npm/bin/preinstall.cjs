// npm runs this before it links the package's commands. On Windows npm's shim for bin/tm
// would need /bin/sh, so bin/tm becomes the Node launcher (tm.cjs); elsewhere bin/tm stays
// the sh launcher that starts Deno directly, and this does nothing.
"use strict";
const { copyFileSync } = require("node:fs");
const path = require("node:path");

if (process.platform === "win32" || process.env.TM_NPM_FORCE_NODE_LAUNCHER === "1") {
  copyFileSync(path.join(__dirname, "tm.cjs"), path.join(__dirname, "tm"));
}
