#!/bin/bash
# `mpirun -np N cocob train` on ref: the ranks hold the same weights (the
# command compares a digest of them before the first step and after every
# epoch, and names a rank that differs), rank 0 alone prints and saves, and
# N ranks train the model one process trains on the same global batches, up
# to the order of the sums.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mpi.bash"

equivalent() {
  local name=$1 ranks=$2
  shift 2
  expect 0 "epoch 2/2  train loss" -- "$COCOB" "${ARGS[@]}" --epochs 2 "$@" \
    --save-model "$WORK/$name.1"
  local one=$OUT
  expect 0 "epoch 2/2  train loss" -- mpi -np "$ranks" "$COCOB" "${ARGS[@]}" --epochs 2 "$@" \
    --save-model "$WORK/$name.$ranks"
  # Rank 0 alone speaks: one line an epoch, one save.
  check "$name: one epoch line and one save from $ranks ranks" \
    [ "$(printf '%s\n' "$OUT" | grep -c '^epoch 2/2  train loss')" -eq 1 -a \
      "$(printf '%s\n' "$OUT" | grep -c '^saved ')" -eq 1 ]
  check "$name: the same losses printed by 1 and $ranks ranks" [ \
    "$(printf '%s\n' "$one" | grep '^epoch .*train loss' | cut -d' ' -f1-6)" = \
    "$(printf '%s\n' "$OUT" | grep '^epoch .*train loss' | cut -d' ' -f1-6)" ]
  # Each rank evaluates its share of the test set, and the sums are summed:
  # one process's figures to the 4 decimals printed (the weights differ by
  # the sums' order, the loss's sum by its rounding to float on each rank).
  check "$name: the same test figures printed by 1 and $ranks ranks" [ \
    "$(printf '%s\n' "$one" | grep -o 'test loss .*%')" = \
    "$(printf '%s\n' "$OUT" | grep -o 'test loss .*%')" ]
  check "$name: 1 and $ranks ranks within $TOL" same_model "$WORK/$name.1" "$WORK/$name.$ranks"
}

equivalent cocob 2 --model dense:32,relu,dense:3
# Shares of 17, 17 and 16, dropout's masks, and a step that follows the
# gradient's scale (COCOB's hardly does).
equivalent sgd 3 --model dense:32,relu,dropout:0.3,dense:3 --optimizer sgd --lr 0.05

# A rank that made other weights is named before any step (tanh's initial
# weights are not ReLU's, the sizes are the same); one given other options
# is named as such; a batch with no example for a rank is refused.
expect 1 "the weights of rank 1 differ from rank 0's before the first step" -- \
  mpi -np 1 "$COCOB" "${ARGS[@]}" --model dense:32,relu,dense:3 : -np 1 "$COCOB" \
  "${ARGS[@]}" --model dense:32,tanh,dense:3
expect 1 "rank 1 was given other training options or data than rank 0" -- \
  mpi -np 1 "$COCOB" "${ARGS[@]}" --model dense:3 : -np 1 "$COCOB" "${ARGS[@]}" \
  --model dense:3 --epochs 3
expect 1 "3 ranks need at least one example each in every batch, but 1000 examples in \
batches of 499 leave 2 in each epoch's last batch" -- \
  mpi -np 3 "$COCOB" "${ARGS[@]}" --model dense:3 --batch 499
# A --device list is taken in local-rank order: rank 1 gets the second.
expect 1 'no device matches "nosuch"' -- \
  mpi -np 2 "$COCOB" --device ref,nosuch "${ARGS[@]:2}" --model dense:3
check "rank 1 took nosuch" grep -q "rank 1 of 2 failed" <<< "$OUT"
finish
