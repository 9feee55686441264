#!/bin/bash
# SIGINT and SIGTERM finish the step under way, save the checkpoint, print
# the command that resumes, and exit 130 or 143; that command then finishes
# the run as the run would have finished without the signal.
. "$(dirname "$0")/lib.sh"

RUN=(--device ref train --limit 2000 --batch 10 --model dense:64,relu,dense:10 --epochs 3)

# The loss and accuracy of an epoch line, without its timing.
figures() {
  sed -n 's/^\(epoch 3\/3  train loss [0-9.]*  test loss [0-9.]*  test accuracy [0-9.]*%\).*/\1/p' "$1"
}

"$COCOB" "${RUN[@]}" > "$WORK/straight.out" 2>&1
check "the run without a signal ends" test -n "$(figures "$WORK/straight.out")"

# signal name, exit status wanted
stop_with() {
  local sig=$1 want=$2 ckpt="$WORK/$1.ckpt" out="$WORK/$1.out"
  # Job control gives the run its own process group, and keeps SIGINT from
  # being ignored as it is for a script's background job.
  set -m
  "$COCOB" "${RUN[@]}" --checkpoint "$ckpt" > "$out" 2>&1 &
  local pid=$!
  set +m
  for _ in $(seq 100); do
    grep -q ' step ' "$out" && break
    sleep 0.05
  done
  kill -"$sig" "$pid"
  local got=0
  wait "$pid" || got=$?
  check "SIG$sig: exit status $want (got $got)" test "$got" -eq "$want"
  check "SIG$sig: says where it stopped and what it saved" \
    grep -Eq "SIG$sig.*stopped on request in epoch [0-9]+, after step [0-9]+ of 200; saved $ckpt" "$out"
  check "SIG$sig: stopped before the run's end" test -z "$(figures "$out")"
  check "SIG$sig: the checkpoint exists" test -s "$ckpt"
  local cmd
  cmd=$(sed -n 's/^cocob train: continue with: //p' "$out")
  check "SIG$sig: prints the command that resumes" grep -q -- "--resume $ckpt\$" <<<"$cmd"
  got=1
  if [ -n "$cmd" ]; then
    got=0
    eval "$cmd" > "$out.resumed" 2>&1 || got=$?
  fi
  check "SIG$sig: the printed command finishes the run (status $got)" test "$got" -eq 0
  check "SIG$sig: ... as the run without a signal did" \
    test "$(figures "$out.resumed")" = "$(figures "$WORK/straight.out")"
  [ "$got" -eq 0 ] || tail -n 5 "$out.resumed"
}

stop_with TERM 143
stop_with INT 130

# Without --checkpoint: the same status, and it says nothing was saved.
set -m
"$COCOB" "${RUN[@]}" > "$WORK/bare.out" 2>&1 &
pid=$!
set +m
for _ in $(seq 100); do
  grep -q ' step ' "$WORK/bare.out" && break
  sleep 0.05
done
kill -TERM "$pid"
got=0
wait "$pid" || got=$?
check "without --checkpoint: exit status 143 (got $got)" test "$got" -eq 143
check "without --checkpoint: says nothing was saved" grep -q "nothing was saved" "$WORK/bare.out"
finish
