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
# COCOB keeps none: no line and no columns.
refute "optimizer +[a-z]" -- "$COCOB" "${RUN[@]}" --log "$WORK/cocob.csv"
check "COCOB's log has no opt. column" \
  bash -c "! grep -q 'opt\\.' '$WORK/cocob.csv'"

finish
