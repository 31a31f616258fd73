#!/usr/bin/env bash
# Prints what a page downloads with each entry (raw, gzip -9) and checks the budgets and the
# README's figures (scripts/size.mjs says which; `make size` runs it).
# Usage: scripts/size.sh [--check] [--write-docs] [--json FILE]   (builds pkg/ first if missing)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
[ -f pkg/dcs_tasks_bg.wasm ] && [ -f pkg/dcs_tasks_proxy_bg.wasm ] || scripts/build-pkg.sh
exec node scripts/size.mjs "$@"
