#!/bin/bash
# The gradients' sums start in buckets while backward goes on (MPI_Iallreduce;
# --no-overlap sums them all after backward). Two summands add to the same
# bits in any sum, so 2 ranks train the same weights either way; 3 ranks may
# add in another order in a smaller message, hence TOL. --verbose tells the
# buckets and the time waited for them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mpi.bash"

# 8x300 and 300x300 weights: the last two layers' 91203 floats fill a
# bucket of 65536 once their backward is done; the first layer's are a
# second bucket.
A=("${ARGS[@]}" --model dense:300,relu,dense:300,relu,dense:3 --optimizer sgd --lr 0.05
   --epochs 1 --verbose)
for ranks in 2 3; do
  expect 0 "ranks    $ranks: per step, backward .* ms, the sums .* ms in 2.0 bucket\(s\)" -- \
    mpi -np $ranks "$COCOB" "${A[@]}" --save-model "$WORK/overlap.$ranks"
  expect 0 "ranks    $ranks: per step, .* in 1.0 bucket\(s\)" -- \
    mpi -np $ranks "$COCOB" "${A[@]}" --no-overlap --save-model "$WORK/after.$ranks"
done
check "2 ranks: the same weights with and without overlap" \
  cmp "$WORK/overlap.2" "$WORK/after.2"
check "3 ranks: with and without overlap within $TOL" \
  same_model "$WORK/overlap.3" "$WORK/after.3"
finish
