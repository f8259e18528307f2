# Sourced by the scripts: installs the pinned Deno from the npm registry (outside the project
# tree) if it is not there yet, and puts the native binary first on PATH.
DENO_VERSION=2.9.6
TM_TOOLS_DIR="${TM_TOOLS_DIR:-$HOME/.cache/tm-tools/deno-$DENO_VERSION}"
if ! ls "$TM_TOOLS_DIR"/node_modules/@deno/*/deno >/dev/null 2>&1; then
  echo "installing deno $DENO_VERSION from npm into $TM_TOOLS_DIR" >&2
  npm install --prefix "$TM_TOOLS_DIR" --no-save --no-audit --no-fund --loglevel=error \
    "deno@$DENO_VERSION" >&2 || exit 1
fi
# The native binary, not the Node wrapper in node_modules/.bin (that costs ~90 ms a call).
DENO_BIN_DIR="$(dirname "$(ls "$TM_TOOLS_DIR"/node_modules/@deno/*/deno | head -1)")"
export PATH="$DENO_BIN_DIR:$PATH"
