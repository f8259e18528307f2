#!/bin/sh
# Install tm's standalone binary from a release: detect the platform, download the binary and
# the release's SHA256SUMS, verify the checksum, and place the binary as `tm` in a directory
# on PATH. Nothing is installed unless the checksum matches.
#
#   curl -fsSL https://github.com/OWNER/REPO/releases/latest/download/install.sh | sh
#   sh install.sh [--version vX.Y.Z] [--dir DIR]
#
# Environment (each also has an option above where it makes sense):
#   TM_VERSION       the release tag, e.g. v0.2.0 (default: the latest release)
#   TM_INSTALL_DIR   where tm goes (default: ~/.local/bin)
#   TM_REPO          OWNER/REPO on GitHub (the release workflow fills in its own)
#   TM_DOWNLOAD_URL  the releases URL instead of https://github.com/$TM_REPO/releases
#                    (a mirror; the tests serve fixtures from 127.0.0.1)
set -eu

TM_REPO_DEFAULT= # set by .github/workflows/release.yml in the copy it publishes

fail() {
  echo "tm install: $*" >&2
  exit 1
}

version=${TM_VERSION:-latest}
dir=${TM_INSTALL_DIR:-${HOME:-}/.local/bin}
while [ $# -gt 0 ]; do
  case $1 in
    --version) [ $# -ge 2 ] || fail "--version needs a tag"; version=$2; shift 2 ;;
    --dir) [ $# -ge 2 ] || fail "--dir needs a directory"; dir=$2; shift 2 ;;
    -h | --help)
      echo "usage: sh install.sh [--version vX.Y.Z] [--dir DIR]  (environment: TM_VERSION, TM_INSTALL_DIR, TM_REPO, TM_DOWNLOAD_URL)"
      exit 0
      ;;
    *) fail "unknown option \"$1\" (see --help)" ;;
  esac
done

# The release asset for this system: tm-<Rust target triple>, as deno compile names targets.
os=$(uname -s)
arch=$(uname -m)
case $arch in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=aarch64 ;;
  *) fail "no tm binary for the $arch processor (there are x86_64 and aarch64 ones)" ;;
esac
case $os in
  Linux)
    if ldd --version 2>&1 | grep -qi musl; then
      fail "tm's Linux binaries need glibc; on musl (Alpine) install with npm: npm install -g tm-orchestrator"
    fi
    target=$arch-unknown-linux-gnu
    ;;
  Darwin) target=$arch-apple-darwin ;;
  *) fail "no tm binary for $os (there are Linux and macOS ones; Windows: download tm-x86_64-pc-windows-msvc.exe from the release, or npm install -g tm-orchestrator)" ;;
esac
asset=tm-$target

repo=${TM_REPO:-$TM_REPO_DEFAULT}
if [ -n "${TM_DOWNLOAD_URL:-}" ]; then
  base=${TM_DOWNLOAD_URL%/}
elif [ -n "$repo" ]; then
  base=https://github.com/$repo/releases
else
  fail "which repository? set TM_REPO=OWNER/REPO (or TM_DOWNLOAD_URL)"
fi
if [ "$version" = latest ]; then url=$base/latest/download; else url=$base/download/$version; fi

if command -v curl >/dev/null 2>&1; then
  fetch() { curl -fsSL --retry 2 -o "$2" "$1"; }
elif command -v wget >/dev/null 2>&1; then
  fetch() { wget -q -O "$2" "$1"; }
else
  fail "needs curl or wget to download"
fi
if command -v sha256sum >/dev/null 2>&1; then
  sha256() { sha256sum "$1" | cut -d ' ' -f 1; }
elif command -v shasum >/dev/null 2>&1; then
  sha256() { shasum -a 256 "$1" | cut -d ' ' -f 1; }
else
  fail "needs sha256sum or shasum to verify the download"
fi

mkdir -p "$dir" || fail "cannot create $dir"
# Download next to the destination, so the final step is a rename within one file system.
tmp=$(mktemp "$dir/.tm-install-XXXXXX") || fail "cannot write to $dir"
sums=$(mktemp "${TMPDIR:-/tmp}/tm-sums-XXXXXX")
trap 'rm -f "$tmp" "$sums"' EXIT
fetch "$url/$asset" "$tmp" || fail "cannot download $url/$asset"
fetch "$url/SHA256SUMS" "$sums" || fail "cannot download $url/SHA256SUMS"

expected=$(awk -v name="$asset" '$2 == name || $2 == "*" name { print $1 }' "$sums")
[ -n "$expected" ] || fail "SHA256SUMS of $url lists no $asset"
actual=$(sha256 "$tmp")
if [ "$actual" != "$expected" ]; then
  fail "checksum mismatch for $asset: expected $expected, got $actual; nothing installed"
fi

chmod 755 "$tmp"
mv -f "$tmp" "$dir/tm"
echo "installed $("$dir/tm" --version) as $dir/tm"
case ":${PATH:-}:" in
  *":$dir:"*) ;;
  *) echo "note: $dir is not on your PATH; add it, e.g. export PATH=\"$dir:\$PATH\"" ;;
esac
