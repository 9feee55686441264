# What tools/compare.sh and tools/lr-free-league.sh share; sourced by both,
# which set root, build and quick first.

# The paper's baselines and their grids of learning rates: a smaller one
# under --quick.
baselines="sgd adagrad rmsprop adadelta adam adamw"
declare -A grid
if [ "$quick" = 1 ]; then
    grid=([sgd]="1e-1 1e-2" [adagrad]="1e-1 1e-2" [rmsprop]="1e-3 1e-4" [adadelta]="1"
          [adam]="1e-3 1e-4" [adamw]="1e-3 1e-4")
else
    grid=([sgd]="1e-1 1e-2 1e-3" [adagrad]="1e-1 1e-2 1e-3" [rmsprop]="1e-2 1e-3 1e-4"
          [adadelta]="1 1e-1" [adam]="1e-2 1e-3 1e-4" [adamw]="1e-2 1e-3 1e-4")
fi

# gnuplot, installed from Debian when missing (with sudo unless root), and
# its terminal: libgd's png writes files a fifth the size of cairo's, for
# line plots.
if ! command -v gnuplot >/dev/null; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    echo "$(basename "$0"): installing gnuplot-nox"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get install -y -qq --no-install-recommends gnuplot-nox >/dev/null 2>&1 ||
        { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends gnuplot-nox; }
fi
if gnuplot -e 'set terminal' 2>&1 | grep -w png >/dev/null; then
    terminal=png
else
    terminal=pngcairo
fi

# build_cocob TARGET...: configures the build folder (Release) if new, and
# builds the targets; cocob is then the command.
build_cocob() {
    [ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$build" -j"$(nproc)" --target "$@" >/dev/null
    cocob=$build/cocob
    [ -x "$cocob" ] || { echo "$(basename "$0"): no $cocob after the build" >&2; exit 1; }
}

# test_subset DATA DIR N writes the first N images of the test set in DATA as IDX files beside
# links to the training files: a quick CNN run would otherwise spend most of
# its time testing.
# head closing the pipe early kills zcat with SIGPIPE: so no pipefail here,
# and the sizes are checked instead.
test_subset() ( # DATA DIR N
    set +o pipefail
    data=$1 dir=$2 n=$3
    mkdir -p "$dir"
    ln -sf "$data"/train-* "$dir"/
    count=$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((n >> 24 & 255)) $((n >> 16 & 255)) $((n >> 8 & 255)) $((n & 255)))
    { printf "\\x00\\x00\\x08\\x03$count\\x00\\x00\\x00\\x1c\\x00\\x00\\x00\\x1c"
      zcat -f "$data"/t10k-images-idx3-ubyte* | tail -c +17 | head -c $((n * 784)); } >"$dir/t10k-images-idx3-ubyte"
    { printf "\\x00\\x00\\x08\\x01$count"
      zcat -f "$data"/t10k-labels-idx1-ubyte* | tail -c +9 | head -c "$n"; } >"$dir/t10k-labels-idx1-ubyte"
    if [ "$(stat -c %s "$dir/t10k-images-idx3-ubyte")" -ne $((16 + n * 784)) ] ||
       [ "$(stat -c %s "$dir/t10k-labels-idx1-ubyte")" -ne $((8 + n)) ]; then
        echo "$(basename "$0"): could not take the first $n test images from $data" >&2
        exit 1
    fi
)
