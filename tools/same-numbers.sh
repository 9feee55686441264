#!/usr/bin/env bash
# Proves a change left training's numbers alone: trains the same small jobs
# with two builds of cocob, on ref and on cpu, and holds the second's
# checkpoints (weights, optimizer state, the data's position) byte for byte,
# and its logged losses and accuracies digit for digit, against the first's.
#
#   tools/same-numbers.sh OLD/cocob NEW/cocob [DATA_DIR]
#
# Build OLD from the commit before the change (git worktree add, cmake). The
# jobs cover dense and convolutional models with dropout, COCOB and two
# baselines, so every op and update kernel of the reference and the cpu
# backend runs.
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 OLD_COCOB NEW_COCOB [DATA_DIR]" >&2
    exit 2
fi
old=$1 new=$2 data=${3:-/usr/share/datasets/fashion-mnist}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

jobs=(
    "--model dense:32,relu,dropout:0.25,dense:10"
    "--model conv:4x3x3,tanh,maxpool:2,dense:10"
    # ReLU then max-pool, which the plan swaps: windows apart and overlapping.
    "--model conv:4x3x3,relu,maxpool:2,conv:4x3x3:p1,relu,maxpool:3:s2,dense:10"
    "--model dense:16,sigmoid,dense:10 --optimizer adam --lr 0.001 --weight-decay 0.01"
    "--model dense:16,relu,dense:10 --optimizer sgd --lr 0.05 --momentum 0.9 --nesterov"
)
failed=0 ran=0
for device in ref cpu; do
    if ! "$new" --device "$device" devices >/dev/null 2>&1; then
        echo "skip: no $device backend in this build"
        continue
    fi
    for j in "${!jobs[@]}"; do
        for side in old new; do
            bin=$old
            [ "$side" = new ] && bin=$new
            # shellcheck disable=SC2086  # a job is a list of flags
            "$bin" --device "$device" train ${jobs[$j]} --data "$data" --limit 300 \
                --epochs 2 --batch 32 --seed 11 --log "$work/$side.csv" \
                --checkpoint "$work/$side.ckpt" >"$work/$side.out" 2>&1 || {
                echo "FAIL: $side build, $device, job $j: exit $?"; cat "$work/$side.out"; exit 1; }
        done
        ran=$((ran + 1))
        # Seconds and speed differ from run to run; the rest must not.
        if ! cmp -s "$work/old.ckpt" "$work/new.ckpt"; then
            echo "DIFFER: $device, ${jobs[$j]}: the checkpoints"; failed=1
        elif ! diff <(cut -d, -f1-5 "$work/old.csv") <(cut -d, -f1-5 "$work/new.csv"); then
            echo "DIFFER: $device, ${jobs[$j]}: the log"; failed=1
        else
            echo "same: $device, ${jobs[$j]}: $(tail -1 "$work/new.csv" | cut -d, -f3-5)"
        fi
    done
done
[ "$ran" -gt 0 ] || { echo "no job ran" >&2; exit 1; }
exit $failed
