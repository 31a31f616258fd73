#!/usr/bin/env bash
# The sans-IO crates (dcs-tasks-core, dcs-tasks-parse) must have no JS crate anywhere in their
# dependency trees, for any target: cargo keeps the wasm layer (the root crate) out of them, and
# this keeps a JS crate from being added to their own Cargo.toml (their `typescript` feature,
# turned on by the wasm layer only, is the one door to tsify/wasm-bindgen).
set -euo pipefail
cd "$(dirname "$0")/.."
js='^(wasm-bindgen|js-sys|web-sys|gloo-[a-z]+|serde-wasm-bindgen|tsify|wasm-bindgen-futures|serde-aux) v'
fail=0
for p in dcs-tasks-core dcs-tasks-parse; do
  for t in wasm32-unknown-unknown "$(rustc -vV | sed -n 's/^host: //p')"; do
    hits=$(cargo tree -q -p "$p" -e normal,build --target "$t" --prefix none | grep -E "$js" | sort -u || true)
    if [ -n "$hits" ]; then
      echo "check-core-deps: $p ($t) depends on a JS crate: $hits" >&2
      fail=1
    fi
  done
done
[ "$fail" = 0 ] && echo "check-core-deps: ok (no JS crate in the trees of dcs-tasks-core and dcs-tasks-parse, wasm32 and host)"
exit "$fail"
