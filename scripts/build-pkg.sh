#!/usr/bin/env bash
# Builds pkg/: the npm package `dcs-tasks` (wasm optimized with npm binaryen's wasm-opt -Oz,
# wasm-bindgen's ESM glue, per-runtime entries, TypeScript types, README).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/ensure-tools.sh wasm npm
# Up to date? (pkg/ newer than every input)
if [ -f pkg/dcs_tasks_bg.wasm ] && [ -f pkg/package.json ] && [ "${FORCE:-}" != 1 ] \
   && [ -z "$(find src js Cargo.toml Cargo.lock scripts/build-pkg.sh -newer pkg/dcs_tasks_bg.wasm -print -quit)" ]; then
  echo "pkg/ is up to date" >&2
  exit 0
fi
cargo build --release --lib --target wasm32-unknown-unknown
out=build/bindgen
rm -rf "$out" && mkdir -p "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name dcs_tasks \
  target/wasm32-unknown-unknown/release/dcs_tasks.wasm
rm -rf pkg && mkdir -p pkg
# Debian's binaryen silently breaks externref tables: only npm's binaryen is used.
node_modules/.bin/wasm-opt -Oz --enable-reference-types --enable-bulk-memory \
  --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-multivalue \
  --strip-debug --strip-producers "$out/dcs_tasks_bg.wasm" -o pkg/dcs_tasks_bg.wasm
cp "$out/dcs_tasks.js" pkg/
cp js/node.js js/browser.js js/workerd.js js/dcs_tasks.d.ts js/package.json pkg/
cp js/README.md pkg/README.md
echo "built pkg/ ($(wc -c < pkg/dcs_tasks_bg.wasm) bytes of wasm)" >&2
