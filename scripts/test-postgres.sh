#!/usr/bin/env bash
# Run a command (default: the PostgreSQL tests) with TM_TEST_DATABASE_URL naming a live server.
#
#   bash scripts/test-postgres.sh                 # the PostgreSQL tests only
#   bash scripts/test-postgres.sh deno task test  # the whole suite, PostgreSQL tests included
#
# TM_TEST_DATABASE_URL already set: use that server (a developer's own). Otherwise start a
# throw-away cluster on 127.0.0.1, on a free port, in a temp dir, installing PostgreSQL from
# Debian first if it is absent and apt-get is usable (root). initdb and pg_ctl refuse root, so
# as root they run as the "postgres" user the package creates. fsync is off: CI only, never in
# production. The cluster is stopped and removed on exit, whatever happens. Without a server
# and without a way to install one, the PostgreSQL tests are skipped with one visible line.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_deno.sh

if [ $# -eq 0 ]; then
  set -- deno test --no-prompt --allow-read --allow-write --allow-run --allow-env \
    --allow-net=127.0.0.1 --ignore-env=LOG_TOKENS,LOG_STREAM --parallel \
    src/store/ tests/e2e/postgres_test.ts tests/e2e/engines_test.ts \
    tests/e2e/postgres_claims_test.ts tests/e2e/db_copy_test.ts tests/e2e/postgres_ops_test.ts
fi

if [ -n "${TM_TEST_DATABASE_URL:-}" ]; then
  exec "$@"
fi

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
PGBIN=$(find_bin || true)
if [ -z "$PGBIN" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "test-postgres: installing PostgreSQL from Debian (apt-get)..." >&2
  if apt-get update >/tmp/tm-apt.log 2>&1 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql \
      >>/tmp/tm-apt.log 2>&1; then
    PGBIN=$(find_bin || true)
  else
    echo "test-postgres: apt-get failed (log: /tmp/tm-apt.log)" >&2
  fi
fi
if [ -z "$PGBIN" ]; then
  echo "skipped: PostgreSQL tests (no server: set TM_TEST_DATABASE_URL, or run as root with apt-get)"
  export TM_TEST_DATABASE_URL=
  exec "$@"
fi

PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/tm-pg-XXXXXX")
AS=()
if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$PGDIR"
  AS=(runuser -u postgres --)
fi
stop_cluster() {
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
trap stop_cluster EXIT

# A free port: ask the kernel for one, then hand it to the server.
PORT=$(deno eval 'const l = Deno.listen({ hostname: "127.0.0.1", port: 0 }); console.log((l.addr as Deno.NetAddr).port); l.close();')
"${AS[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U tm --auth=trust --no-sync -E UTF8 \
  --locale=C.UTF-8 >"$PGDIR/initdb.log" 2>&1 || {
  cat "$PGDIR/initdb.log" >&2
  exit 1
}
SSL=""
# TLS with a throw-away self-signed certificate, so the sslmode tests run too.
if command -v openssl >/dev/null &&
  openssl req -new -x509 -days 2 -nodes -subj "/CN=localhost" -keyout "$PGDIR/server.key" \
    -out "$PGDIR/server.crt" >/dev/null 2>&1; then
  chmod 600 "$PGDIR/server.key"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGDIR/server.key" "$PGDIR/server.crt"; fi
  SSL="-c ssl=on -c ssl_cert_file=$PGDIR/server.crt -c ssl_key_file=$PGDIR/server.key"
  export TM_TEST_PG_SSL_CERT="$PGDIR/server.crt" TM_TEST_PG_SSL_KEY="$PGDIR/server.key"
fi
"${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -o \
  "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDIR -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off $SSL" \
  start >/dev/null
"$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U tm -d postgres -qc "CREATE DATABASE tm_test" >/dev/null
export TM_TEST_DATABASE_URL="postgres://tm@127.0.0.1:$PORT/tm_test"
# The restart proof starts a cluster of its own with these (restarting this one would cut off
# every other test running beside it).
export TM_TEST_PG_BIN="$PGBIN" TM_TEST_PG_AS="${AS[*]}"
echo "test-postgres: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT" >&2
"$@"
