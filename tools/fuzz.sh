#!/usr/bin/env bash
# Fuzzes cocob's readers and parsers with libFuzzer: builds tests/fuzz/fuzz_*.c
# with clang into build-fuzz (COCOB_FUZZ, reference only: no device needed),
# then runs each harness for a set time, from a copy of its regression inputs.
#   tools/fuzz.sh [--seconds N] [harness ...]     (default: 60 s each, all)
#   tools/fuzz.sh --add-regression HARNESS FILE
# A routine run leaves the source tree alone: it fuzzes build-fuzz/corpus/
# and a copy of tests/fuzz/regress/<harness>/, and keeps what crashes a
# harness in build-fuzz/crashes/<harness>/ until that harness's next run. It
# ends with the executions per harness and, for each crash, the command that
# adds it as a regression: --add-regression copies FILE into
# tests/fuzz/regress/HARNESS/, where ctest replays it in every build from then
# on; commit it with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,13p' "$0"; }

if [ "${1:-}" = --add-regression ]; then
  if [ $# -ne 3 ] || [ ! -f "tests/fuzz/fuzz_$2.c" ] || [ ! -f "$3" ]; then
    echo "fuzz.sh: --add-regression wants a harness (tests/fuzz/fuzz_HARNESS.c) and a file" >&2
    usage >&2
    exit 2
  fi
  mkdir -p "tests/fuzz/regress/$2"
  dest="tests/fuzz/regress/$2/crash-$(sha1sum < "$3" | cut -c1-16)"
  cp "$3" "$dest"
  echo "added $dest: ctest's fuzz_regress_$2 replays it; commit it with the fix"
  exit 0
fi

seconds=60
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) names+=("$1"); shift ;;
  esac
done

# clang and its runtimes (libFuzzer, the sanitizers) come from Debian.
need=()
for p in clang libclang-rt-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

CC=clang cmake -S . -B build-fuzz -DCOCOB_FUZZ=ON -DCOCOB_OPENCL=OFF -DCOCOB_CPU=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
if [ ${#names[@]} -eq 0 ]; then
  for f in tests/fuzz/fuzz_*.c; do
    n=$(basename "$f" .c)
    [ "$n" = fuzz_common ] || names+=("${n#fuzz_}")
  done
fi
cmake --build build-fuzz -j"$(nproc)" --target "${names[@]/#/fuzz_}" > /dev/null

failed=0
summary=()
adds=()
for n in "${names[@]}"; do
  corpus=build-fuzz/corpus/$n
  seeds=build-fuzz/regress/$n
  artifacts=build-fuzz/crashes/$n
  log=build-fuzz/logs/$n.log
  # The seeds are copied afresh: libFuzzer may write into any corpus it is
  # given, and the regression inputs are the source tree's.
  rm -rf "$seeds" "$artifacts"
  mkdir -p "$corpus" "$seeds" "$artifacts" build-fuzz/logs
  cp -R "tests/fuzz/regress/$n/." "$seeds/" 2>/dev/null || true
  echo "== fuzz_$n for ${seconds}s (log: $log)"
  # -rss_limit_mb: a reader that allocates what a header claims, unchecked,
  # shows up as an out-of-memory crash.
  rc=0
  ASAN_OPTIONS=allocator_may_return_null=1 \
    "build-fuzz/tests/fuzz/fuzz_$n" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "$seeds" > "$log" 2>&1 || rc=$?
  tail -n 25 "$log"
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  crashes=0
  for crash in "$artifacts"/*; do
    [ -e "$crash" ] || continue
    crashes=$((crashes + 1))
    adds+=("tools/fuzz.sh --add-regression $n $crash")
  done
  [ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ] || failed=1
  summary+=("$(printf '%-14s %12s executions in %ss, exit %d, %d crash file(s) in %s' \
    "$n" "${runs:-?}" "$seconds" "$rc" "$crashes" "$artifacts")")
done

echo "== summary"
printf '%s\n' "${summary[@]}"
if [ ${#adds[@]} -gt 0 ]; then
  echo "== to keep a crash as a regression test (after reading it), run:"
  printf '  %s\n' "${adds[@]}"
fi
exit $failed
