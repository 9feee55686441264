#!/bin/bash
# On/off settings in the environment work in any spelling or are refused;
# the program cache is never turned off without a word.
. "$(dirname "$0")/lib.sh"

expect 0 "verify mode: every op runs" -- \
  env COCOB_VERIFY=yes "$COCOB" --device ref train --limit 100 --model dense:10
expect 1 "COCOB_VERIFY=\"maybe\" is not a setting: it takes 1 or 0" -- \
  env COCOB_VERIFY=maybe "$COCOB" --device ref train --limit 100 --model dense:10
expect 1 "COCOB_CACHE=\"disabled\" is not a setting" -- \
  env COCOB_CACHE=disabled "$COCOB" --device ref bench update --size 10 --iterations 1
expect 1 "COCOB_UNIFIED=\"2\" is not a setting" -- \
  env COCOB_UNIFIED=2 "$COCOB" --device ref bench update --size 10 --iterations 1
expect 1 "COCOB_GEMM_TUNE=\"later\" is not a setting" -- \
  env COCOB_GEMM_TUNE=later "$COCOB" --device ref bench update --size 10 --iterations 1
expect 0 "COCOB_GEMM_TUNE=off skips this" -- "$COCOB" help tune

# A fault count that is not a count would inject nothing, silently.
expect 1 "COCOB_FAULT_ALLOC wants a whole number .* starts with a blank" -- \
  env COCOB_FAULT_ALLOC=' 1' "$COCOB" --device ref bench update --size 10 --iterations 1
expect 1 "COCOB_FAULT_ENQUEUE wants a whole number .*no sign is allowed" -- \
  env COCOB_FAULT_ENQUEUE=-1 "$COCOB" --device ref bench update --size 10 --iterations 1

if "$COCOB" devices 2>/dev/null | grep -q '^opencl:'; then
  long=$WORK/$(printf 'd%.0s' $(seq 4200))
  bench=("$COCOB" --device opencl bench update --size 10 --iterations 1)
  expect 0 "program cache is off: COCOB_CACHE_DIR is longer than a path can be" -- \
    env COCOB_CACHE_DIR="$long" "${bench[@]}"
  check "the warning comes once" \
    test "$(grep -c 'program cache is off' <<<"$OUT")" -eq 1
  expect 0 "program cache is off: neither COCOB_CACHE_DIR, XDG_CACHE_HOME nor HOME is set" -- \
    env -u HOME -u XDG_CACHE_HOME -u COCOB_CACHE_DIR "${bench[@]}"
  refute "program cache is off" -- env COCOB_CACHE=OFF "${bench[@]}"
else
  echo "skipped: the cache's warnings (no OpenCL device)"
fi
finish
