# Sourced by every tests/cli/*.sh: the command under test is $1, a scratch
# folder is $WORK (removed at exit), and each check below counts a failure
# rather than stopping, so that one run lists every broken promise.
#   expect STATUS REGEX -- command...   exit status STATUS (a number, or
#                                       "fail" for any non-zero) and output
#                                       (stdout and stderr) matching REGEX
#   refute REGEX -- command...          output must not match REGEX
#   check "what" test-expression...     any shell test, named for the report
set -u
COCOB=${1:?usage: $0 path/to/cocob}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cocob-cli.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
DATA=/usr/share/datasets/fashion-mnist
failures=0
OUT=""

run_cmd() {
  OUT=$("$@" 2>&1)
}

expect() {
  local want=$1 regex=$2
  shift 3
  local got=0
  run_cmd "$@" || got=$?
  local ok=1
  if [ "$want" = fail ]; then
    [ "$got" -ne 0 ] || ok=0
  else
    [ "$got" -eq "$want" ] || ok=0
  fi
  printf '%s\n' "$OUT" | grep -Eq -- "$regex" || ok=0
  if [ $ok -eq 0 ]; then
    failures=$((failures + 1))
    printf 'FAILED: %s\n  wanted status %s and /%s/, got status %s:\n%s\n' \
      "$*" "$want" "$regex" "$got" "$(printf '%s\n' "$OUT" | tail -n 8 | sed 's/^/    /')"
  else
    printf 'ok: %s\n' "$*"
  fi
}

refute() {
  local regex=$1
  shift 2
  run_cmd "$@" || true
  if printf '%s\n' "$OUT" | grep -Eq -- "$regex"; then
    failures=$((failures + 1))
    printf 'FAILED: %s\n  printed /%s/:\n%s\n' "$*" "$regex" "$(printf '%s\n' "$OUT" | tail -n 8)"
  else
    printf 'ok: %s\n' "$*"
  fi
}

check() {
  local what=$1
  shift
  if "$@"; then
    printf 'ok: %s\n' "$what"
  else
    failures=$((failures + 1))
    printf 'FAILED: %s\n' "$what"
  fi
}

finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
  fi
  echo "all checks passed"
}
