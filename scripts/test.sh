#!/usr/bin/env bash
# Install Deno and dependencies if needed, then run the checks and every test tier: the
# in-process tier (`deno task test`: unit tests and CLI behaviour through run(argv, io)), the
# end-to-end tier (`deno task test:e2e`: real tm processes), the contract suite again in remote
# mode (`deno task test:remote`: through a tm serve) and the browser tier (`deno task
# test:browser`: the dashboard in chromium). Every tier always runs; the exit code is non-zero
# if any failed. The first two run inside scripts/test-postgres.sh, which starts a throw-away
# PostgreSQL (or uses TM_TEST_DATABASE_URL), so the PostgreSQL tests in them run too; without a
# server they are skipped with one visible line.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_deno.sh
export NO_COLOR=1
deno --version | head -1
deno install --frozen
deno task check
status=0
bash scripts/test-postgres.sh bash -c \
  'status=0; deno task test || status=$?; deno task test:e2e || status=$?; exit "$status"' ||
  status=$?
deno task test:remote || status=$?

# Browser tier: the dashboard in Debian's chromium, driven by playwright-core. CI runs as root,
# so chromium is installed here when absent; elsewhere the tier says it was skipped.
# TM_BROWSER_TESTS=0 skips it on purpose.
if [ "${TM_BROWSER_TESTS:-1}" != 0 ]; then
  if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing chromium for the browser tests"
    apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null ||
      echo "could not install chromium" >&2
  fi
  if [ -x /usr/bin/chromium ]; then
    deno task test:browser || status=$?
  else
    echo "skipped: browser tests (no /usr/bin/chromium)"
  fi
else
  echo "skipped: browser tests (TM_BROWSER_TESTS=0)"
fi
exit "$status"
