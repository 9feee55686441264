#!/bin/bash
# Every numeric flag goes through the one number parser (src/base/number.c):
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
expect 2 "--batch wants a whole number .*no sign is allowed" -- \
  "$COCOB" --device ref train --batch -1
expect 2 "--epochs wants a whole number from 1 to" -- \
  "$COCOB" --device ref train --epochs 0
expect 2 "--lr wants a number .*not \" 0.1\" \(it starts with a blank\)" -- \
  "$COCOB" --device ref train --optimizer sgd --lr ' 0.1'
expect 2 "--lr wants a number .*no sign" -- \
  "$COCOB" --device ref train --optimizer sgd --lr -0.1
expect 2 "--lr wants a number .*not a plain decimal" -- \
  "$COCOB" --device ref train --optimizer sgd --lr 0x1p3
expect 2 "--iterations wants a whole number from 1 to 1000000" -- \
  "$COCOB" --device ref bench update --iterations 1000001
expect 2 "--steps wants a whole number .*starts with a blank" -- \
  "$COCOB" --device ref bench train --steps ' 5'
expect 2 "--candidates wants a whole number" -- \
  "$COCOB" --device ref tune --candidates -3
# A batch larger than the data set is the whole set, and memory follows the
# 100 examples: ten million examples of 784 floats would be 31 GB.
expect 0 "batches of 10000000" -- \
  "$COCOB" --device ref train --limit 100 --model dense:10 --batch 10000000

# Spec numbers: each refusal names the number and why.
expect 1 "the unit count wants a whole number from 1 to .*not \"0\"" -- \
  "$COCOB" --device ref train --limit 100 --model dense:0
expect 1 "the unit count .*not \"99999999999999\" \(it is out of range\)" -- \
  "$COCOB" --device ref train --limit 100 --model dense:99999999999999
expect 1 "the pad wants a whole number from 0 to 1024, not \"2000\"" -- \
  "$COCOB" --device ref train --limit 100 --model conv:4x3x3:p2000,dense:10
expect 1 "the stride comes before the pad" -- \
  "$COCOB" --device ref train --limit 100 --model conv:4x3x3:p1:s2,dense:10
expect 1 "the rate .*starts with a blank" -- \
  "$COCOB" --device ref train --limit 100 --model 'dropout: 0.5,dense:10'
expect 1 "the unit count .*starts with a blank" -- \
  "$COCOB" --device ref train --limit 100 --model 'dense: 10'
expect 1 "\"abc\" after \"dense:10\" is not part of it" -- \
  "$COCOB" --device ref train --limit 100 --model dense:10abc

# A summary longer than 8 KB (150 layers) prints whole, the total included,
# and the epoch's line starts a line of its own.
spec=$(printf 'relu,%.0s' $(seq 150))dense:10
expect 0 "total parameters: 7850" -- \
  "$COCOB" --device ref train --limit 100 --model "$spec"
check "the 150-layer summary ends before the epoch line" \
  grep -Eq "^epoch 1/1  train loss" <<<"$OUT"
finish
