#!/usr/bin/env bash
# Differential test of crates/core/src/sign.rs against the official Python signer (huaweicloudsdkcore):
# makes the test-only venv (scripts/pyenv.sh), generates the cases with a fixed seed into
# build/sign-cases.tsv, and runs the ignored test crates/core/tests/sign_oracle.rs on them.
# Usage: tests/sign-oracle/run.sh [N]   (N >= 200 cases, default 400)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
py="$(scripts/pyenv.sh)"
mkdir -p build
cases="$root/build/sign-cases.tsv"
"$py" tests/sign-oracle/gen_cases.py "$cases" "${1:-400}"
DCS_SIGN_CASES="$cases" cargo test -p dcs-tasks-core --test sign_oracle -- --include-ignored --nocapture
