#!/bin/bash
# A rank that fails, or is killed, ends the whole job with a message naming
# it and a non-zero status, and never leaves the others waiting in a sum
# (mpi's timeout would end that with 124); the checkpoint rank 0 last saved
# still resumes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mpi.bash"

A=("${ARGS[@]}" --model dense:3)
# Rank 0 waits in the first comparison for a rank that never comes.
expect 1 "rank 1 of 2 failed \(exit status 1\): ending every rank" -- \
  mpi -np 1 "$COCOB" "${A[@]}" : -np 1 "$COCOB" "${A[@]}" --data "$WORK/absent.csv"
check "the failing rank says why" grep -q "absent.csv" <<< "$OUT"

# Rank 1 killed mid-run: mpirun names it and ends rank 0 at once.
CK=$WORK/run.ckpt
began=$SECONDS
expect fail "rank 1 .* exited on signal 9" -- \
  mpi -np 1 "$COCOB" "${A[@]}" --epochs 100000 --checkpoint "$CK" : \
  -np 1 timeout -s KILL 3 "$COCOB" "${A[@]}" --epochs 100000 --checkpoint "$CK"
check "no hang: the job ended within 60 s of its start" [ $((SECONDS - began)) -lt 60 ]
# Interrupted once it has said where it resumes.
expect 130 "resume: .*run.ckpt, after [1-9][0-9]* epoch\(s\)" -- \
  timeout --preserve-status -s INT 2 "$COCOB" "${A[@]}" --epochs 100000 --resume "$CK"
finish
