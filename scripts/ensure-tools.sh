#!/usr/bin/env bash
# Installs what the build and tests need, idempotently, and fast when present.
# Usage: scripts/ensure-tools.sh [wasm] [npm] [runtimes] [chromium] [python]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
say() { echo "ensure-tools: $*" >&2; }
want="${*:-wasm npm}"

for w in $want; do
  case "$w" in
  wasm)
    if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
      say "adding the wasm32-unknown-unknown target"
      rustup target add wasm32-unknown-unknown >&2
    fi
    [ -f Cargo.lock ] || cargo generate-lockfile >&2
    ver=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
    [ -n "$ver" ] || { say "cannot read the wasm-bindgen version from Cargo.lock"; exit 1; }
    have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
    if [ "$have" != "$ver" ] || ! command -v wasm-bindgen-test-runner >/dev/null; then
      say "installing wasm-bindgen-cli $ver (have: ${have:-none}); takes about 2 minutes once"
      # --locked fails here (its lockfile pins a crate the registry lacks): see shared/reference/toolchain.md
      cargo install wasm-bindgen-cli --version "$ver" >&2
    fi
    ;;
  npm)
    if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
       || [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/workerd ] \
       || [ ! -x node_modules/.bin/esbuild ]; then
      say "installing npm dev packages (npm ci)"
      npm ci --no-audit --no-fund >&2
      touch node_modules/.package-lock.json
    fi
    ;;
  runtimes)
    # The runtimes the proxy and the package are tested on beyond the machine's Node:
    # tests/runtimes/package.json (Node 22 and 24, Bun, the Edge Runtime, wrangler, ...).
    d=tests/runtimes
    if [ ! -f $d/node_modules/.package-lock.json ] || [ $d/package-lock.json -nt $d/node_modules/.package-lock.json ] \
       || [ ! -x $d/node_modules/.bin/bun ] || [ ! -x $d/node_modules/node22/bin/node ] || [ ! -x $d/node_modules/node24/bin/node ]; then
      say "installing the test runtimes (npm ci in $d)"
      (cd $d && npm ci --no-audit --no-fund >&2)
      touch $d/node_modules/.package-lock.json
    fi
    ;;
  chromium)
    if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
      say "installing Debian's chromium and chromium-driver"
      if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
      $sudo apt-get update >&2
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium chromium-driver >&2
    fi
    ;;
  python)
    "$root/scripts/pyenv.sh" >/dev/null
    ;;
  *) say "unknown tool group: $w"; exit 2 ;;
  esac
done
