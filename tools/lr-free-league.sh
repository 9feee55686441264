#!/usr/bin/env bash
# The league of learning-rate-free optimizers (tools/compare.sh --lr-free):
# every one cocob has, at its authors' defaults, against the paper's
# baselines, each at its best learning rate from a grid, on the MLP and the
# CNN (Fashion-MNIST), over several seeds. Writes to the output folder:
#   league.csv   a row per run and epoch: model, optimizer, lr, seed, epoch,
#                train_loss, test_loss, test_error, seconds
#   runs.csv     a row per run: model, optimizer, lr, seed, status, seconds
#                (finished, or diverged where the run stopped on a NaN or an
#                infinity)
#   table.md     per model, the methods ranked by their mean final test
#                error over the seeds, with the spread (sample standard
#                deviation, and the range); a diverged run counts as
#                chance, 90% error, and is counted in its own column
#   <model>-league.png         mean test error against epochs, every method
#   <model>-effective-lr.png   every method's effective learning rate
#                |step| / |g| (the median over each weight tensor, from
#                --monitor-every) against steps, a panel per weight tensor,
#                from the first seed's runs
#   logs/        each run's own CSV log, output and errors
# A baseline's learning rate is picked on the first seed (lowest final test
# error among the runs that finished); the other seeds run at that rate.
# Methods this cocob does not have are listed as missing, not run.
#
# usage: tools/compare.sh --lr-free [--quick] [--device D] [--out DIR]
#                         [--build-dir DIR] [--data DIR] [--models "mlp cnn"]
#                         [--seeds "1 2 3"] [--results FILE]
#   (default)   all 60000 training and 10000 test images: the MLP for 10
#               epochs, the CNN for 3; hours on a CPU (a CNN epoch is about
#               70 s on 2 cores, and there are over 100 runs)
#   --quick     the MLP on the first 10000 images for 3 epochs, the CNN on
#               the first 3000 for 2, tested on the first 2000, over a
#               smaller grid: about 20 minutes on 2 cores; too few steps to
#               rank the methods that start slowly (DoG's first steps are
#               reps_rel-sized), so a smoke test of the league, not its result
#   --results FILE  also write the table, the command and the date into
#               FILE's "League of the learning-rate-free optimizers" section
#               (replaced whole if there); the full mode does so into the
#               repository's RESULTS.md unless given another FILE
#   other options as tools/compare.sh's
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
out=""
device=cpu
data=/usr/share/datasets/fashion-mnist
models="mlp cnn"
seeds="1 2 3"
quick=0
results=""
command_line="tools/compare.sh --lr-free $*"
while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1; shift ;;
    --device|--out|--build-dir|--data|--models|--seeds|--results)
        [ $# -ge 2 ] || { echo "compare.sh --lr-free: $1 needs a value" >&2; exit 2; }
        case $1 in
        --device) device=$2 ;; --out) out=$2 ;; --build-dir) build=$2 ;;
        --data) data=$2 ;; --models) models=$2 ;; --seeds) seeds=$2 ;;
        --results) results=$2 ;;
        esac
        shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;;
    *) echo "compare.sh --lr-free: unknown argument $1 (try --help)" >&2; exit 2 ;;
    esac
done
for m in $models; do
    case $m in mlp|cnn) ;; *) echo "compare.sh --lr-free: --models takes mlp and cnn, not $m" >&2; exit 2 ;; esac
done
for s in $seeds; do
    [[ $s =~ ^[0-9]+$ ]] || { echo "compare.sh --lr-free: --seeds takes whole numbers, not $s" >&2; exit 2; }
done
[ -n "$seeds" ] || { echo "compare.sh --lr-free: --seeds names no seed" >&2; exit 2; }
[ $quick = 1 ] || [ -n "$results" ] || results=$root/RESULTS.md
first_seed=${seeds%% *}
build=$(mkdir -p "$build" && cd "$build" && pwd)
out=${out:-$build/lr-free-league}
start=$(date +%s)

lr_free="cocob ckt kt dog ldog prodigy dadapt_adam dadapt_sgd sf_sgd sf_adamw"
baselines="sgd adagrad rmsprop adadelta adam adamw"
declare -A grid epochs limit monitor_every
if [ $quick = 1 ]; then
    grid=([sgd]="1e-1 1e-2" [adagrad]="1e-1 1e-2" [rmsprop]="1e-3 1e-4" [adadelta]="1"
          [adam]="1e-3 1e-4" [adamw]="1e-3 1e-4")
    epochs=([mlp]=3 [cnn]=2)
    limit=([mlp]=10000 [cnn]=3000)
    cnn_test=2000
    monitor_every=([mlp]=10 [cnn]=2)
