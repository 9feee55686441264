# Sourced by the tests/cli/mpi_*.sh probes, after lib.sh: mpirun on
# loopback, and a small CSV data set, so that mpirun's start dominates.

# CMA's single copy needs ptrace rights a container may lack; a job that
# hangs fails at 120 s with status 124.
mpi() {
  timeout 120 "${MPIEXEC:-mpirun}" --oversubscribe --mca btl_vader_single_copy_mechanism none "$@"
}

# Three classes, by which of the first three of eight features is largest,
# with a deterministic wobble.
toy() {
  awk -v n="$1" 'BEGIN {
    printf "f1,f2,f3,f4,f5,f6,f7,f8,class\n"
    for (i = 0; i < n; i++) {
      k = i % 3
      for (j = 0; j < 8; j++) printf "%.4f,", sin(i * 7.1 + j * 3.3) * 0.8 + (j == k ? 1 : 0)
      printf "c%d\n", k
    }
  }'
}
toy 1000 > "$WORK/train.csv"
toy 300 > "$WORK/test.csv"
ARGS=(--device ref train --data "$WORK/train.csv" --target class --test "$WORK/test.csv"
      --batch 50)

# The largest difference between two predict --output files' probabilities.
prob_diff() {
  paste -d, "$1" "$2" | awk -F, 'NR > 1 {
      h = NF / 2
      for (i = 4; i <= h; i++) { d = $i - $(i + h); if (d < 0) d = -d; if (d > m) m = d }
    } END { printf "%.3g\n", m }'
}

# The summation order alone: measured 1.8e-7 (2 ranks) and 1.2e-7 (3 ranks,
# dropout, SGD) after mpi_train.sh's 40 steps, from gradients a few ulps
# apart; 1e-5 leaves room for other compilers' rounding, while the shares
# summed unscaled move SGD's probabilities by 0.38 (COCOB's not at all: its
# step does not follow the gradient's scale, hence mpi_train.sh's SGD run).
TOL=1e-5

# Whether saved models $1 and $2 predict the test rows within TOL.
same_model() {
  for f in "$1" "$2"; do
    "$COCOB" --device ref predict --model "$f" --data "$WORK/test.csv" --target class \
      --output "$f.csv" > /dev/null 2>&1 || return 1
  done
  local d
  d=$(prob_diff "$1.csv" "$2.csv")
  echo "$(basename "$1") and $(basename "$2"): probabilities differ by $d at most"
  awk -v d="$d" -v t="$TOL" 'BEGIN { exit !(d <= t) }'
}
