#!/usr/bin/env bash
# Only cocob_* names leave the library, shared or static: a program links
# the archive's every global name beside its own, and a gemm_ref or a
# monitor_open of ours would clash with one of its own.
# Usage: tests/symbols.sh LIBCOCOB.so LIBCOCOB.a
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 LIBCOCOB.so LIBCOCOB.a" >&2; exit 2; }

status=0
# check LABEL NM-ARGS... LIBRARY: the defined global names nm lists.
check() {
  local label=$1 names bad
  shift
  names=$(nm "$@" | awk 'NF == 3 { print $3 }' | sort -u)
  # ASan's one-definition-rule marker for a global is named after it.
  names=$(sed 's/^__odr_asan\.//' <<<"$names")
  if ! grep -q '^cocob_version$' <<<"$names"; then
    echo "symbols: $label: cocob_version is not among its names: is it the library?" >&2
    status=1
  fi
  bad=$(grep -v '^cocob_' <<<"$names" || true)
  if [ -n "$bad" ]; then
    echo "symbols: $label exports $(wc -l <<<"$bad") names without the cocob_ prefix:" >&2
    sed 's/^/  /' <<<"$bad" >&2
    status=1
  else
    echo "symbols: $label: $(wc -l <<<"$names") names, each cocob_*"
  fi
}

check "$1" -D --defined-only "$1"
check "$2" -g --defined-only "$2"
exit $status
