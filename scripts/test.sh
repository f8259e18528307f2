#!/usr/bin/env bash
# Install Deno and dependencies if needed, then run the checks and both test tiers: the
# in-process tier (`deno task test`: unit tests and CLI behaviour through run(argv, io)) and
# the end-to-end tier (`deno task test:e2e`: real tm processes). Both tiers always run; the
# exit code is non-zero if either failed. They run inside scripts/test-postgres.sh, which
# starts a throw-away PostgreSQL (or uses TM_TEST_DATABASE_URL), so the PostgreSQL tests in
# them run too; without a server they are skipped with one visible line.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_deno.sh
export NO_COLOR=1
deno --version | head -1
deno install --frozen
deno task check
bash scripts/test-postgres.sh bash -c \
  'status=0; deno task test || status=$?; deno task test:e2e || status=$?; exit "$status"'
