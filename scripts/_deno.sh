# Sourced by the scripts (POSIX sh; scripts/tm runs under /bin/sh): installs the pinned Deno
# from the npm registry (outside the project tree) if it is not there yet, and puts the
# native binary first on PATH. The fast path starts no process: scripts/tm pays for it on
# every call.
DENO_VERSION=2.9.6
TM_TOOLS_DIR="${TM_TOOLS_DIR:-$HOME/.cache/tm-tools/deno-$DENO_VERSION}"

# Run "$@" (an install step) quietly: its output goes to a log that is shown only when it
# fails. A proxy that re-signs TLS makes npm fail with a certificate error; say in one line
# what fixes it instead of leaving the user with npm's wall of text.
tm_quiet_install() {
  tm_what=$1
  shift
  tm_log=$(mktemp "${TMPDIR:-/tmp}/tm-install-XXXXXX")
  if [ -t 2 ]; then echo "tm: installing $tm_what (once)..." >&2; fi
  if "$@" >"$tm_log" 2>&1; then
    rm -f "$tm_log"
    return 0
  fi
  if grep -qiE 'SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_UNTRUSTED|certificate' "$tm_log"; then
    echo "tm: installing $tm_what failed: the registry's TLS certificate is not trusted (a proxy that re-signs TLS? set NODE_EXTRA_CA_CERTS to its CA certificate file; log: $tm_log)" >&2
  else
    echo "tm: installing $tm_what failed: $(grep -v '^[[:space:]]*$' "$tm_log" | tail -n 1) (log: $tm_log)" >&2
  fi
  return 1
}

# The native binary, not the Node wrapper in node_modules/.bin (that costs ~90 ms a call).
tm_find_deno() {
  for DENO_BIN in "$TM_TOOLS_DIR"/node_modules/@deno/*/deno; do
    [ -x "$DENO_BIN" ] && return 0
  done
  return 1
}

if ! tm_find_deno; then
  tm_quiet_install "deno $DENO_VERSION from npm into $TM_TOOLS_DIR" \
    npm install --prefix "$TM_TOOLS_DIR" --no-save --no-audit --no-fund --loglevel=error \
    "deno@$DENO_VERSION" || exit 1
  tm_find_deno || { echo "tm: no deno binary under $TM_TOOLS_DIR after installing" >&2; exit 1; }
fi
DENO_BIN_DIR="${DENO_BIN%/*}"
export PATH="$DENO_BIN_DIR:$PATH"
