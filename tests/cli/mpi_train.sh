#!/bin/bash
# `mpirun -np N cocob train` on ref: the ranks hold the same weights (the
# command compares a digest of them before the first step and after every
# epoch, and names a rank that differs), rank 0 alone prints and saves, and
# N ranks train the model one process trains on the same global batches, up
# to the order of the sums.
. "$(dirname "$0")/lib.sh"

# Loopback only; CMA's single copy needs ptrace rights a container may lack.
mpi() {
  timeout 120 "${MPIEXEC:-mpirun}" --oversubscribe --mca btl_vader_single_copy_mechanism none "$@"
}
# Three classes, by which of the first three of eight features is largest,
# with a deterministic wobble: small enough that mpirun's start dominates.
toy() {
  awk -v n="$1" 'BEGIN {
    printf "f1,f2,f3,f4,f5,f6,f7,f8,class\n"
    for (i = 0; i < n; i++) {
      k = i % 3
      for (j = 0; j < 8; j++) printf "%.4f,", sin(i * 7.1 + j * 3.3) * 0.8 + (j == k ? 1 : 0)
      printf "c%d\n", k
    }
  }'
}
toy 1000 > "$WORK/train.csv"
toy 300 > "$WORK/test.csv"
ARGS=(--device ref train --data "$WORK/train.csv" --target class --test "$WORK/test.csv"
      --batch 50 --epochs 2)

# The largest difference between two predict --output files' probabilities.
prob_diff() {
  paste -d, "$1" "$2" | awk -F, 'NR > 1 {
      h = NF / 2
      for (i = 4; i <= h; i++) { d = $i - $(i + h); if (d < 0) d = -d; if (d > m) m = d }
    } END { printf "%.3g\n", m }'
}
# The summation order alone: measured 1.8e-7 (2 ranks) and 1.2e-7 (3 ranks,
# dropout, SGD) after these 40 steps, from gradients a few ulps apart; 1e-5
# leaves room for other compilers' rounding, while the shares summed
# unscaled move SGD's probabilities by 0.38 (COCOB's not at all: its step
# does not follow the gradient's scale, hence the SGD run).
TOL=1e-5
within() {
  awk -v d="$1" -v t="$TOL" 'BEGIN { exit !(d <= t) }'
}

equivalent() {
  local name=$1 ranks=$2
  shift 2
  expect 0 "epoch 2/2  train loss" -- "$COCOB" "${ARGS[@]}" "$@" --save-model "$WORK/$name.1"
  local one=$OUT
  expect 0 "epoch 2/2  train loss" -- mpi -np "$ranks" "$COCOB" "${ARGS[@]}" "$@" \
    --save-model "$WORK/$name.$ranks"
  # Rank 0 alone speaks: one line an epoch, one save.
  check "$name: one epoch line and one save from $ranks ranks" \
    [ "$(printf '%s\n' "$OUT" | grep -c '^epoch 2/2  train loss')" -eq 1 -a \
      "$(printf '%s\n' "$OUT" | grep -c '^saved ')" -eq 1 ]
  check "$name: the same losses printed by 1 and $ranks ranks" [ \
    "$(printf '%s\n' "$one" | grep '^epoch .*train loss' | cut -d' ' -f1-6)" = \
    "$(printf '%s\n' "$OUT" | grep '^epoch .*train loss' | cut -d' ' -f1-6)" ]
  for n in 1 "$ranks"; do
    "$COCOB" --device ref predict --model "$WORK/$name.$n" --data "$WORK/test.csv" \
      --target class --output "$WORK/$name.$n.csv" > /dev/null 2>&1
  done
  local d
  d=$(prob_diff "$WORK/$name.1.csv" "$WORK/$name.$ranks.csv")
  echo "$name: probabilities of 1 and $ranks ranks differ by $d at most"
  check "$name: 1 and $ranks ranks within $TOL" within "$d"
}

equivalent cocob 2 --model dense:32,relu,dense:3
# Shares of 17, 17 and 16, dropout's masks, and a step that follows the
# gradient's scale (COCOB's hardly does).
equivalent sgd 3 --model dense:32,relu,dropout:0.3,dense:3 --optimizer sgd --lr 0.05

# A rank that made other weights is named before any step; one given other
# options is named as such; a batch with no example for a rank is refused.
# (tanh's initial weights are not ReLU's, the sizes are the same)
expect 1 "the weights of rank 1 differ from rank 0's before the first step" -- \
  mpi -np 1 "$COCOB" "${ARGS[@]}" --model dense:32,relu,dense:3 : -np 1 "$COCOB" \
  "${ARGS[@]}" --model dense:32,tanh,dense:3
expect 1 "rank 1 was given other training options or data than rank 0" -- \
  mpi -np 1 "$COCOB" "${ARGS[@]}" --model dense:3 : -np 1 "$COCOB" "${ARGS[@]}" \
  --model dense:3 --epochs 3
expect 1 "3 ranks need at least one example each in every batch, but 1000 examples in \
batches of 499 leave 2 in each epoch's last batch" -- \
  mpi -np 3 "$COCOB" "${ARGS[@]}" --model dense:3 --batch 499
finish
