#!/usr/bin/env bash
# Test-only Python venv with the official signer (huaweicloudsdkcore) as an oracle.
# Idempotent; prints the venv's python path. Never a dependency of the product.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/build/venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import huaweicloudsdkcore.signer.signer' >/dev/null 2>&1; then
  mkdir -p "$root/build"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q --disable-pip-version-check huaweicloudsdkcore >&2
fi
echo "$venv/bin/python"
