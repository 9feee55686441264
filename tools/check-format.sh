#!/usr/bin/env bash
# Is every C file as .clang-format lays it out? Lists the files that are not
# and exits non-zero if any is; `clang-format -i FILE` puts one right. The
# kernels, cl/*.cl, are not C files to it and are left as they are.
#
# The layout is clang-format 14's (Debian 12's): other versions break some
# lines elsewhere, so another one is refused rather than believed.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v clang-format-14 >/dev/null && ! command -v clang-format >/dev/null; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends clang-format-14
fi
format=$(command -v clang-format-14 || command -v clang-format)
version=$("$format" --version)
case "$version" in
  *"version 14."*) ;;
  *) echo "check-format: $format is \"$version\"; .clang-format is tuned for clang-format 14" >&2
     exit 2 ;;
esac

offenders=()
while IFS= read -r -d '' f; do
  "$format" --dry-run --Werror "$f" 2>/dev/null || offenders+=("$f")
done < <(git ls-files -z -- '*.c' '*.h')

if [ ${#offenders[@]} -gt 0 ]; then
  echo "check-format: ${#offenders[@]} file(s) differ from .clang-format (clang-format -i fixes them):" >&2
  printf '  %s\n' "${offenders[@]}" >&2
  exit 1
fi
echo "check-format: every C file matches .clang-format"
