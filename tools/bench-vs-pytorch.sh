#!/bin/sh
# cocob against PyTorch, side by side in one run: the MLP of `cocob train`
# (784-1000-1000-10, ReLU), or with --model cnn the paper's CNN as `cocob
# train --model cnn` builds it, on Fashion-MNIST at batch 100, trained by
#   torch-cocob   COCOB-Backprop as a torch optimizer (tools/bench_torch.py)
#   torch-adam    torch.optim.Adam
#   cocob-cpu     cocob train --device cpu
#   cocob-opencl  cocob train --device opencl
# in alternating rounds, so that a machine shared with other work slows every
# run alike. Both torch runs use 2 threads with OMP_WAIT_POLICY=PASSIVE, and
# the OpenBLAS core type that cocob's cpu device sets for itself (OpenBLAS
# takes some AVX-512 machines for a Prescott; a torch built on OpenBLAS, as
# Debian's is, then runs its GEMM the same way).
#
# torch is the newest from PyPI, the one a user installs, in a virtual
# environment made under the build folder ($build/torch-venv, by
# /usr/bin/python3 -m venv and pip install torch numpy; delete it to take a
# newer torch). Only where that cannot be made (PyPI out of reach, no venv
# module) does it fall back to Debian's python3-torch, an older torch, and
# say so.
#
# Steps per second leave out loading, startup, evaluation and each epoch's
# first step (kernel builds, first allocations): cocob train's `speed` line
# and bench_torch.py's RESULT line count the same steps the same way. Memory
# is each process's peak resident set (getrusage), and for cocob also the
# most its device buffers held at once (its `memory` line). Then the
# optimizer step of `cocob bench train` against its bandwidth floor: 48
# bytes a parameter (7 floats read, 5 written) at the triad's bandwidth from
# `cocob bench update`.
#
# usage: tools/bench-vs-pytorch.sh [--model mlp|cnn] [--build-dir DIR]
#                                  [--rounds R] [--epochs E] [--limit N]
#                                  [--quick] [--torch-venv DIR]
#   --model       mlp (the default) or cnn
#   --quick       one round on the first 10000 images: a few minutes
#   --torch-venv  a virtual environment that has torch and numpy already,
#                 used as it is instead of $build/torch-venv
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
rounds=2
epochs=1
limit=0
model=mlp
torch_venv=
while [ $# -gt 0 ]; do
    case $1 in
    --model)
        case ${2:-} in mlp|cnn) model=$2 ;;
        *) echo "bench-vs-pytorch.sh: --model takes mlp or cnn, not '${2:-}'" >&2; exit 2 ;;
        esac
        shift 2 ;;
    --torch-venv) torch_venv=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --limit) limit=$2; shift 2 ;;
    --quick) rounds=1; limit=10000; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;;
    *) echo "bench-vs-pytorch.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
    esac
done
case $build in /*) ;; *) build=$(pwd)/$build ;; esac

# ---- what the runs need ----
# Debian's torch, installed when missing (with sudo unless root).
debian_torch() {
    if ! dpkg-query -W -f='${Status}' python3-torch 2>/dev/null | grep -q 'install ok installed'; then
        echo "== installing python3-torch (Debian's PyTorch)"
        sudo=
        [ "$(id -u)" -eq 0 ] || sudo=sudo
        $sudo apt-get install -y python3-torch
    fi
    python=/usr/bin/python3
}
if [ -n "$torch_venv" ]; then
    python=$torch_venv/bin/python
    "$python" -c 'import torch, numpy' ||
        { echo "bench-vs-pytorch.sh: $torch_venv has no torch and numpy" >&2; exit 1; }
    torch_from="$torch_venv (--torch-venv)"
else
    venv=$build/torch-venv
    python=$venv/bin/python
    torch_from="PyPI, in $venv"
    if ! "$python" -c 'import torch, numpy' 2>/dev/null; then
        mkdir -p "$build"
        echo "== installing the newest torch and numpy from PyPI into $venv"
        if ! /usr/bin/python3 -m venv "$venv"; then
            rm -rf "$venv"
            echo "NOTE: /usr/bin/python3 cannot make a virtual environment (Debian:" \
                 "python3-venv): falling back to Debian's python3-torch, an older torch"
            debian_torch
            torch_from="Debian's python3-torch (no venv module)"
        elif ! "$venv/bin/pip" install --upgrade torch numpy; then
            echo "NOTE: PyPI cannot be reached: falling back to Debian's python3-torch," \
                 "an older torch than users install"
            rm -rf "$venv"
            debian_torch
            torch_from="Debian's python3-torch (PyPI out of reach)"
        fi
    fi
fi
echo "torch $("$python" -c 'import torch; print(torch.__version__)') from $torch_from"
if [ ! -f "$build/CMakeCache.txt" ]; then
    echo "== configuring a Release build in $build"
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
echo "== building cocob in $build"
cmake --build "$build" -j2 --target cocob_cli >/dev/null
cocob=$build/cocob
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")
[ "$build_type" = Release ] ||
    echo "note: $build is a '$build_type' build, not Release: cocob's figures may be low"

out=$(mktemp -d "${TMPDIR:-/tmp}/bench-vs-pytorch.XXXXXX")
echo "== logs in $out"

# The selector a device name resolves to, or nothing when there is none.
resolve() {
    "$cocob" --device "$1" bench update --size 16 --iterations 1 2>/dev/null |
        sed -n 's/^device *\([^ ]*\) .*/\1/p'
}
devices=
for d in cpu opencl; do
    sel=$(resolve $d || true)
    if [ -z "$sel" ]; then
        echo "skipping cocob-$d: no device answers to --device $d here"
    elif [ "$d" = opencl ] && [ "$sel" = "$(resolve cpu || true)" ]; then
        echo "note: --device cpu and --device opencl are both $sel (no cpu backend in this" \
             "build): one run under the name cocob-cpu"
    else
        devices="$devices $d"
        echo "cocob-$d: --device $d is $sel"
    fi
