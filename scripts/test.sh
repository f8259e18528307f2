#!/usr/bin/env bash
# Install Deno and dependencies if needed, then run the checks and both test tiers: the
# in-process tier (`deno task test`: unit tests and CLI behaviour through run(argv, io)) and
# the end-to-end tier (`deno task test:e2e`: real tm processes), and the contract suite again in
# remote mode (`deno task test:remote`: through a tm serve). Every tier always runs; the exit
# code is non-zero if any failed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_deno.sh
export NO_COLOR=1
deno --version | head -1
deno install --frozen
deno task check
status=0
deno task test || status=$?
deno task test:e2e || status=$?
deno task test:remote || status=$?
exit "$status"
