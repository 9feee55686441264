#!/bin/bash
# cocob predict: a model saved by train --save-model, and the checkpoint of
# the same run, each give the test accuracy train printed for its last
# epoch, with a confusion matrix whose rows hold each class's examples, and
# --output's CSV a row per example; bad models and paths are refused.
. "$(dirname "$0")/lib.sh"

CK=$WORK/run.ckpt
MODEL=$WORK/run.model
expect 0 "saved    the model to $MODEL" -- \
  "$COCOB" --device ref train --data "$DATA" --model dense:10 --limit 500 --epochs 2 \
  --batch 50 --checkpoint "$CK" --save-model "$MODEL"
trained=$(printf '%s\n' "$OUT" | sed -n 's/^epoch 2\/2 .*test accuracy \([0-9.]*%\).*/\1/p')
check "train printed the test accuracy ($trained)" test -n "$trained"

for file in "$MODEL" "$CK"; do
  expect 0 "^accuracy $trained  loss [0-9.]+$" -- \
    "$COCOB" --device ref predict --model "$file" --data "$DATA" --output "$WORK/p.csv"
  expect 0 "confusion matrix \(rows: true class, columns: predicted\)" -- \
    "$COCOB" --device ref predict --model "$file" --data "$DATA"
  # Fashion-MNIST's test split holds 1000 of each class: each row sums to it.
  rows=$(printf '%s\n' "$OUT" | awk '/^confusion/ {on = 1; getline; next}
    on && NF == 11 { s = 0; for (i = 2; i <= 11; i++) s += $i; printf "%d ", s }')
  check "each row of the confusion matrix holds 1000 examples ($rows)" \
    test "$rows" = "1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 "
done
check "the CSV has a header and a row per test example" \
  test "$(wc -l < "$WORK/p.csv")" -eq 10001
check "the CSV's header" test "$(head -n 1 "$WORK/p.csv")" = \
  "index,label,predicted,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9"
correct=$(awk -F, 'NR > 1 && $2 == $3 { n++ } END { print n }' "$WORK/p.csv")
check "the CSV's predictions make the accuracy ($correct, $trained)" \
  test "$(awk -v n="$correct" 'BEGIN { printf "%.2f%%", n / 100 }')" = "$trained"
expect 0 "data     $DATA: 100 test images" -- \
  "$COCOB" --device ref predict --model "$MODEL" --data "$DATA" --limit 100

expect 2 "cocob predict: --model FILE is needed" -- "$COCOB" predict --data "$DATA"
expect fail "model file $WORK/none: " -- "$COCOB" --device ref predict --model "$WORK/none"
printf 'not a model' > "$WORK/junk"
expect fail "model file $WORK/junk is neither a saved model nor a checkpoint" -- \
  "$COCOB" --device ref predict --model "$WORK/junk" --data "$DATA"
head -c 300 "$MODEL" > "$WORK/cut"
expect fail "model file $WORK/cut is damaged: " -- \
  "$COCOB" --device ref predict --model "$WORK/cut" --data "$DATA"
expect fail "cannot write the output /nonexistent/dir/p.csv" -- \
  "$COCOB" --device ref predict --model "$MODEL" --data "$DATA" --output /nonexistent/dir/p.csv
expect fail "cannot write the model file /nonexistent/dir/m" -- \
  "$COCOB" --device ref train --data "$DATA" --model dense:10 --limit 100 \
  --save-model /nonexistent/dir/m
refute "epoch 1/1" -- "$COCOB" --device ref train --data "$DATA" --model dense:10 --limit 100 \
  --save-model /nonexistent/dir/m
# A regression on a CSV file: the model keeps its loss (MSE), and predict
# reports the RMSE train reported for the same rows, the held-out ones.
awk 'BEGIN { print "a,b,y"; for (i = 0; i < 200; i++) { a = (i % 17) / 17; b = (i % 11) / 11;
             printf "%.4f,%.4f,%.4f\n", a, b, 2 * a - b + 0.5 } }' > "$WORK/reg.csv"
head -n 1 "$WORK/reg.csv" > "$WORK/reg-test.csv"
tail -n 40 "$WORK/reg.csv" >> "$WORK/reg-test.csv"
expect 0 'test RMSE [0-9.]+' -- "$COCOB" --device ref train --data "$WORK/reg.csv" --target y \
  --task regress --test "$WORK/reg-test.csv" --epochs 3 --save-model "$WORK/reg.cocob"
rmse=$(printf '%s\n' "$OUT" | sed -n 's/.*test RMSE \([0-9.]*\).*/\1/p' | tail -n 1)
expect 0 "rmse $rmse  r2 " -- "$COCOB" --device ref predict --model "$WORK/reg.cocob" \
  --data "$WORK/reg-test.csv" --target y --output "$WORK/reg-p.csv"
check "the regression CSV: a header and 40 rows" test "$(wc -l < "$WORK/reg-p.csv")" -eq 41
check "its header" test "$(head -n 1 "$WORK/reg-p.csv")" = "index,target0,predicted0"
finish
