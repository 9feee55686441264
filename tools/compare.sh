#!/usr/bin/env bash
# COCOB-Backprop against the paper's baselines, each over a grid of learning
# rates, on the MLP and the CNN (Fashion-MNIST), and the paper's 1-D toy
# f(x) = |x - 10| (examples/toy_abs.c). Writes to the output folder:
#   compare.csv        a row per run and epoch: model, optimizer, lr, epoch,
#                      train_loss, test_loss, test_error, seconds
#   best.csv, table.md each baseline's best learning rate: the one with the
#                      lowest test error after the last epoch, among the runs
#                      that finished (a run that hits a NaN or an infinity is
#                      marked diverged and never picked)
#   <model>-compare.png  the paper's Figures 3-4: a column per baseline,
#                      training loss (log scale) above, test error below,
#                      COCOB against the baseline at its best learning rate
#   <model>-effective-lr.png  COCOB's effective learning rate |step| / |g|,
#                      the median over each weight tensor, against steps
#                      (needs cocob train --monitor-every; skipped with a note
#                      without it)
#   toy-abs.csv, toy-abs.png  the paper's Figure 2: x against steps for COCOB
#                      and gradient descent at three learning rates, and
#                      COCOB's effective learning rate
#   logs/              each run's own CSV log, output and errors
#
# usage: tools/compare.sh [--lr-free] [--quick] [--device D] [--out DIR] [--build-dir DIR]
#                         [--data DIR] [--models "mlp cnn"]
#   --lr-free   the league of the learning-rate-free optimizers instead:
#               tools/lr-free-league.sh, with the other arguments (its --help)
#   --quick     6-8 minutes on a busy 2-core machine: the MLP on the first
#               10000 training images for 4 epochs over a smaller grid; the
#               CNN on the first 1000 for 2 epochs, tested on the first 2000
#               test images, each baseline only at its best rate on the MLP
#   (default)   all 60000 training and 10000 test images, the whole grid on
#               both models: MLP 20 epochs, CNN 10 (days on a CPU: the CNN
#               trains at about 130 images/s on 2 cores)
#   --device D  cocob's device selector; default cpu
#   --out DIR   default <build dir>/compare
#   --build-dir DIR  default build; configured (Release) and built as needed
# SGD runs with momentum 0.9; every other setting is PyTorch's default.
# Installs Debian's gnuplot-nox when gnuplot is missing (with sudo unless root).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
for a in "$@"; do
    if [ "$a" = --lr-free ]; then
        rest=()
        for b in "$@"; do [ "$b" = --lr-free ] || rest+=("$b"); done
        exec "$root/tools/lr-free-league.sh" "${rest[@]}"
    fi
done
build=$root/build
out=""
device=cpu
data=/usr/share/datasets/fashion-mnist
models="mlp cnn"
quick=0
while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1; shift ;;
    --device|--out|--build-dir|--data|--models)
        [ $# -ge 2 ] || { echo "compare.sh: $1 needs a value" >&2; exit 2; }
        case $1 in
        --device) device=$2 ;; --out) out=$2 ;; --build-dir) build=$2 ;;
        --data) data=$2 ;; --models) models=$2 ;;
        esac
        shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
    esac
done
for m in $models; do
    case $m in mlp|cnn) ;; *) echo "compare.sh: --models takes mlp and cnn, not $m" >&2; exit 2 ;; esac
done
build=$(mkdir -p "$build" && cd "$build" && pwd)
out=${out:-$build/compare}
start=$(date +%s)

baselines="sgd adagrad rmsprop adadelta adam adamw"
declare -A grid epochs limit monitor_every
if [ $quick = 1 ]; then
    grid=([sgd]="1e-1 1e-2" [adagrad]="1e-1 1e-2" [rmsprop]="1e-3 1e-4" [adadelta]="1"
          [adam]="1e-3 1e-4" [adamw]="1e-3 1e-4")
    epochs=([mlp]=4 [cnn]=2)
    limit=([mlp]=10000 [cnn]=1000)
    cnn_test=2000
    monitor_every=([mlp]=10 [cnn]=2)
