#!/bin/bash
# Every numeric flag goes through the one number parser (src/core/number.c):
# no sign, no blank, no overflow, and a message that gives the range.
. "$(dirname "$0")/lib.sh"

expect 2 "--batch wants a whole number from 1 to" -- \
  "$COCOB" --device ref train --limit 500 --model dense:10 --batch 4611686018427387904
expect 2 "--batch wants a whole number .*out of range" -- \
  "$COCOB" --device ref train --batch 99999999999999999999999
expect 2 "--batch wants a whole number .*starts with a blank" -- \
  "$COCOB" --device ref train --batch ' -1'
expect 2 "--seed wants a whole number .*starts with a blank" -- \
  "$COCOB" --device ref train --limit 100 --model dense:10 --seed ' -5'
expect 2 "--seed wants a whole number .*out of range" -- \
  "$COCOB" --device ref train --limit 100 --model dense:10 --seed 999999999999999999999999
expect 2 "--size wants a whole number from 1 to" -- \
  "$COCOB" --device ref bench update --size 4611686018427387905 --iterations 1
finish
