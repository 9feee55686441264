#!/bin/bash
# --help on every command, `cocob help COMMAND` printing the same, and an
# unknown command refused with the list of those there are.
. "$(dirname "$0")/lib.sh"

# Each command's usage starts with its own synopsis, exits 0 and runs nothing.
check_help() {
  local want=$1
  shift
  expect 0 "^usage: cocob (\[--device D\] )?$want" -- "$COCOB" "$@" --help
  expect 0 "^usage: cocob (\[--device D\] )?$want" -- "$COCOB" "$@" -h
  expect 0 "^usage: cocob (\[--device D\] )?$want" -- "$COCOB" help "$@"
  refute "unknown|bad" -- "$COCOB" "$@" --help
  local direct
  direct=$("$COCOB" "$@" --help 2>&1)
  check "cocob help $* prints what cocob $* --help does" \
    test "$direct" = "$("$COCOB" help "$@" 2>&1)"
}
check_help devices devices
check_help train train
check_help predict predict
check_help "bench update" bench update
check_help "bench train" bench train
check_help "bench gemm" bench gemm
check_help bench bench
check_help tune tune
check_help verify verify
check_help version version
check_help help help

# train's lists each optimizer flag with the optimizers that read it, as
# the library says (cocob_optimizer_uses).
expect 0 "--momentum X +sgd, sf_sgd$" -- "$COCOB" help train
expect 0 "--eps X +adagrad, rmsprop, adadelta, adam, adamw, sf_adamw, dog, prodigy, ldog, dadapt_adam$" -- \
  "$COCOB" help train
expect 0 "--weight-decay X +cocob, sgd, adagrad, rmsprop, adadelta, adam, adamw" -- \
  "$COCOB" help train
expect 0 "--w X +ckt, kt; the initial wealth \\(ckt: of each weight; kt: of all\\)$" -- \
  "$COCOB" help train
expect 0 "--warmup-steps X +sf_sgd, sf_adamw; lr rises linearly" -- "$COCOB" help train
# Schedule-Free's settings are its alone.
expect 2 "--r does not apply to adam; it applies to sf_sgd, sf_adamw" -- \
  "$COCOB" --device ref train --optimizer adam --r 1
expect 0 "--reps-rel X +dog, ldog; the first distance" -- "$COCOB" help train
expect 0 "--init-eta X +dog, ldog; the first step size" -- "$COCOB" help train
# DoG's lr is its authors', a multiplier; a setting it does not read is refused.
expect 2 "--w does not apply to dog; it applies to ckt, kt" -- \
  "$COCOB" --device ref train --optimizer dog --w 1
expect 0 "--growth-rate X +prodigy, dadapt_adam; d grows at most X-fold" -- "$COCOB" help train
expect 0 "--decouple X +prodigy, dadapt_adam; 1: AdamW's decay" -- "$COCOB" help train
expect 0 "--d0 X +prodigy, dadapt_adam; the first d" -- "$COCOB" help train
# Prodigy's own settings are refused for D-Adapt Adam, and both kinds'
# switches are 0 or 1.
expect 2 "--d0 does not apply to adam; it applies to prodigy, dadapt_adam" -- \
  "$COCOB" --device ref train --optimizer adam --d0 1e-6
expect 2 "--d0 does not apply to dog; it applies to prodigy, dadapt_adam" -- \
  "$COCOB" --device ref train --optimizer dog --d0 1
expect 2 "--beta3 does not apply to dadapt_adam; it applies to prodigy" -- \
  "$COCOB" --device ref train --optimizer dadapt_adam --beta3 0.9
expect 2 "--decouple wants 0 or 1, not 2" -- \
  "$COCOB" --device ref train --optimizer prodigy --decouple 2
expect 2 "--use-bias-correction wants 0 or 1, not 2" -- \
  "$COCOB" --device ref train --optimizer dadapt_adam --use-bias-correction 2
expect 1 "Prodigy: growth_rate must be above 0" -- \
  "$COCOB" --device ref train --optimizer prodigy --growth-rate 0
expect 2 "--w does not apply to ldog; it applies to ckt, kt" -- \
  "$COCOB" --device ref train --optimizer ldog --w 1
# cKT and KT, like COCOB, have no learning rate to set.
expect 2 "cKT takes no learning rate" -- "$COCOB" --device ref train --optimizer ckt --lr 0.1
expect 2 "KT takes no learning rate" -- "$COCOB" --device ref train --optimizer kt --lr 0.1
# Where the device flags go, on a command that opens a device.
expect 0 "These three go before the command or" -- "$COCOB" bench update --help
# --help wins over the rest of the line: nothing runs, no device opens.
expect 0 "^usage: cocob \[--device D\] train" -- \
  "$COCOB" train --device no-such-device --epochs 5 --help
expect 0 "^usage: cocob \[--device D\] bench update" -- \
  "$COCOB" bench update --size 10 --device no-such-device --help

# The command's list.
expect 0 "^usage: cocob \[--device D\] \[--verbose\] \[--verify\] COMMAND" -- "$COCOB" help
expect 0 "^usage: cocob \[--device D\] \[--verbose\] \[--verify\] COMMAND" -- "$COCOB" --help
expect 0 "help \[COMMAND\]" -- "$COCOB" --help

# Unknown commands: exit 2, naming it and those there are.
expect 2 "cocob help: no command is called \"nosuch\"; there are devices, train, predict, bench" -- \
  "$COCOB" help nosuch
expect 2 "no command is called \"bench nosuch\"" -- "$COCOB" help bench nosuch
expect 2 "no command is called \"train extra words\"" -- "$COCOB" help train extra words
expect 2 "cocob: unknown command \"nosuch\"" -- "$COCOB" nosuch
# A bad argument gets the command's usage, on stderr.
expect 2 "bad or unknown argument --nosuch.*" -- "$COCOB" bench update --nosuch
expect 2 "usage: cocob \[--device D\] tune" -- "$COCOB" tune --nosuch
expect 2 "usage: cocob \[--device D\] predict" -- "$COCOB" predict --model m --nosuch
expect 2 "expected a benchmark name" -- "$COCOB" bench
check "a refusal's usage goes to stderr" test -z "$("$COCOB" verify --nosuch 2>/dev/null)"
finish
