#!/usr/bin/env bash
# Prints the package's wasm and JS glue sizes, raw and gzipped (-9), and checks the budget:
# what a page downloads with the smallest entry (`dcs-tasks/slim`: the entry, the glue and the
# .wasm file) within 191 KiB gzipped (195,584 B; 180 KiB until the attention model, summarizeFleet,
# added 11.4 KB: BENCHMARKS.md). The zero-configuration entry's download (the
# wasm inlined as base64 in JavaScript) is printed beside it.
# Usage: scripts/size.sh [--check]   (builds pkg/ first if missing)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
[ -f pkg/dcs_tasks_bg.wasm ] && [ -f pkg/dcs_tasks_proxy_bg.wasm ] || scripts/build-pkg.sh
budget=$((191 * 1024))
gz() { gzip -9 -c "$1" | wc -c; }
total_raw=0; total_gz=0; zero_raw=0; zero_gz=0
printf '%-22s %10s %10s\n' file raw gzip
for f in pkg/dcs_tasks_bg.wasm pkg/dcs_tasks.js pkg/slim.js pkg/index.js pkg/dcs_tasks_wasm.js pkg/workerd.js; do
  r=$(wc -c < "$f"); g=$(gz "$f")
  printf '%-22s %10d %10d\n' "$(basename "$f")" "$r" "$g"
  # The budget: the smallest entry (dcs-tasks/slim: entry + glue + the .wasm file).
  case "$f" in */dcs_tasks_bg.wasm|*/dcs_tasks.js|*/slim.js) total_raw=$((total_raw + r)); total_gz=$((total_gz + g));; esac
  # The zero-configuration entry (dcs-tasks: entry + glue + the wasm inlined in JS).
  case "$f" in */dcs_tasks_wasm.js|*/dcs_tasks.js|*/index.js) zero_raw=$((zero_raw + r)); zero_gz=$((zero_gz + g));; esac
done
printf '%-22s %10d %10d   (budget %d gzipped: %s)\n' "slim+glue+wasm" "$total_raw" "$total_gz" "$budget" \
  "$([ "$total_gz" -le "$budget" ] && echo ok || echo OVER)"
printf '%-22s %10d %10d   (dcs-tasks, zero configuration: the wasm inlined; not budgeted)\n' "index+glue+inline" "$zero_raw" "$zero_gz"
# The elements (`dcs-tasks/element/slim` and the files it imports; `dcs-tasks/element` adds the
# zero-configuration entry): reported, not budgeted (no wasm in them).
er=0; eg=0
for f in pkg/element-slim.js pkg/ready.js pkg/elements/*.js; do er=$((er + $(wc -c < "$f"))); eg=$((eg + $(gz "$f"))); done
printf '%-22s %10d %10d   (the elements\x27 JS, each file gzipped; not budgeted)\n' "elements" "$er" "$eg"
# The edge proxy's own build (`dcs-tasks/proxy`: the library plus the proxy, loaded only by
# the edge worker, never by pages): reported, not budgeted.
pr=$(( $(wc -c < pkg/dcs_tasks_proxy_bg.wasm) + $(wc -c < pkg/dcs_tasks_proxy.js) ))
pg=$(( $(gz pkg/dcs_tasks_proxy_bg.wasm) + $(gz pkg/dcs_tasks_proxy.js) ))
printf '%-22s %10d %10d   (dcs-tasks/proxy, edge worker only)\n' "proxy wasm+glue" "$pr" "$pg"
if [ "${1:-}" = "--check" ] && [ "$total_gz" -gt "$budget" ]; then
  echo "size budget exceeded: $total_gz > $budget bytes gzipped" >&2
  exit 1
fi