done

# As src/backend/cpu/backend.c picks it; an explicit setting is left alone.
coretype=${OPENBLAS_CORETYPE:-}
if [ -z "$coretype" ]; then
    if grep -qw avx512f /proc/cpuinfo; then coretype=SkylakeX
    elif grep -qw avx2 /proc/cpuinfo; then coretype=Haswell
    fi
fi
echo "torch runs with OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=2 OPENBLAS_CORETYPE=${coretype:-unset}"

limit_args=
[ "$limit" -gt 0 ] && limit_args="--limit $limit"
echo "== $model: $rounds round(s) of $epochs epoch(s), batch 100${limit_args:+, $limit_args}; $(nproc) core(s)"
uptime

results=$out/results.tsv
: >"$results"
run_torch() {   # round optimizer
    log=$out/r$1-torch-$2.log
    env OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=2 ${coretype:+OPENBLAS_CORETYPE=$coretype} \
        "$python" "$root/tools/bench_torch.py" --model "$model" \
        --optimizer "$2" --epochs "$epochs" --threads 2 $limit_args >"$log" 2>&1 ||
        { echo "torch-$2 failed: see $log" >&2; exit 1; }
    sed -n 's/^RESULT .*steps_per_s=\([^ ]*\) test_accuracy=\([^ ]*\) peak_rss_mib=\([^ ]*\).*/\1 \2 \3/p' \
        "$log" |
        while read -r rate acc rss; do
            printf '%s\t%s\t%s\t%s\t-\t%s\t-\n' "$1" "torch-$2" "$rate" "$acc" "$rss" >>"$results"
            printf '  %-14s %8.2f steps/s  accuracy %s  peak RSS %s MiB\n' "torch-$2" "$rate" \
                "$acc" "$rss"
        done
}
run_cocob() {   # round device
    log=$out/r$1-cocob-$2.log
    "$cocob" --verbose --device "$2" train --model "$model" --epochs "$epochs" $limit_args \
        --log "$out/r$1-cocob-$2.csv" >"$log" 2>"$log.err" ||
        { echo "cocob-$2 failed: see $log.err" >&2; exit 1; }
    rate=$(sed -n 's/^speed .*: \([0-9.]*\) steps\/s.*/\1/p' "$log")
    acc=$(tail -n 1 "$out/r$1-cocob-$2.csv" | cut -d, -f5)
    ready=$(sed -n 's/^startup  first step done \([0-9.]*\) s.*/\1/p' "$log")
    rss=$(sed -n 's/^memory   peak RSS \([0-9.]*\) MiB.*/\1/p' "$log")
    dev=$(sed -n 's/^memory .*device buffers at most \([0-9.]*\) MiB.*/\1/p' "$log")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "cocob-$2" "$rate" "$acc" "$ready" "$rss" \
        "$dev" >>"$results"
    printf '  %-14s %8.2f steps/s  accuracy %s  first step done after %s s  peak RSS %s MiB,' \
        "cocob-$2" "$rate" "$acc" "$ready" "$rss"
    printf ' device buffers %s MiB\n' "$dev"
}
r=1
while [ "$r" -le "$rounds" ]; do
    echo "-- round $r"
    run_torch "$r" cocob
    run_torch "$r" adam
    for d in $devices; do
        run_cocob "$r" "$d"
    done
    r=$((r + 1))
