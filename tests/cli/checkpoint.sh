#!/bin/bash
# Checkpoints through the command: a resume must be of the same batches of
# the same data, a checkpoint is read only from a regular file, damage is
# called damage, a save keeps the file's mode and a symlink and clears the
# leftovers of killed saves, and a bad --checkpoint path costs no training.
. "$(dirname "$0")/lib.sh"

train() {
  "$COCOB" --device ref train --data "$DATA" --model dense:10 --limit 500 "$@"
}

# The byte at offset $2 of file $1, xor $3 (0x40 by default).
flip() {
  local v
  v=$(od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' ')
  printf "\\$(printf %03o $((v ^ ${3:-64})))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

CK=$WORK/run.ckpt
expect 0 "epoch 1/1  train loss" -- \
  train --epochs 1 --batch 50 --checkpoint "$CK" --checkpoint-every 3

expect fail "made with batches of 50, this run asks for 250; resume with batches of 50" -- \
  train --epochs 2 --batch 250 --resume "$CK"
expect fail "made on 500 training examples, this run has 300" -- \
  "$COCOB" --device ref train --data "$DATA" --model dense:10 --limit 300 --epochs 2 \
  --batch 50 --resume "$CK"

# The same images and as many labels, one of them changed.
OTHER=$WORK/other
mkdir "$OTHER"
for f in train-images-idx3-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
  ln -s "$DATA/$f" "$OTHER/$f"
done
gzip -dc "$DATA/train-labels-idx1-ubyte.gz" > "$OTHER/train-labels-idx1-ubyte"
flip "$OTHER/train-labels-idx1-ubyte" 108 1
expect fail "made on other data: as many examples, but fingerprint [0-9a-f]{16}, this data [0-9a-f]{16}" -- \
  "$COCOB" --device ref train --data "$OTHER" --model dense:10 --limit 500 --epochs 2 \
  --batch 50 --resume "$CK"
expect 0 "epoch 2/2  train loss" -- train --epochs 2 --batch 50 --resume "$CK"

# A FIFO would block a reader for ever.
mkfifo "$WORK/fifo.ckpt"
expect fail "checkpoint $WORK/fifo.ckpt is a FIFO, not a regular file" -- \
  timeout 20 "$COCOB" --device ref train --data "$DATA" --model dense:10 --limit 500 \
  --epochs 2 --batch 50 --resume "$WORK/fifo.ckpt"

# A damaged length field is damage, not another model.
cp "$CK" "$WORK/damaged.ckpt"
flip "$WORK/damaged.ckpt" 20
expect fail "checkpoint $WORK/damaged.ckpt is damaged: " -- \
  train --epochs 2 --batch 50 --resume "$WORK/damaged.ckpt"
refute "different model|another" -- train --epochs 2 --batch 50 --resume "$WORK/damaged.ckpt"

# A bad --checkpoint path is found before the first epoch.
for bad in /nonexistent/dir/x.ckpt "$WORK"; do
  expect fail "cannot write the checkpoint $bad" -- train --epochs 1 --checkpoint "$bad"
  refute "epoch 1/1  train loss" -- train --epochs 1 --checkpoint "$bad"
done

# A save over a 0600 file, beside a dead save's leftover and a live one's.
chmod 600 "$CK"
dead=$(sh -c 'echo $$')
touch "$CK.tmp.$dead" "$CK.tmp.$$"
expect 0 "epoch 1/1  train loss" -- train --epochs 1 --checkpoint "$CK"
check "the checkpoint kept mode 600" test "$(stat -c %a "$CK")" = 600
check "a dead save's temporary file is removed" test ! -e "$CK.tmp.$dead"
check "a live process's temporary file is kept" test -e "$CK.tmp.$$"

# A save through a symlink replaces its target, another run's this time.
ln -s run.ckpt "$WORK/link.ckpt"
cp "$CK" "$WORK/before.ckpt"
expect 0 "epoch 1/1  train loss" -- train --epochs 1 --seed 2 --checkpoint "$WORK/link.ckpt"
check "the symlink is still a symlink" test -L "$WORK/link.ckpt"
check "its target was replaced" bash -c "! cmp -s '$CK' '$WORK/before.ckpt'"
check "its target kept mode 600" test "$(stat -c %a "$CK")" = 600
expect 0 "epoch 2/2  train loss" -- train --epochs 2 --resume "$CK"
finish
