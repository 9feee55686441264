#!/bin/bash
# A checkpoint holds nothing of the ranks: a run saved by 2 ranks goes on in
# one process, and one saved by one process goes on in 3 ranks, both ending
# where one process running straight through ends, up to the sums' order.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mpi.bash"

A=("${ARGS[@]}" --model dense:16,relu,dense:3)
expect 0 "epoch 2/2  train loss" -- "$COCOB" "${A[@]}" --epochs 2 --save-model "$WORK/straight"

expect 0 "epoch 1/1  train loss" -- \
  mpi -np 2 "$COCOB" "${A[@]}" --epochs 1 --checkpoint "$WORK/by2.ckpt"
expect 0 "epoch 2/2  train loss" -- \
  "$COCOB" "${A[@]}" --epochs 2 --resume "$WORK/by2.ckpt" --save-model "$WORK/by2then1"
check "2 ranks, then 1 process: as one process throughout, within $TOL" \
  same_model "$WORK/straight" "$WORK/by2then1"

expect 0 "epoch 1/1  train loss" -- "$COCOB" "${A[@]}" --epochs 1 --checkpoint "$WORK/by1.ckpt"
expect 0 "epoch 2/2  train loss" -- \
  mpi -np 3 "$COCOB" "${A[@]}" --epochs 2 --resume "$WORK/by1.ckpt" --save-model "$WORK/by1then3"
check "1 process, then 3 ranks: as one process throughout, within $TOL" \
  same_model "$WORK/straight" "$WORK/by1then3"
finish