else
    grid=([sgd]="1e-1 1e-2 1e-3" [adagrad]="1e-1 1e-2 1e-3" [rmsprop]="1e-2 1e-3 1e-4"
          [adadelta]="1 1e-1" [adam]="1e-2 1e-3 1e-4" [adamw]="1e-2 1e-3 1e-4")
    epochs=([mlp]=10 [cnn]=3)
    limit=([mlp]=0 [cnn]=0)
    cnn_test=0
    monitor_every=([mlp]=100 [cnn]=50)
fi

# ---- tools: gnuplot and the build ----
if ! command -v gnuplot >/dev/null; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    echo "compare.sh --lr-free: installing gnuplot-nox"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get install -y -qq --no-install-recommends gnuplot-nox >/dev/null 2>&1 ||
        { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends gnuplot-nox; }
fi
if gnuplot -e 'set terminal' 2>&1 | grep -w png >/dev/null; then
    terminal=png
else
    terminal=pngcairo
fi
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target cocob_cli >/dev/null
cocob=$build/cocob
[ -x "$cocob" ] || { echo "compare.sh --lr-free: no $cocob after the build" >&2; exit 1; }
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}

# The optimizers this cocob has, from its help's "--optimizer NAME" line.
have=" $("$cocob" train --help | sed -n 's/^ *--optimizer NAME *//p' | tr -d ',' |
        sed 's/(the default)//; s/ or / /') "
methods="" missing=""
for opt in $lr_free; do
    if [[ $have == *" $opt "* ]]; then methods+=" $opt"; else missing+=" $opt"; fi
