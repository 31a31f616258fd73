#!/usr/bin/env bash
# Greps everything a test run printed (test output, logs of the mock, workerd and the demo)
# for the test credentials: the SK, the session and IAM tokens, the proxy token, and
# Authorization signatures. Any hit fails the run.
set -euo pipefail
log="${1:?usage: scripts/check-secrets.sh <captured output>}"
[ -s "$log" ] || { echo "check-secrets: $log is missing or empty" >&2; exit 1; }
secrets=(
  "SKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSK"   # the public test SK used everywhere
  "test-iam-token-0123456789abcdef"            # tests/with-mock.mjs IAM token
  "TOKEN+/=abc"                                # vector C security token
  "Signature=[0-9a-f]{64}"                     # a full request signature
)
found=0
for s in "${secrets[@]}"; do
  if grep -Eq -- "$s" "$log"; then
    echo "check-secrets: the test output contains a secret matching: $s" >&2
    grep -En -- "$s" "$log" | head -3 | cut -c1-160 >&2
    found=1
  fi
done
[ "$found" = 0 ] && echo "check-secrets: no secret in $(wc -l < "$log") lines of test output"
exit "$found"
