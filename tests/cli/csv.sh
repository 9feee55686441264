#!/bin/bash
# CSV data: a tiny classification that trains and learns, on a held-out
# split and on a test file; and each refusal, with its row and column.
. "$(dirname "$0")/lib.sh"

run() { timeout 60 "$COCOB" --device ref train "$@"; }

# Three classes, by which of three features is largest, with a
# deterministic wobble; the class column, text, sits second.
toy() {
  awk -v n="$1" 'BEGIN {
    printf "f1,species,f2,f3\r\n"
    split("setosa versicolor virginica", name, " ")
    for (i = 0; i < n; i++) {
      k = i % 3
      for (j = 0; j < 3; j++) x[j] = sin(i * 7.1 + j * 3.3) * 0.6 + (j == k ? 1.5 : 0)
      printf "%.4f,%s,%.4f,%.4f\r\n", x[0], name[k + 1], x[1], x[2]
    }
  }'
}
toy 300 > "$WORK/toy.csv"
toy 60 > "$WORK/test.csv"

expect 0 'target "species", 3 classes: 0=setosa 1=versicolor 2=virginica' -- \
  run --data "$WORK/toy.csv" --target species --epochs 5 --batch 10
expect 0 '240 training and 60 test rows \(held out\) of 3 features' -- \
  run --data "$WORK/toy.csv" --target species --epochs 1
expect 0 'dense:64 .*' -- run --data "$WORK/toy.csv" --target species
# Measured 100.00% on ref and on cpu.
expect 0 'test accuracy (9[5-9]|100)\.[0-9]+%' -- \
  run --data "$WORK/toy.csv" --target species --epochs 5 --batch 10
expect 0 '300 training and 60 test rows \(.*test.csv\)' -- \
  run --data "$WORK/toy.csv" --target species --test "$WORK/test.csv"
expect 0 '270 training and 30 test rows' -- \
  run --data "$WORK/toy.csv" --target species --holdout 0.1
expect 0 '100 training and 60 test rows' -- \
  run --data "$WORK/toy.csv" --target species --test "$WORK/test.csv" --limit 100
cut -d, -f1,3,4 "$WORK/toy.csv" > "$WORK/numbers.csv"
# To regress, the loss is MSE and the epoch's figures RMSE and R2; the
# classifier's loss on a number target is refused, naming both.
expect 0 'target "f3", a number' -- run --data "$WORK/numbers.csv" --target f3 --task regress
expect 0 'test RMSE [0-9.]+  test R2 -?[0-9.]+' -- \
  run --data "$WORK/numbers.csv" --target f3 --task regress
expect fail "holds float targets \(regression\), but the model's loss is xent" -- \
  run --data "$WORK/numbers.csv" --target f3 --task regress --loss xent
# Its class column is text: to regress it is not a number.
expect fail 'toy.csv: row 2, column 2 \("species"\): "setosa" is not a number' -- \
  run --data "$WORK/toy.csv" --target f1 --task regress

bad() { printf "$2" > "$WORK/$1.csv"; echo "$WORK/$1.csv"; }
f=$(bad ragged 'a,b,y\n1,2,x\n3,4\n')
expect fail 'ragged.csv: row 3, column 3 \("y"\): the row ends after 2 cells, but the header has 3' -- \
  run --data "$f" --target y
f=$(bad long 'a,b,y\n1,2,x\n3,4,y,5\n')
expect fail 'long.csv: row 3, column 4: the row has more cells than the header.s 3 columns' -- \
  run --data "$f" --target y
f=$(bad word 'a,b,y\n1,2,x\n3,"four",y\n')
expect fail 'word.csv: row 3, column 2 \("b"\): "four" is not a number' -- run --data "$f" --target y
f=$(bad missing 'a,b,y\n1,,x\n')
expect fail 'missing.csv: row 2, column 2 \("b"\): the value is missing' -- run --data "$f" --target y
f=$(bad nan 'a,b,y\n1,NaN,x\n')
expect fail 'nan.csv: row 2, column 2 \("b"\): "NaN" is not a number' -- run --data "$f" --target y
seq 1 1005 | awk 'BEGIN { print "a,y" } { print $1 ",c" $1 }' > "$WORK/many.csv"
expect fail 'many.csv: row 1002, column 2 \("y"\): one class more than the 1000' -- \
  run --data "$WORK/many.csv" --target y
f=$(bad empty '')
expect fail 'empty.csv: the file is empty' -- run --data "$f" --target y
f=$(bad header 'a,b,y\n')
expect fail 'header.csv: a header, but no rows of data' -- run --data "$f" --target y
expect fail 'toy.csv: no column "kind" in the header \(row 1\); its columns are: "f1", "species"' -- \
  run --data "$WORK/toy.csv" --target kind
f=$(bad unknown 'f1,species,f2,f3\n1,2,3,4\n')
expect fail 'unknown.csv: row 2, column 2 \("species"\): "2" is not one of the 3 classes' -- \
  run --data "$WORK/toy.csv" --target species --test "$f"

expect 2 '--task wants classify or regress, not "cluster"' -- \
  run --data "$WORK/toy.csv" --target species --task cluster
expect 2 '--holdout wants a fraction above 0 and below 1, not "1"' -- \
  run --data "$WORK/toy.csv" --target species --holdout 1
expect 2 '--holdout and --test are two ways to a test set' -- \
  run --data "$WORK/toy.csv" --target species --holdout 0.5 --test "$WORK/test.csv"
expect 2 'toy.csv is a CSV file: name the column to learn with --target COLUMN' -- \
  run --data "$WORK/toy.csv"
expect 2 '--task is for CSV data, which --target COLUMN marks' -- \
  run --data "$WORK" --task classify
expect 0 'train --data FILE.csv --target COLUMN' -- "$COCOB" help train

finish
