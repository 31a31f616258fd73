#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for N seconds each (default 10: the short run of
# `make test`; `make fuzz` runs 300), one after the other, and prints per target the
# executions and the coverage reached (libFuzzer's final `cov:` and `ft:`).
#
#   scripts/fuzz.sh [seconds-per-target]
#   FUZZ_TARGETS="list_parser sign" scripts/fuzz.sh 60    # a subset
#   FUZZ_SANITIZER=address scripts/fuzz.sh 60             # default: none (no unsafe in src/)
#
# Installs what is missing (the nightly toolchain, cargo-fuzz), seeds fuzz/corpus/<target>/
# from tests/fixtures/ and tests/fixtures/hostile/ (the corpus grows across runs; it is not
# committed), and exits non-zero if any target crashed, leaving the input under
# fuzz/artifacts/<target>/ and the full output under fuzz/logs/<target>.log.
set -euo pipefail
secs="${1:-10}"
[[ "$secs" =~ ^[0-9]+$ && "$secs" -gt 0 ]] || { echo "usage: scripts/fuzz.sh [seconds-per-target]" >&2; exit 2; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fuzz="$root/fuzz"
CARGO_FUZZ_VERSION=0.13.2
all_targets=(list_parser instance_parser progress_parser error_body build_request sign proxy_route)
read -r -a targets <<< "${FUZZ_TARGETS:-${all_targets[*]}}"
sanitizer="${FUZZ_SANITIZER:-none}"
start=$(date +%s)

# --- tools ---------------------------------------------------------------------------
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "fuzz: installing the nightly toolchain"
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION (a few minutes, once)"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

# --- seed corpora --------------------------------------------------------------------
# Parsers get every fixture and hostile case, once per mode (first byte: 0 default, 1 strict).
seed() { # seed <target> <name> <mode byte or ""> <file>
  local dir="$fuzz/corpus/$1" out="$fuzz/corpus/$1/seed-$2"
  mkdir -p "$dir"
  [ -e "$out" ] && return 0
  if [ -n "$3" ]; then { printf "\\x$3"; cat "$4"; } > "$out"; else cp "$4" "$out"; fi
}
shopt -s nullglob
for f in "$root"/tests/fixtures/*.json "$root"/tests/fixtures/hostile/*.json "$root"/tests/fixtures/hostile/*.bin; do
  n="$(basename "$(dirname "$f")")-$(basename "$f")"
  seed list_parser "$n-default" 00 "$f"
  seed list_parser "$n-strict" 01 "$f"
  seed instance_parser "$n-default" 00 "$f"
  seed instance_parser "$n-strict" 01 "$f"
  seed progress_parser "$n-default" 00 "$f"
  seed progress_parser "$n-strict" 01 "$f"
  seed error_body "$n" "" "$f"
done
# The structured targets read their input through `arbitrary`: any bytes are a valid
# input, and the fixtures give them a varied start.
for f in "$root"/tests/fixtures/*.json; do
  for t in build_request sign proxy_route; do seed "$t" "$(basename "$f")" "" "$f"; done
done

# --- build ---------------------------------------------------------------------------
cd "$fuzz"
build_flags=(-O --debug-assertions --sanitizer "$sanitizer")
echo "fuzz: building ${#targets[@]} targets (release, debug assertions, sanitizer: $sanitizer)"
mkdir -p "$fuzz/logs"
build_targets=("${targets[@]}")
[ "${#targets[@]}" = "${#all_targets[@]}" ] && build_targets=("") # one build of all of them
for t in "${build_targets[@]}"; do
  if ! cargo +nightly fuzz build "${build_flags[@]}" $t > "$fuzz/logs/build.log" 2>&1; then
    grep -Ev '^\s*(Compiling|Downloaded|Downloading|Locking|Updating|Adding)' "$fuzz/logs/build.log" >&2
    echo "fuzz: build failed" >&2
    exit 1
  fi
done

# --- run -----------------------------------------------------------------------------
crashed=()
rows=()
for t in "${targets[@]}"; do
  log="$fuzz/logs/$t.log"
  rm -f "$log" "$log.regressions"
  rc=0
  # Every crash found so far (committed under fuzz/regressions/<target>/) runs first.
  regs=("$fuzz/regressions/$t"/*)
  if [ "${#regs[@]}" -gt 0 ]; then
    echo "fuzz: $t: ${#regs[@]} regression input(s)"
    cargo +nightly fuzz run "${build_flags[@]}" "$t" "${regs[@]}" > "$log.regressions" 2>&1 || rc=$?
    if [ "$rc" != 0 ]; then
      crashed+=("$t")
      rows+=("$(printf '%-16s %10s %6s %7s %7s  %s' "$t" - - - - "REGRESSION")")
      echo "fuzz: $t fails on a committed regression input (exit $rc):" >&2
      grep -E -A3 'panicked at|^Failing input|^\s+[0-9]+: .*dcs_tasks' "$log.regressions" | grep -v '^--$' | head -30 >&2
      continue
    fi
  fi
  echo "fuzz: $t for ${secs}s"
  cargo +nightly fuzz run "${build_flags[@]}" "$t" "corpus/$t" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    > "$log" 2>&1 || rc=$?
  last="$(grep -E '^#[0-9]+' "$log" | tail -1 || true)"
  execs="$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -1)"
  [ -n "$execs" ] || execs="$(sed -nE 's/^#([0-9]+).*/\1/p' <<< "$last")"
  cov="$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<< "$last")"
  ft="$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<< "$last")"
  corp="$(sed -nE 's/.* corp: ([0-9]+)\/.*/\1/p' <<< "$last")"
  status=ok
  if [ "$rc" != 0 ]; then
    status="CRASH"
    crashed+=("$t")
    echo "fuzz: $t crashed (exit $rc); from $log:" >&2
    grep -E -A12 'panicked at|ERROR: libFuzzer|^Failing input' "$log" | grep -Ev '^--$|rustc/|^\s*at /rustc' | head -50 >&2
  fi
  rows+=("$(printf '%-16s %10s %6s %7s %7s  %s' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$status")")
done

echo
printf '%-16s %10s %6s %7s %7s  %s\n' target execs cov ft corpus result
printf '%s\n' "${rows[@]}"
echo "fuzz: ${#targets[@]} targets x ${secs}s in $(( $(date +%s) - start ))s"
if [ "${#crashed[@]}" -gt 0 ]; then
  echo "fuzz: crashes in: ${crashed[*]}; new inputs (add each to fuzz/regressions/<target>/ once reported):" >&2
  for t in "${crashed[@]}"; do
    ls -1 "$fuzz/artifacts/$t/" 2>/dev/null | sed "s|^|  fuzz/artifacts/$t/|" >&2
    [ -s "$fuzz/logs/$t.log.regressions" ] && ls -1 "$fuzz/regressions/$t/" | sed "s|^|  fuzz/regressions/$t/|" >&2
  done
  echo "fuzz: reproduce with: (cd fuzz && cargo +nightly fuzz run ${build_flags[*]} <target> <input>)" >&2
  exit 1
fi
