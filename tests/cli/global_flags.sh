#!/bin/bash
# The command's own flags (--device, --verbose, --verify) before the
# subcommand or among its arguments, on every subcommand; given twice, the
# last wins, wherever each is.
. "$(dirname "$0")/lib.sh"

# After the subcommand, as the README writes `bench update --size N --device D`.
expect 0 "device   ref " -- "$COCOB" bench update --size 10 --iterations 1 --device ref
expect 0 "device   ref " -- "$COCOB" bench update --device=ref --size 10 --iterations 1
expect 0 "^ref .*C reference" -- \
  "$COCOB" bench train --model dense:10 --steps 1 --batch 10 --device ref
expect 0 "device   ref " -- "$COCOB" train --limit 100 --model dense:10 --device ref
expect 0 "verify on .*\(ref\)" -- "$COCOB" verify --device ref
expect 0 '"selector": "ref"' -- "$COCOB" devices --json --device ref
# bench gemm and tune get the device, and say why ref will not do, not how to call them.
expect 1 "ref .* is not an OpenCL device|this build has no OpenCL" -- "$COCOB" bench gemm --device ref
refute "usage|unknown" -- "$COCOB" bench gemm --device ref
expect 1 "ref .* is not an OpenCL device|this build has no OpenCL" -- "$COCOB" tune --candidates 1 --device ref
refute "usage|unknown" -- "$COCOB" tune --candidates 1 --device ref
expect 1 "--compare-unified needs an OpenCL device" -- \
  "$COCOB" bench train --compare-unified --device ref

# The last --device wins, before or after the subcommand.
expect 0 "device   ref " -- \
  "$COCOB" --device no-such-device bench update --size 10 --iterations 1 --device ref
expect 1 "no device matches \"no-such-device\"" -- \
  "$COCOB" --device ref bench update --size 10 --iterations 1 --device no-such-device
expect 1 "no device matches \"no-such-device\"" -- \
  "$COCOB" --device no-such-device --device=ref verify --device=no-such-device
expect 0 "device   ref " -- "$COCOB" --device no-such-device --device ref bench update --size 10 --iterations 1

# --verbose and --verify after the subcommand do what they do before it.
expect 0 "debug: device ref" -- "$COCOB" bench update --size 10 --iterations 1 --verbose --device ref
expect 0 "debug: device ref" -- "$COCOB" bench update --size 10 --iterations 1 -v --device ref
expect 0 "startup  first step" -- \
  "$COCOB" train --limit 100 --model dense:10 --device ref --verbose
# --verbose's last line and bench train say what memory the run took: a
# dense:10 model's buffers are not 0 bytes.
MEMORY='^memory   peak RSS [0-9]+\.[0-9] MiB; device buffers at most [0-9.]+ MiB \([1-9][0-9]* bytes\)$'
expect 0 "$MEMORY" -- "$COCOB" train --limit 100 --model dense:10 --device ref --verbose
refute "^memory" -- "$COCOB" train --limit 100 --model dense:10 --device ref
expect 0 "$MEMORY" -- "$COCOB" bench train --model dense:10 --steps 1 --batch 10 --device ref
expect 0 "verify mode: every op runs on" -- \
  "$COCOB" bench update --size 10 --iterations 1 --device ref --verify
expect 0 "verify mode: every op runs on" -- \
  "$COCOB" --verify --device ref train --limit 100 --model dense:10
refute "debug:" -- "$COCOB" bench update --size 10 --iterations 1 --device ref

# --device with nothing after it is refused, naming the command.
expect 2 "cocob train: --device wants a device" -- "$COCOB" train --limit 100 --device
expect 2 "cocob bench update: --device wants a device" -- "$COCOB" bench update --device
expect 2 "cocob verify: --device wants a device" -- "$COCOB" verify --device
expect 2 "^cocob: --device wants a device" -- "$COCOB" --device
finish