else
    grid=([sgd]="1e-1 1e-2 1e-3" [adagrad]="1e-1 1e-2 1e-3" [rmsprop]="1e-2 1e-3 1e-4"
          [adadelta]="1 1e-1" [adam]="1e-2 1e-3 1e-4" [adamw]="1e-2 1e-3 1e-4")
    epochs=([mlp]=20 [cnn]=10)
    limit=([mlp]=0 [cnn]=0)
    cnn_test=0
    monitor_every=([mlp]=100 [cnn]=100)
fi

# ---- tools: gnuplot and the build ----
if ! command -v gnuplot >/dev/null; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    echo "compare.sh: installing gnuplot-nox"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get install -y -qq --no-install-recommends gnuplot-nox >/dev/null 2>&1 ||
        { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends gnuplot-nox; }
fi
# libgd's png writes files a fifth the size of cairo's, for line plots.
if gnuplot -e 'set terminal' 2>&1 | grep -w png >/dev/null; then
    terminal=png
else
    terminal=pngcairo
fi
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target cocob_cli toy_abs >/dev/null
cocob=$build/cocob
[ -x "$cocob" ] || { echo "compare.sh: no $cocob after the build" >&2; exit 1; }
monitor=0
"$cocob" train --help | grep -- --monitor-every >/dev/null && monitor=1
# Idle OpenMP threads would otherwise spin against the machine's other work.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}

