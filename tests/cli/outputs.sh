#!/bin/bash
# Every output is proven writable before the data are read, is opened (the
# log truncated) only once training starts, and every write of it, and of
# stdout, is checked: a failed write fails the run, naming the file and why.
. "$(dirname "$0")/lib.sh"

QUICK=(--device ref train --limit 100 --model dense:10 --epochs 1)

# stdout to /dev/full, the command's stderr kept.
to_full() {
  bash -c '"$@" > /dev/full' _ "$@"
}

expect 1 "writing the log /dev/full failed: No space left on device" -- \
  "$COCOB" "${QUICK[@]}" --log /dev/full
expect 1 "writing the standard output failed: No space left on device" -- \
  to_full "$COCOB" "${QUICK[@]}"
expect 1 "writing the standard output failed: No space left on device" -- \
  to_full "$COCOB" devices --json
expect 1 "writing the standard output failed: No space left on device" -- \
  to_full "$COCOB" version
expect 1 "writing the standard output failed: No space left on device" -- \
  to_full "$COCOB" --device ref bench update --size 10 --iterations 1
expect 1 "writing the standard output failed: No space left on device" -- \
  to_full "$COCOB" train --help

# A log that fills its 1 KiB file limit in mid-run: the run stops after the
# epoch whose row did not fit, and says so.
small_files() {
  bash -c 'trap "" XFSZ; ulimit -f 1; exec "$@"' _ "$@"
}
expect 1 "writing the log $WORK/full.csv failed: File too large" -- \
  small_files "$COCOB" --device ref train --limit 100 --model dense:10 --epochs 40 \
  --log "$WORK/full.csv"
check "the epochs before it were reported" grep -q '^epoch 1/40  train loss' <<<"$OUT"
check "the log's failure stopped the run at once" test "$(grep -A1 'train loss' <<<"$OUT" |
  tail -n 1 | grep -c 'writing the log')" -eq 1
check "... before its end" test -z "$(grep '^epoch 40/40' <<<"$OUT")"

# An existing log is left as it was when the run fails before training.
echo "keep me" > "$WORK/keep.csv"
expect 1 "nonexistent" -- "$COCOB" "${QUICK[@]}" --log "$WORK/keep.csv" --data /nonexistent
check "a bad --data leaves the log as it was" grep -qx "keep me" "$WORK/keep.csv"
expect 1 "not-a-layer" -- "$COCOB" "${QUICK[@]}" --log "$WORK/keep.csv" --model not-a-layer
check "a bad --model leaves the log as it was" grep -qx "keep me" "$WORK/keep.csv"

# Bad output paths fail in a moment, before the data are read.
expect 1 "cannot write the checkpoint /nonexistent/x.ckpt: its folder /nonexistent" -- \
  "$COCOB" "${QUICK[@]}" --checkpoint /nonexistent/x.ckpt
refute "train loss|read [0-9]+ images" -- "$COCOB" "${QUICK[@]}" --checkpoint /nonexistent/x.ckpt
expect 1 "cannot write the checkpoint $WORK: it is a folder" -- \
  "$COCOB" "${QUICK[@]}" --checkpoint "$WORK"
refute "train loss|read [0-9]+ images" -- "$COCOB" "${QUICK[@]}" --checkpoint "$WORK"
expect 1 "cannot write the log $WORK/no/x.csv: its folder $WORK/no" -- \
  "$COCOB" "${QUICK[@]}" --log "$WORK/no/x.csv"
refute "train loss|read [0-9]+ images" -- "$COCOB" "${QUICK[@]}" --log "$WORK/no/x.csv"
expect 1 "cannot write the log $WORK: it is a folder" -- "$COCOB" "${QUICK[@]}" --log "$WORK"

# A failure in the evaluation after an epoch (here the first allocation
# that a test batch larger than the training's needs) keeps the epoch: its
# line is printed and its checkpoint saved before the run fails.
hit=0
for n in $(seq 1 60); do
  rm -f "$WORK/late.ckpt"
  OUT=$(COCOB_FAULT_ALLOC=$n "$COCOB" --device ref train --limit 5 --batch 10 --model dense:10 \
    --epochs 1 --checkpoint "$WORK/late.ckpt" 2>&1) && break
  if grep -q "during the test evaluation" <<<"$OUT"; then
    hit=1
    break
  fi
done
check "an allocation fails during the test evaluation" test "$hit" -eq 1
if [ "$hit" -eq 0 ]; then
  OUT=""
  rm -f "$WORK/late.ckpt"
fi
check "... with the message 'epoch 1: during the test evaluation: '" \
  grep -q "^cocob train: epoch 1: during the test evaluation: " <<<"$OUT"
check "... after the epoch's line" grep -q "^epoch 1/1  train loss [0-9]" <<<"$OUT"
check "... and its checkpoint saved" test -s "$WORK/late.ckpt"

# An empty path is refused before training, not found out at the first save.
for flag in --checkpoint --log --resume --data; do
  expect 1 "path is empty" -- "$COCOB" --device ref train --limit 100 --model dense:10 "$flag" ""
  refute "train loss" -- "$COCOB" --device ref train --limit 100 --model dense:10 "$flag" ""
done

# And a good log holds the header and a row an epoch.
expect 0 "epoch 2/2" -- "$COCOB" --device ref train --limit 100 --model dense:10 --epochs 2 \
  --log "$WORK/good.csv"
check "a good log has its header and two rows" test "$(wc -l < "$WORK/good.csv")" -eq 3
finish
