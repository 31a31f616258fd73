#!/usr/bin/env bash
# Adds up the passed/failed counts of every runner in a captured `make test` output
# (cargo test / wasm-bindgen-test-runner "test result:" lines, node:test "# pass/# fail").
set -euo pipefail
log="${1:?usage: scripts/test-summary.sh <captured output>}"
awk '
  /^test result: / { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed;?$/) p += $(i-1); if ($(i) ~ /^failed;?$/) f += $(i-1) } }
  /^# pass [0-9]+$/ { p += $3 }
  /^# fail [0-9]+$/ { f += $3 }
  END { printf "summary: %d passed, %d failed\n", p, f; exit (f > 0) }
' "$log"
