#!/usr/bin/env bash
# Install Deno and dependencies if needed, then run the checks and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_deno.sh
export NO_COLOR=1
deno --version | head -1
deno install --frozen
deno task check
# With a PostgreSQL server (started here, or TM_TEST_DATABASE_URL) the PostgreSQL tests run too.
bash scripts/test-postgres.sh deno task test
