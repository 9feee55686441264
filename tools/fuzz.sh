#!/usr/bin/env bash
# Fuzzes cocob's readers with libFuzzer: builds tests/fuzz/fuzz_*.c with clang
# into build-fuzz (COCOB_FUZZ, reference only: the readers need no device),
# then runs each harness for a set time, starting from its regression inputs.
#   tools/fuzz.sh [--seconds N] [harness ...]     (default: 60 s each, all)
# An input that crashes a harness is copied into tests/fuzz/regress/<name>/,
# where ctest replays it in every build from then on; commit it with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
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
for n in "${names[@]}"; do
  corpus=build-fuzz/corpus/$n
  artifacts=build-fuzz/crashes/$n
  mkdir -p "$corpus" "$artifacts"
  echo "== fuzz_$n for ${seconds}s"
  # -rss_limit_mb: a reader that allocates what a header claims, unchecked,
  # shows up as an out-of-memory crash.
  if ! ASAN_OPTIONS=allocator_may_return_null=1 \
       "build-fuzz/tests/fuzz/fuzz_$n" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
       -print_final_stats=1 -artifact_prefix="$artifacts/" \
       "$corpus" "tests/fuzz/regress/$n" 2>&1 | tail -n 25; then
    failed=1
  fi
  for crash in "$artifacts"/*; do
    [ -e "$crash" ] || continue
    cp "$crash" "tests/fuzz/regress/$n/"
    echo "fuzz_$n: $(basename "$crash") kept in tests/fuzz/regress/$n/ as a regression test"
    failed=1
  done
done
exit $failed
