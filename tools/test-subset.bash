# Sourced by tools/compare.sh and tools/lr-free-league.sh. test_subset DATA
# DIR N writes the first N images of the test set in DATA as IDX files beside
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
