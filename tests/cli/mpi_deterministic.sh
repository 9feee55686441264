#!/bin/bash
# --deterministic: the ranks' gradients are summed in rank order by a
# reduce-scatter of the command's own (tools/cocob/mpi.c), so that a run
# repeats bit for bit whatever algorithm MPI_Allreduce would pick. The sum
# itself is checked element by element by tests/mpi_sum.c ($MPI_SUM); here,
# whole runs: 3 ranks told to use MPI's linear, then its ring allreduce,
# train other weights without the flag and the same ones with it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mpi.bash"

expect 0 "3 ranks, every sum in rank order" -- mpi -np 3 "${MPI_SUM:?}"

# Open MPI's tuned allreduce, told which algorithm: 1 linear, 4 ring.
algorithm() {
  echo --mca coll_tuned_use_dynamic_rules 1 --mca coll_tuned_allreduce_algorithm "$1"
}
A=("${ARGS[@]}" --model dense:32,relu,dropout:0.3,dense:3 --optimizer sgd --lr 0.05)
for alg in 1 4; do
  for how in plain deterministic; do
    # The plain sum is MPI_Allreduce's only after backward: the buckets'
    # MPI_Iallreduce is another component's (libnbc), which this does not set.
    flag=(--no-overlap)
    [ $how = deterministic ] && flag=(--deterministic)
    # shellcheck disable=SC2046 # the options are words
    expect 0 "epoch 1/1  train loss" -- mpi $(algorithm $alg) -np 3 "$COCOB" "${A[@]}" \
      "${flag[@]}" --save-model "$WORK/$how.$alg"
  done
done
check "the linear and the ring allreduce train other weights" \
  bash -c '! cmp -s "$1" "$2"' - "$WORK/plain.1" "$WORK/plain.4"
check "with --deterministic, the same weights bit for bit" \
  cmp "$WORK/deterministic.1" "$WORK/deterministic.4"
expect 0 "epoch 1/1  train loss" -- mpi -np 3 "$COCOB" "${A[@]}" --deterministic \
  --save-model "$WORK/again"
check "with --deterministic, MPI's own choice too" cmp "$WORK/deterministic.1" "$WORK/again"
# Two summands add to the same bits in either order: the flag's exchange
# of chunks must not change a 2-rank run at all.
for how in plain deterministic; do
  flag=()
  [ $how = deterministic ] && flag=(--deterministic)
  expect 0 "epoch 1/1  train loss" -- mpi -np 2 "$COCOB" "${A[@]}" "${flag[@]}" \
    --save-model "$WORK/two.$how"
done
check "2 ranks: the same weights with and without --deterministic" \
  cmp "$WORK/two.plain" "$WORK/two.deterministic"
# One process has no sum to order: the flag changes nothing.
for how in plain deterministic; do
  flag=()
  [ $how = deterministic ] && flag=(--deterministic)
  expect 0 "epoch 1/1  train loss" -- "$COCOB" "${A[@]}" "${flag[@]}" --save-model "$WORK/one.$how"
done
check "1 process: the same weights with and without --deterministic" \
  cmp "$WORK/one.plain" "$WORK/one.deterministic"
finish