done

# ---- the optimizer step against its floor ----
params=$(sed -n 's/^total parameters: //p' "$out"/r1-cocob-*.log | head -n 1)
params=${params:-0}
floors=$out/floors.tsv
: >"$floors"
for d in $devices; do
    echo "== cocob --device $d bench update --size $params; bench train --model $model --steps 20"
    "$cocob" --device "$d" bench update --size "$params" --iterations 20 2>"$out/update-$d.err" |
        tee "$out/update-$d.log"
    "$cocob" --device "$d" bench train --model "$model" --steps 20 2>"$out/train-$d.err" |
        tee "$out/train-$d.log"
    triad=$(awk '$1 == "triad" {print $3}' "$out/update-$d.log")
    update=$(awk '$1 == "cocob_update" {print $2}' "$out/update-$d.log")
    # The device's row is the last of the table (ref's comes first).
    step=$(awk 'NF >= 6 && $2 ~ /^[0-9.]+$/ && $6 ~ /^[0-9.]+$/ {s = $6} END {print s}' \
        "$out/train-$d.log")
    printf '%s\t%s\t%s\t%s\n' "cocob-$d" "$update" "$triad" "$step" >>"$floors"
done

echo
torch_version=$("$python" -c 'import torch; print(torch.__version__)')
/usr/bin/python3 - "$results" "$floors" "$params" "$rounds" "$epochs" "$limit" "$model" \
    "$torch_version, from $torch_from" <<'EOF'
import statistics
import sys

results, floors, params, rounds, epochs, limit, model, torch_from = sys.argv[1:]
params = int(params)
runs = {}
for line in open(results):
    _, name, rate, acc, ready, rss, dev = line.rstrip("\n").split("\t")
    runs.setdefault(name, []).append((float(rate), float(acc), ready, rss, dev))
order = [n for n in ("torch-cocob", "torch-adam", "cocob-cpu", "cocob-opencl") if n in runs]
median = {n: statistics.median(r[0] for r in runs[n]) for n in order}


def middle(values):
    """The median of the figures given, "-" when there are none."""
    values = [float(v) for v in values if v not in ("-", "")]
    return f"{statistics.median(values):.1f}" if values else "-"


base = median["torch-cocob"]
adam = median["torch-adam"]
images = f"the first {limit} images" if int(limit) else "60000 images"
name = {"mlp": "MLP 784-1000-1000-10", "cnn": "the paper's CNN (cocob train --model cnn)"}[model]
print(f"{name} on Fashion-MNIST ({images}), batch 100, {epochs} epoch(s); median of "
      f"{rounds} round(s); torch {torch_from}")
print()
print("| run | steps/s | vs torch COCOB | vs torch Adam | test accuracy | first step done (s) "
      "| peak RSS MiB | device buffers MiB |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for n in order:
    acc = statistics.median(r[1] for r in runs[n])
    ready = middle(r[2] for r in runs[n])
    print(f"| {n} | {median[n]:.2f} | {median[n] / base:.2f} | {median[n] / adam:.2f} "
          f"| {100 * acc:.2f}% | {ready} | {middle(r[3] for r in runs[n])} "
          f"| {middle(r[4] for r in runs[n])} |")
rows = [l.rstrip("\n").split("\t") for l in open(floors)]
if rows:
    print()
    print(f"The optimizer step over {params} parameters against its floor, 48 bytes a "
          "parameter at the triad's bandwidth:")
    print()
    print("| device | step (bench train) ms | cocob_update ms | triad GB/s | floor ms "
          "| step / floor |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, update, triad, step in rows:
        floor = 48.0 * params / (float(triad) * 1e9) * 1e3
        print(f"| {name} | {float(step):.2f} | {float(update):.2f} | {float(triad):.1f} "
              f"| {floor:.2f} | {float(step) / floor:.2f} |")
print()
print("Goals: cocob-cpu at least 1.5x torch-cocob and at least torch-adam for the MLP, "
      "1.2x torch-adam for the CNN; cocob's peak RSS at or below torch's; the step within "
      "1.3x its floor.")
EOF
