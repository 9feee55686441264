#!/bin/bash
# Every file the command reads is opened only if it is a regular file, and a
# file that is there but cannot be read is refused with the real reason (its
# type, a symlink loop, a permission), at once: never reported missing, never
# waited on (a FIFO would block an open for ever, hence the timeouts).
. "$(dirname "$0")/lib.sh"

run() { timeout 20 "$COCOB" --device ref train --limit 100 --model dense:10 --epochs 1 "$@"; }

# A data folder whose training images are $1 (made by the caller) beside
# real labels and test split.
folder() {
  local d=$WORK/$1
  mkdir -p "$d"
  for f in train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
    ln -sf "$DATA/$f" "$d/$f"
  done
  echo "$d"
}

d=$(folder fifo)
mkfifo "$d/train-images-idx3-ubyte"
expect fail "train-images-idx3-ubyte is a FIFO, not a regular file" -- run --data "$d"
refute "neither" -- run --data "$d"

d=$(folder loop)
ln -s train-images-idx3-ubyte "$d/train-images-idx3-ubyte"
expect fail "train-images-idx3-ubyte: Too many levels of symbolic links" -- run --data "$d"

d=$(folder device)
ln -s /dev/zero "$d/train-images-idx3-ubyte.gz"
expect fail "train-images-idx3-ubyte.gz is a character device" -- run --data "$d"

d=$(folder folder)
mkdir "$d/train-images-idx3-ubyte"
expect fail "train-images-idx3-ubyte is a folder" -- run --data "$d"

if [ "$(id -u)" -ne 0 ]; then
  d=$(folder denied)
  cp "$DATA/train-images-idx3-ubyte.gz" "$d/"
  chmod 000 "$d/train-images-idx3-ubyte.gz"
  expect fail "train-images-idx3-ubyte.gz: Permission denied" -- run --data "$d"
else
  echo "skipped: a file without read permission (root reads it anyway)"
fi

# CIFAR-10 batches that are there but not files.
d=$WORK/cifar
mkdir -p "$d"
for i in 1 2 3 4 5; do mkfifo "$d/data_batch_$i.bin"; done
mkfifo "$d/test_batch.bin"
expect fail "data_batch_1.bin is a FIFO" -- run --data "$d"

expect fail "/dev/zero: not a folder" -- run --data /dev/zero

# The kernels read from COCOB_KERNEL_DIR, where there is an OpenCL device:
# philox.cl is the first that `verify` reads.
if "$COCOB" devices 2>/dev/null | grep -q '^opencl:'; then
  mkdir -p "$WORK/kernels"
  mkfifo "$WORK/kernels/philox.cl"
  expect fail "kernels/philox.cl is a FIFO" -- env COCOB_KERNEL_DIR="$WORK/kernels" \
    COCOB_CACHE_DIR="$WORK/cache" timeout 20 "$COCOB" --device opencl verify
else
  echo "skipped: COCOB_KERNEL_DIR (no OpenCL device)"
fi
finish
