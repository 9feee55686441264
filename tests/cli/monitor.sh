#!/bin/bash
# --monitor: the per-tensor table, and the optimizer's own scalars (KT's
# wealth and iter, kept on the device) read at the monitor's points, on
# screen and as opt.* columns of the log.
. "$(dirname "$0")/lib.sh"

RUN=(--device ref train --limit 1000 --batch 100 --model dense:10 --epochs 1 --monitor)

# 10 steps: iter is 1 plus the steps taken.
expect 0 "optimizer +wealth [-0-9.e+]+ iter 11$" -- "$COCOB" "${RUN[@]}" --optimizer kt \
  --log "$WORK/kt.csv"
check "the log names KT's scalars last" \
  grep -Eq ',opt\.wealth,opt\.iter$' "$WORK/kt.csv"
check "the epoch's row ends in iter 11" \
  grep -Eq '^1,10,.*,11$' "$WORK/kt.csv"
# L-DoG keeps DoG's four for each of the model's tensors (here l0.dense.w
# and l0.dense.b), its index after the name.
expect 0 "optimizer +rbar\.0 [-0-9.e+]+ G\.0 .* eta\.1 [-0-9.e+]+ first_step\.1 0$" -- \
  "$COCOB" "${RUN[@]}" --optimizer ldog --log "$WORK/ldog.csv"
check "the log names each layer's scalars" \
  grep -Eq ',opt\.rbar\.0,opt\.G\.0,opt\.eta\.0,opt\.first_step\.0,opt\.rbar\.1,opt\.G\.1,opt\.eta\.1,opt\.first_step\.1$' \
  "$WORK/ldog.csv"
# Schedule-Free's are the host's, from the step count: after 10 of 20
# warm-up steps the last lr is 10/20 of 1, and the weights of the average,
# lr_max^2 each, sum to (1^2 + ... + 10^2) / 20^2 = 0.9625.
expect 0 "optimizer +scheduled_lr 0\.5 weight_sum 0\.9625$" -- \
  "$COCOB" "${RUN[@]}" --optimizer sf_sgd --warmup-steps 20 --log "$WORK/sf.csv"
check "the log's last columns are Schedule-Free's, 0.5 and 0.9625 at the epoch's end" \
  bash -c "head -1 '$WORK/sf.csv' | grep -Eq ',opt\.scheduled_lr,opt\.weight_sum$' &&
           grep -Eq '^1,10,.*,0\.5,0\.9625$' '$WORK/sf.csv'"
# COCOB keeps none: no line and no columns.
refute "optimizer +[a-z]" -- "$COCOB" "${RUN[@]}" --log "$WORK/cocob.csv"
check "COCOB's log has no opt. column" \
  bash -c "! grep -q 'opt\\.' '$WORK/cocob.csv'"

finish