done
methods=${methods# }
missing=${missing# }

mkdir -p "$out/logs"
rm -f "$out"/logs/* "$out"/*.png "$out"/*.dat
echo "model,optimizer,lr,seed,epoch,train_loss,test_loss,test_error,seconds" >"$out/league.csv"
echo "model,optimizer,lr,seed,status,seconds" >"$out/runs.csv"

# shellcheck source=tools/test-subset.bash
. "$root/tools/test-subset.bash"
declare -A model_data=([mlp]=$data [cnn]=$data)
if [ "$cnn_test" -gt 0 ]; then
    test_subset "$data" "$out/data-test$cnn_test" "$cnn_test"
    model_data[cnn]=$out/data-test$cnn_test
fi

# Trains MODEL with OPTIMIZER at LR ("defaults" for the authors' settings)
# from SEED; the first seed's runs also record the effective learning rate.
run() { # MODEL OPTIMIZER LR SEED
    local model=$1 opt=$2 lr=$3 seed=$4 name log status t0 seconds
    name=$model-$opt-$lr-$seed
    log=$out/logs/$name.csv
    local args=(--device "$device" train --model "$model" --epochs "${epochs[$model]}"
                --data "${model_data[$model]}" --seed "$seed" --log "$log" --optimizer "$opt")
    [ "${limit[$model]}" -gt 0 ] && args+=(--limit "${limit[$model]}")
    [ "$lr" = defaults ] || args+=(--lr "$lr")
    [ "$opt" = sgd ] && args+=(--momentum 0.9)
    [ "$seed" = "$first_seed" ] && args+=(--monitor-every "${monitor_every[$model]}")
    echo "$cocob ${args[*]}"
    t0=$(date +%s)
    if "$cocob" "${args[@]}" >"$out/logs/$name.out" 2>"$out/logs/$name.err"; then
        status=finished
    elif grep -q 'NaN or infinite\|the loss is [-a-z]*\(nan\|inf\)' "$out/logs/$name.err"; then
        status=diverged
    else
        echo "compare.sh --lr-free: $name failed:" >&2
        tail -n 5 "$out/logs/$name.err" >&2
        exit 1
    fi
    seconds=$(($(date +%s) - t0))
    echo "    $status in $seconds s"
    echo "$model,$opt,$lr,$seed,$status,$seconds" >>"$out/runs.csv"
    [ -f "$log" ] || return 0
    awk -F, -v OFS=, -v model="$model" -v opt="$opt" -v lr="$lr" -v seed="$seed" '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        $col["test_accuracy"] != "" {
            print model, opt, lr, seed, $col["epoch"], $col["train_loss"], $col["test_loss"],
                  1 - $col["test_accuracy"], $col["seconds"]
        }' "$log" >>"$out/league.csv"
}

# A baseline's learning rate with the lowest final test error on the first
# seed among the runs of MODEL that finished; "" when none did.
best_lr() { # MODEL OPTIMIZER
    awk -F, -v model="$1" -v opt="$2" -v last="${epochs[$1]}" -v seed="$first_seed" '
        FNR == 1 { next }
        FILENAME ~ /runs.csv$/ { if ($5 == "finished") ok[$1 "," $2 "," $3 "," $4] = 1; next }
        $1 == model && $2 == opt && $4 == seed && $5 == last && ok[$1 "," $2 "," $3 "," $4] &&
        (best == "" || $8 < err) { best = $3; err = $8 }
        END { print best }' "$out/runs.csv" "$out/league.csv"
}

for model in $models; do
    for opt in $methods; do
        for seed in $seeds; do run "$model" "$opt" defaults "$seed"; done
    done
    for opt in $baselines; do
        for lr in ${grid[$opt]}; do run "$model" "$opt" "$lr" "$first_seed"; done
        lr=$(best_lr "$model" "$opt")
        [ -n "$lr" ] || { echo "$model $opt: every learning rate diverged on seed $first_seed"; continue; }
        for seed in $seeds; do
            [ "$seed" = "$first_seed" ] || run "$model" "$opt" "$lr" "$seed"
        done
    done
done

# ---- the table ----
# One row per method and model: the runs at its defaults (LR-free) or at its
# best rate (baselines); a diverged run's final error is chance, 0.9.
summary() { # MODEL
    local model=$1 opt lr
    for opt in $methods $baselines; do
        if [[ " $methods " == *" $opt "* ]]; then lr=defaults; else lr=$(best_lr "$model" "$opt"); fi
        [ -n "$lr" ] || { echo "$opt,-,0,0,0,0,0,0,0"; continue; }
        awk -F, -v OFS=, -v m="$model" -v o="$opt" -v l="$lr" -v last="${epochs[$model]}" '
            FNR == 1 { next }
            FILENAME ~ /runs.csv$/ {
                if ($1 == m && $2 == o && $3 == l) { status[$4] = $5; secs[$4] = $6; seeds[++n] = $4 }
                next
            }
            $1 == m && $2 == o && $3 == l && $5 == last { err[$4] = $8; loss[$4] = $6 }
            END {
                for (k = 1; k <= n; k++) {
                    s = seeds[k]
                    e = status[s] == "finished" && s in err ? err[s] : 0.9
                    if (status[s] != "finished") div++
                    else { tl += loss[s]; fin++ }
                    sum += e; sq += e * e; t += secs[s]
                    if (k == 1 || e < lo) lo = e
                    if (k == 1 || e > hi) hi = e
                }
                mean = sum / n
                sd = n > 1 ? sqrt((sq - n * mean * mean) / (n - 1)) : 0
                if (sd != sd || sd < 0) sd = 0
                print o, l, n, mean, sd, lo, hi, div, fin ? tl / fin : "", t / n
            }' "$out/runs.csv" "$out/league.csv"
    done
}

{
    echo "Made by \`$command_line\` on $(date -u '+%Y-%m-%d %H:%M UTC'), device $device,"
    echo "seeds $seeds; each row's mean and spread are over the seeds' final test errors."
    [ -z "$missing" ] || echo "Not in this cocob, so not run: $missing."
    for model in $models; do
        echo
        data_words="all 60000 training images"
        [ "${limit[$model]}" -gt 0 ] && data_words="the first ${limit[$model]} training images"
        test_words="10000 test images"
        [ "$model" = cnn ] && [ "$cnn_test" -gt 0 ] && test_words="the first $cnn_test test images"
        echo "**$model**, ${epochs[$model]} epochs on $data_words, tested on $test_words:"
        echo
        echo "| place | optimizer | learning rate | test error % (mean ± sd) | range % | diverged | train loss | s a run |"
        echo "|---:|---|---|---:|---:|---:|---:|---:|"
        summary "$model" | sort -t, -k4,4g | awk -F, '
            $3 == 0 { late[++nl] = sprintf("| - | %s | every rate diverged | - | - | - | - | - |", $1); next }
            {
                lr = $2 == "defaults" ? "the authors\047 defaults" : "best of grid: " $2
                printf "| %d | %s | %s | %.2f ± %.2f | %.2f-%.2f | %d/%d | %s | %.0f |\n",
                       ++p, $1 == "cocob" ? "**cocob**" : $1, lr, 100 * $4, 100 * $5, 100 * $6,
                       100 * $7, $8, $3, $9 == "" ? "-" : sprintf("%.4f", $9), $10
            }
            END { for (k = 1; k <= nl; k++) print late[k] }'
        place=$(summary "$model" | sort -t, -k4,4g | awk -F, '$3 > 0 { p++; if ($1 == "cocob") print p }')
        total=$(summary "$model" | awk -F, '$3 > 0' | wc -l)
        [ -z "$place" ] || { echo; echo "COCOB places $place of $total on the $model."; }
    done
} >"$out/table.md"

# ---- the plots ----
gp() { gnuplot -e "set terminal $terminal size $1 font ',9'; set termoption noenhanced" - ; }

# One look per method in every plot: a colour of its own, solid for the
# learning-rate-free methods and dashed for the baselines, COCOB thick.
colours=(000000 e41a1c 377eb8 4daf4a 984ea3 ff7f00 a65628 f781bf 999999 66c2a5 1b9e77 d95f02 7570b3 e7298a 66a61e e6ab02)
declare -A look
i=0
for opt in $lr_free $baselines; do
    dash=1
    [[ " $baselines " == *" $opt "* ]] && dash=2
    look[$opt]="lc rgb '#${colours[i % ${#colours[@]}]}' dt $dash lw $([ "$opt" = cocob ] && echo 3 || echo 1.5)"
    i=$((i + 1))
done

for model in $models; do
    lines=""
    for opt in $methods $baselines; do
        if [[ " $methods " == *" $opt "* ]]; then lr=defaults; else lr=$(best_lr "$model" "$opt"); fi
        [ -n "$lr" ] || continue
        awk -F, -v OFS=, -v m="$model" -v o="$opt" -v l="$lr" '
            $1 == m && $2 == o && $3 == l { s[$5] += $8; n[$5]++ }
            END { for (e in s) print e, 100 * s[e] / n[e] }' "$out/league.csv" | sort -n >"$out/$model-$opt.dat"
        [ -s "$out/$model-$opt.dat" ] || continue
        title=$opt
        [ "$lr" = defaults ] || title="$opt lr $lr"
        lines+="'$out/$model-$opt.dat' using 1:2 with linespoints ${look[$opt]} title '$title', "
    done
    [ -n "$lines" ] && gp "900,600" <<EOF
set output '$out/$model-league.png'
set datafile separator ','
set title '$model: mean test error over seeds $seeds; LR-free methods at their defaults, baselines at their best rate'
set xlabel 'epoch'
set ylabel 'test error (%)'
set key outside right
set xtics 1
plot ${lines%, }
EOF

    # The effective learning rate, per weight tensor, from each first-seed
    # run's log: one .dat per method with steps and a column per tensor.
    tensors=""
    for opt in $methods $baselines; do
        if [[ " $methods " == *" $opt "* ]]; then lr=defaults; else lr=$(best_lr "$model" "$opt"); fi
        log=$out/logs/$model-$opt-$lr-$first_seed.csv
        if [ -z "$lr" ] || [ ! -f "$log" ]; then continue; fi
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
            ' "$log" >"$out/$model-$opt-lr.dat"
        [ "$(wc -l <"$out/$model-$opt-lr.dat")" -gt 2 ] || { rm -f "$out/$model-$opt-lr.dat"; continue; }
        tensors=$(head -n 1 "$out/$model-$opt-lr.dat" | cut -d, -f2- | tr , ' ')
    done
    [ -n "$tensors" ] || { echo "note: $model: no effective learning rate plot (no --monitor-every columns)"; continue; }
    panels="" col=1
    for t in $tensors; do
        col=$((col + 1))
        plot=""
        for f in "$out/$model"-*-lr.dat; do
            opt=${f#"$out/$model-"}
            opt=${opt%-lr.dat}
            plot+="'$f' using 1:$col with lines ${look[$opt]} title '$opt', "
        done
        panels+="set title '$t'; plot ${plot%, }
"
    done
    n=$(echo "$tensors" | wc -w)
    gp "$((n * 420 + 160)),480" <<EOF
set output '$out/$model-effective-lr.png'
set datafile separator ','
set multiplot layout 1,$n title "$model: effective learning rate |step| / |g|, median over each weight tensor (seed $first_seed)"
set xlabel 'step'
set logscale y
set format y '%.0e'
set key bottom left font ',7'
$panels
unset multiplot
EOF
done

# ---- RESULTS.md ----
if [ -n "$results" ]; then
    section="## League of the learning-rate-free optimizers"
    tmp=$(mktemp)
    {
        echo "$section"
        echo
        cat "$out/table.md"
        echo
        echo "Plots in the output folder: $(for m in $models; do printf '\`%s-league.png\` \`%s-effective-lr.png\` ' "$m" "$m"; done)"
    } >"$tmp"
    if [ -f "$results" ] && grep -qxF "$section" "$results"; then
        # Replace the section, up to the next heading of the same level.
        awk -v sec="$section" -v new="$tmp" '
            $0 == sec { while ((getline l < new) > 0) print l; skip = 1; next }
            skip && /^## / { skip = 0; print ""; }
            !skip' "$results" >"$results.tmp" && mv "$results.tmp" "$results"
    else
        { [ -f "$results" ] && cat "$results" && echo; cat "$tmp"; } >"$results.tmp" && mv "$results.tmp" "$results"
    fi
    rm -f "$tmp"
    echo "Wrote the table into $results"
fi

echo
cat "$out/table.md"
echo
echo "Wrote $out: league.csv, runs.csv, table.md, $(cd "$out" && echo *.png)"
echo "Total time: $(($(date +%s) - start)) s ($([ $quick = 1 ] && echo --quick || echo full mode), device $device)"
