#!/usr/bin/env bash
# Adds up what every runner in a captured `make test` output reported: passed, failed and
# skipped (cargo test / wasm-bindgen-test-runner "test result:" lines with their "ignored",
# node:test "# pass/# fail/# skipped/# todo"). Every suite `make test` runs must run whole:
# a skipped, ignored or todo test fails the run, named. (Tests deselected with `--skip` in one
# cargo invocation and run by another are not skips: make test runs each exactly once.)
set -euo pipefail
log="${1:?usage: scripts/test-summary.sh <captured output>}"
awk '
  /^test result: / {
    for (i = 1; i <= NF; i++) {
      if ($(i) ~ /^passed;?$/) p += $(i-1)
      if ($(i) ~ /^failed;?$/) f += $(i-1)
      if ($(i) ~ /^ignored;?$/) s += $(i-1)
    }
  }
  # The skipped test itself: cargo prints "test NAME ... ignored", node:test "# SKIP" / "# TODO".
  /^test .* \.\.\. ignored/ { sub(/^test /, ""); sub(/ \.\.\. ignored.*/, ""); names = names "\n  cargo: " $0 }
  /^ *ok [0-9]+ - .* # (SKIP|TODO)/ { line = $0; sub(/^ *ok [0-9]+ - /, "", line); names = names "\n  node:test: " line }
  /^# pass [0-9]+$/ { p += $3 }
  /^# fail [0-9]+$/ { f += $3 }
  /^# (skipped|todo) [0-9]+$/ { s += $3 }
  /^suite-time: / { times = times sprintf("  %-20s %5d s\n", $2, $3); total += $3 }
  END {
    if (times != "") printf "suite times:\n%s  %-20s %5d s\n", times, "all suites", total
    printf "summary: %d passed, %d failed, %d skipped\n", p, f, s
    if (s > 0) printf "test-summary: every suite make test runs must run whole; skipped:%s\n", names
    exit (f > 0 || s > 0)
  }
' "$log"