mkdir -p "$out/logs"
rm -f "$out"/logs/* "$out"/*.png "$out"/*.dat
echo "model,optimizer,lr,epoch,train_loss,test_loss,test_error,seconds" >"$out/compare.csv"
echo "model,optimizer,lr,status" >"$out/runs.csv"

# shellcheck source=tools/test-subset.bash
. "$root/tools/test-subset.bash"

# Trains one model with one optimizer and learning rate ("none" for COCOB),
# appends its epochs to compare.csv and its outcome to runs.csv.
run() { # MODEL OPTIMIZER LR
    local model=$1 opt=$2 lr=$3 name log status t0
    name=$model-$opt-$lr
    log=$out/logs/$name.csv
    local args=(--device "$device" train --model "$model" --epochs "${epochs[$model]}"
                --data "${model_data[$model]}" --log "$log" --optimizer "$opt")
    [ "${limit[$model]}" -gt 0 ] && args+=(--limit "${limit[$model]}")
    if [ "$opt" = cocob ]; then
        [ $monitor = 1 ] && args+=(--monitor-every "${monitor_every[$model]}")
    else
        args+=(--lr "$lr")
    fi
    [ "$opt" = sgd ] && args+=(--momentum 0.9)
    echo "$cocob ${args[*]}"
    t0=$(date +%s)
    if "$cocob" "${args[@]}" >"$out/logs/$name.out" 2>"$out/logs/$name.err"; then
        status=finished
    elif grep -q 'NaN or infinite\|the loss is [-a-z]*\(nan\|inf\)' "$out/logs/$name.err"; then
        status=diverged
    else
        echo "compare.sh: $name failed:" >&2
        tail -n 5 "$out/logs/$name.err" >&2
        exit 1
    fi
    echo "    $status in $(($(date +%s) - t0)) s"
    echo "$model,$opt,$lr,$status" >>"$out/runs.csv"
    [ -f "$log" ] || return 0
    awk -F, -v OFS=, -v model="$model" -v opt="$opt" -v lr="$lr" '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        $col["test_accuracy"] != "" {
            print model, opt, lr, $col["epoch"], $col["train_loss"], $col["test_loss"],
                  1 - $col["test_accuracy"], $col["seconds"]
        }' "$log" >>"$out/compare.csv"
}

# Each baseline's learning rate with the lowest final test error among the
# runs of MODEL that finished; "" when none did.
best_lr() { # MODEL OPTIMIZER
    awk -F, -v model="$1" -v opt="$2" -v last="${epochs[$1]}" '
        FNR == 1 { next }
        FILENAME ~ /runs.csv$/ { if ($4 == "finished") ok[$1 "," $2 "," $3] = 1; next }
        $1 == model && $2 == opt && $4 == last && ok[$1 "," $2 "," $3] &&
        (best == "" || $7 < err) { best = $3; err = $7 }
        END { print best }' "$out/runs.csv" "$out/compare.csv"
}

declare -A model_data=([mlp]=$data [cnn]=$data)
if [ "$cnn_test" -gt 0 ]; then
    test_subset "$data" "$out/data-test$cnn_test" "$cnn_test"
    model_data[cnn]=$out/data-test$cnn_test
fi

for model in $models; do
    run "$model" cocob none
    for opt in $baselines; do
        lrs=${grid[$opt]}
        # --quick's CNN takes each baseline's best rate on the MLP.
        if [ $quick = 1 ] && [ "$model" = cnn ] && [[ " $models " == *" mlp "* ]]; then
            lrs=$(best_lr mlp "$opt")
            [ -n "$lrs" ] || { echo "$opt: no finished MLP run, so no CNN run"; continue; }
        fi
        for lr in $lrs; do run "$model" "$opt" "$lr"; done
    done
done

# ---- the table ----
{
    echo "model,optimizer,best_lr,final_test_error,epochs,lrs_tried"
    for model in $models; do
        for opt in cocob $baselines; do
            lr=$(best_lr "$model" "$opt")
            tried=$(awk -F, -v m="$model" -v o="$opt" '$1 == m && $2 == o {
                        printf "%s%s%s", n++ ? " " : "", $3, $4 == "diverged" ? " (diverged)" : "" }' "$out/runs.csv")
            [ -n "$tried" ] || continue
            err=""
            [ -n "$lr" ] && err=$(awk -F, -v m="$model" -v o="$opt" -v l="$lr" -v e="${epochs[$model]}" \
                '$1 == m && $2 == o && $3 == l && $4 == e { print $7 }' "$out/compare.csv")
            echo "$model,$opt,${lr:-none},${err:-},${epochs[$model]},$tried"
        done
    done
} >"$out/best.csv"
awk -F, 'NR == 1 { print "| model | optimizer | best lr | final test error (%) | epochs | learning rates tried |"
                   print "|---|---|---|---|---|---|"; next }
         { printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4 == "" ? "-" : sprintf("%.2f", 100 * $4), $5, $6 }' \
    "$out/best.csv" >"$out/table.md"

# ---- the plots ----
gp() { gnuplot -e "set terminal $terminal size $1 font ',9'; set termoption noenhanced" - ; }

for model in $models; do
    cols=0
    panels_loss="" panels_err=""
    for opt in $baselines; do
        lr=$(best_lr "$model" "$opt")
        [ -n "$(awk -F, -v m="$model" -v o="$opt" '$1 == m && $2 == o' "$out/runs.csv")" ] || continue
        cols=$((cols + 1))
        if [ -n "$lr" ]; then
            awk -F, -v OFS=, -v m="$model" -v o="$opt" -v l="$lr" \
                '$1 == m && $2 == o && $3 == l { print $4, $5, 100 * $7 }' "$out/compare.csv" >"$out/$model-$opt.dat"
            title="$opt, best lr $lr"
            line=", '$out/$model-$opt.dat' using 1:2 with linespoints lw 2 title '$opt lr $lr'"
            line_err=", '$out/$model-$opt.dat' using 1:3 with linespoints lw 2 title '$opt lr $lr'"
        else
            title="$opt: every lr diverged"
            line="" line_err=""
        fi
        panels_loss+="set title '$title'; plot '$out/$model-cocob.dat' using 1:2 with linespoints lw 2 title 'COCOB'$line
"
        panels_err+="set title '$title'; plot '$out/$model-cocob.dat' using 1:3 with linespoints lw 2 title 'COCOB'$line_err
"
    done
    awk -F, -v OFS=, -v m="$model" '$1 == m && $2 == "cocob" { print $4, $5, 100 * $7 }' \
        "$out/compare.csv" >"$out/$model-cocob.dat"
    [ $cols -gt 0 ] || continue
    gp "$((cols * 300)),640" <<EOF
set output '$out/$model-compare.png'
set datafile separator ','
set multiplot layout 2,$cols title '$model: COCOB against each baseline at its best learning rate (${epochs[$model]} epochs)'
set key top right
set xlabel 'epoch'
set xtics $(( ${epochs[$model]} > 10 ? 5 : 1 ))
set ylabel 'training loss (log)'
set logscale y
$panels_loss
unset logscale y
set ylabel 'test error (%)'
$panels_err
unset multiplot
EOF

    # COCOB's effective learning rate, from cocob train --monitor-every.
    awk -F, -v OFS=, '
        NR == 1 {
            for (i = 1; i <= NF; i++) {
                if ($i == "steps") s = i
                if ($i ~ /\.w\.lr_median$/) { c[++n] = i; sub(/\.lr_median$/, "", $i); name[n] = $i }
            }
            if (!n) exit
            printf "steps"; for (k = 1; k <= n; k++) printf ",%s", name[k]; print ""
            next
        }
        $c[1] != "" && !seen[$s]++ { printf "%s", $s; for (k = 1; k <= n; k++) printf ",%s", $c[k]; print "" }
        ' "$out/logs/$model-cocob-none.csv" >"$out/$model-effective-lr.dat"
    if [ "$(wc -l <"$out/$model-effective-lr.dat")" -gt 2 ]; then
        n=$(head -n 1 "$out/$model-effective-lr.dat" | awk -F, '{ print NF }')
        gp "700,420" <<EOF
set output '$out/$model-effective-lr.png'
set datafile separator ','
set title "$model: COCOB's effective learning rate |step| / |g|, median over each weight tensor"
set xlabel 'step'
set ylabel 'effective learning rate (log)'
set logscale y
set key bottom right
plot for [i=2:$n] '$out/$model-effective-lr.dat' using 1:i with lines lw 2 title columnhead(i)
EOF
    else
        echo "note: $model: no effective learning rate plot: the COCOB run's log has no <tensor>.lr_median" \
             "columns (this cocob has no --monitor-every) or fewer than two rows of them"
    fi
done

# ---- the 1-D toy ----
"$build/toy_abs" 1000 >"$out/toy-abs.csv" 2>"$out/logs/toy-abs.err"
gd_lines=""
n=3
for lr in $(head -n 1 "$out/toy-abs.csv" | tr , '\n' | sed -n 's/^gd_lr_\(.*\)_x$/\1/p'); do
    n=$((n + 1))
    gd_lines+="'$out/toy-abs.csv' every ::1 using 1:$n with lines title 'GD, lr $lr', "
done
gp "1000,420" <<EOF
set output '$out/toy-abs.png'
set datafile separator ','
set multiplot layout 1,2 title 'f(x) = |x - 10| from x = 0: COCOB against gradient descent'
set logscale x
set xlabel 'step (log)'
set ylabel 'x'
set yrange [0:16]
set key bottom right
plot $gd_lines'$out/toy-abs.csv' every ::1 using 1:2 with lines lw 1 lc 'black' title 'COCOB'
unset yrange
set logscale y
set ylabel "COCOB's effective learning rate (log)"
set key off
plot '$out/toy-abs.csv' every ::1 using 1:3 with lines lw 2 lc 'black'
unset multiplot
EOF

echo
cat "$out/table.md"
echo
echo "Wrote $out: compare.csv, best.csv, table.md, $(cd "$out" && echo *.png)"
echo "Total time: $(($(date +%s) - start)) s ($([ $quick = 1 ] && echo --quick || echo full mode), device $device)"
