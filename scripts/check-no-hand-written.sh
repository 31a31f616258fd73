#!/usr/bin/env bash
# Fails when the crates carry what a maintained crate does for them: a JSON reader or writer
# of their own (a json.rs module: src/json.rs and crates/*/src/json.rs must not exist), SHA-256 round constants or FNV-1a hashing (RustCrypto's sha2 and
# hmac, serde_json and std's ordered sets do that work).
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
if ls src/json.rs crates/*/src/json.rs >/dev/null 2>&1; then  # these must not exist
  echo "check-no-hand-written: a hand-written JSON module is back (a json.rs must not exist)" >&2; fail=1
fi
# The crates' integration tests (crates/*/tests) are not looked at: parse_bounds.rs builds
# FNV-colliding keys on purpose, to show the parser does not hash them.
if grep -rniE --exclude-dir=tests '0x428a2f98|0x6a09e667|cbf2_?9ce4_?8422_?2325|0x100000001b3|0x0100_0000_01b3' src crates; then
  echo "check-no-hand-written: SHA-256 constants or FNV-1a in src/ or crates/ (use sha2/hmac, BTreeSet)" >&2; fail=1
fi
[ "$fail" = 0 ] && echo "check-no-hand-written: ok (no own JSON, SHA-256 or FNV code)"
exit "$fail"
