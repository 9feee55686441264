#!/usr/bin/env bash
# The first run of cocob on a new GPU as one command, so that whoever has the
# card can send back, or commit, a report that answers "does it work here and
# how fast" without knowing the project: the correctness checks (verify and
# the kernel suites against the C reference) and the benchmarks, on one
# device, with what failed kept in the report rather than lost in a log.
#
# usage: tools/gpu-report.sh [--device SELECTOR] [--quick] [--rusticl DRIVERS]
#                            [--skip STEPS] [--out DIR] [--timeout SECONDS]
#   --device SELECTOR  any cocob selector (opencl:P:D, gpu, opencl, part of a
#               device's name); default: the best GPU that `cocob devices`
#               lists, else the first OpenCL device
#   --quick     for slow implementations (Mesa's rusticl on llvmpipe trains
#               at about 0.6 steps/s): the suites in their small mode
#               (COCOB_TEST_SMALL=1: the same kernels, branches, tails and
#               offsets at smaller sizes), the epoch on the first 2000 images
#               (--limit), the benchmarks shorter; verify stays whole
#   --skip STEPS  leave out these steps, comma-separated, marked skipped in
#               the report: tune, update, gemm, train_mlp, train_cnn, epoch
#               (`cocob tune` ran over 35 minutes on llvmpipe)
#   --rusticl DRIVERS  sets RUSTICL_ENABLE=DRIVERS (llvmpipe, radeonsi, iris,
#               ...), without which Mesa's rusticl shows no device; an
#               RUSTICL_ENABLE already in the environment is honoured as is
#   --out DIR   where the report goes; default docs/devices
#   --timeout SECONDS  the most one step may take (default 3600): a hung
#               driver becomes a failed step in the report, not a hung script
# The build folder is $BUILD (default build), configured when it holds no
# build and brought up to date in any case. Each step's whole output is kept
# in $BUILD/gpu-report/<device>/. Writes <out>/<device>.md and <device>.json,
# and exits 1 when verify, a suite or any other step failed, 2 when it could
# not start.
#
# Installs, with apt-get (through sudo unless root) and only when missing,
# what tools/install-deps.sh lists, the OpenCL ICD loader, CLBlast and jq
# (and mesa-opencl-icd when rusticl is asked for). NVIDIA's driver packages
# from outside Debian often ship libnvidia-opencl.so.1 with no ICD file, so
# the loader never sees the card; that library is then registered in
# /etc/OpenCL/vendors/nvidia.icd. Nothing else depends on the vendor.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
build=${BUILD:-build}
selector=""
quick=0
skip=,
out=docs/devices
step_timeout=3600

say() { echo "gpu-report.sh: $*" >&2; }
die() { say "$*"; exit 2; }

while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1; shift ;;
    --device|--rusticl|--skip|--out|--timeout)
        [ $# -ge 2 ] || die "$1 needs a value"
        case $1 in
        --device) selector=$2 ;;
        --rusticl) export RUSTICL_ENABLE=$2 ;;
        --skip) skip=,$2, ;;
        --out) out=$2 ;;
        --timeout) step_timeout=$2 ;;
        esac
        shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;;
    *) die "unknown argument $1 (try --help)" ;;
    esac
done
[[ $step_timeout =~ ^[1-9][0-9]*$ ]] || die "--timeout takes a number of seconds, not $step_timeout"
skipped=${skip#,}
skipped=${skipped%,}
[[ $skip =~ ^,((tune|update|gemm|train_mlp|train_cnn|epoch),)*$ ]] ||
    die "--skip takes steps among tune, update, gemm, train_mlp, train_cnn and epoch, not $skipped"

sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo

# Missing packages are installed; where apt-get cannot (no network, not
# Debian), the steps that need them fail and say so, so this only warns.
install_missing() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"; } ||
        say "warning: could not install ${missing[*]}; going on with what is here"
}

tools/install-deps.sh || say "warning: tools/install-deps.sh failed; going on with what is here"
extra=(ocl-icd-libopencl1 libclblast1 jq)
[ -n "${RUSTICL_ENABLE:-}" ] && extra+=(mesa-opencl-icd)
install_missing "${extra[@]}"
command -v jq >/dev/null || die "jq is needed to read \`cocob devices --json\`"

register_nvidia_icd() {
    local lib="" ldconfig d
    ldconfig=$(command -v ldconfig || echo /sbin/ldconfig)
    lib=$("$ldconfig" -p 2>/dev/null | awk '$1 == "libnvidia-opencl.so.1" {print $NF; exit}')
    if [ -z "$lib" ]; then
        # The NVIDIA container runtime mounts the driver here, outside ld's cache.
        for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib64 /usr/lib/x86_64-linux-gnu \
                 /usr/lib/aarch64-linux-gnu /usr/lib; do
            [ -e "$d/libnvidia-opencl.so.1" ] && { lib=$d/libnvidia-opencl.so.1; break; }
        done
    fi
    if [ -z "$lib" ]; then
        [ -e /dev/nvidiactl ] &&
            say "warning: an NVIDIA driver is loaded but its OpenCL library, libnvidia-opencl.so.1, is not installed"
        return 0
    fi
    grep -qs libnvidia-opencl /etc/OpenCL/vendors/*.icd && return 0
    $sudo mkdir -p /etc/OpenCL/vendors &&
        echo "$lib" | $sudo tee /etc/OpenCL/vendors/nvidia.icd >/dev/null &&
        say "registered $lib in /etc/OpenCL/vendors/nvidia.icd"
}
register_nvidia_icd

mkdir -p "$build/gpu-report" || die "cannot create $build/gpu-report"
build_log=$build/gpu-report/build.log
say "building cocob in $build (output in $build_log)"
if ! { [ -f "$build/CMakeCache.txt" ] || cmake -S . -B "$build"; } >"$build_log" 2>&1 ||
   ! cmake --build "$build" -j"$(nproc)" >>"$build_log" 2>&1; then
    tail -n 30 "$build_log" >&2
    die "building cocob in $build failed (see $build_log)"
fi
cocob=$root/$build/cocob
[[ $build = /* ]] && cocob=$build/cocob

devices_json=$("$cocob" devices --json) || die "\`cocob devices --json\` failed"

# The same choice as the library's (src/runtime/selector.c), made here because
# the report needs the device's facts and one exact opencl:P:D for every
# step. With no --device: the best GPU, else the first OpenCL device, where
# cocob's auto would take its cpu backend.
device=$(jq -c --arg s "$selector" '
    . as $doc |
    [.devices[] | select(.selector | startswith("opencl:"))] as $cl |
    ([$cl[] | select(.type == "discrete GPU")][0] //
     [$cl[] | select(.type == "integrated GPU")][0]) as $gpu |
    ($s | ascii_downcase) as $l |
    if $l == "" then $gpu // $cl[0]
    elif $l == "gpu" then $gpu
    elif $l == "opencl" then $cl[0]
    elif $l == "auto" then first($doc.devices[] | select(.selector == $doc.auto))
    elif ($l | test("^(ref|cpu|opencl:[0-9]+:[0-9]+)$")) then first($doc.devices[] | select(.selector == $l))
    else first($doc.devices[] | select(.name | ascii_downcase | contains($l)))
    end // empty' <<<"$devices_json")
if [ -z "$device" ]; then
    "$cocob" devices >&2
    die "no OpenCL device matches \"${selector:-a GPU or any OpenCL device}\" (see above)"
fi
field() { jq -r ".$1" <<<"$device"; }
sel=$(field selector)
name=$(field name)
[[ $sel = opencl:* ]] || die "\"${selector:-auto}\" is $sel ($name), not an OpenCL device; ctest checks ref and cpu"
slug=$(printf '%s' "$name" | LC_ALL=C tr '[:upper:]' '[:lower:]' | LC_ALL=C sed -E 's/[^a-z0-9]+/-/g; s/^-+//; s/-+$//')
logs=$build/gpu-report/$slug
rm -rf "$logs"
mkdir -p "$logs" "$out" || die "cannot create $logs or $out"
say "device $sel: $name; logs in $logs"

# The device suites are those ctest runs twice, as NAME on OpenCL and as
# NAME_cpu on the cpu backend (tests/CMakeLists.txt); NAME alone, with
# COCOB_TEST_DEVICE set, runs one on this device.
declare -A is_test
mapfile -t tests < <(ctest --test-dir "$build" -N | sed -nE 's/^ *Test +#[0-9]+: (.*)$/\1/p')
for t in "${tests[@]}"; do is_test[$t]=1; done
suites=()
for t in "${tests[@]}"; do
    [[ $t = *_cpu && -n ${is_test[${t%_cpu}]:-} ]] && suites+=("${t%_cpu}")
done
[ ${#suites[@]} -gt 0 ] ||
    die "$build has no suite that compares a device with the reference (a build without the cpu backend, OpenBLAS, does not pair them)"
suite_regex="^($(IFS='|'; echo "${suites[*]}"))\$"

if [ $quick = 1 ]; then
    mlp_steps=5 cnn_steps=2 update_size=1048576 candidates=4 limit=(--limit 2000) small=(COCOB_TEST_SMALL=1)
else
    mlp_steps=50 cnn_steps=10 update_size=16777216 candidates="" limit=() small=()
fi
tune_args=()
[ -n "$candidates" ] && tune_args=(--candidates "$candidates")

declare -A title shown status secs
keys=()
failed=0
# step KEY TITLE SHOWN COMMAND...: runs COMMAND with its output in
# $logs/KEY.txt; SHOWN is the command as the report prints it.
step() {
    local key=$1 t0 t1 rc
    title[$key]=$2 shown[$key]=$3
    shift 3
    keys+=("$key")
    say "${#keys[@]}. ${shown[$key]}"
    if [[ $skip = *,$key,* ]]; then
        status[$key]=skipped secs[$key]=0
        : >"$logs/$key.txt"
        say "   skipped"
        return
    fi
    t0=$(date +%s.%N)
    timeout "$step_timeout" "$@" >"$logs/$key.txt" 2>&1
    rc=$?
    t1=$(date +%s.%N)
    secs[$key]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    case $rc in
    0) status[$key]=pass ;;
    124) status[$key]="timed out after $step_timeout s"; failed=1 ;;
    *) status[$key]="FAIL (exit $rc)"; failed=1 ;;
    esac
    say "   ${status[$key]}, ${secs[$key]} s"
}

start=$(date +%s.%N)
c="cocob --device $sel"
step devices "Devices" "cocob devices" "$cocob" devices
step verify "Verify" "$c verify" "$cocob" --device "$sel" verify
step suites "Kernel suites" "${small[*]:+${small[*]} }COCOB_TEST_DEVICE=$sel ctest --test-dir $build -R '$suite_regex'" \
    env "${small[@]}" COCOB_TEST_DEVICE="$sel" ctest --test-dir "$build" -R "$suite_regex" --output-on-failure
step tune "GEMM tuning" "$c tune${tune_args[*]:+ ${tune_args[*]}}" "$cocob" --device "$sel" tune "${tune_args[@]}"
step update "Optimizer step bandwidth" "$c bench update --size $update_size" \
    "$cocob" --device "$sel" bench update --size "$update_size"
step gemm "GEMM, default and tuned" "$c bench gemm" "$cocob" --device "$sel" bench gemm
step train_mlp "Training steps, MLP" "$c bench train --model mlp --steps $mlp_steps" \
    "$cocob" --device "$sel" bench train --model mlp --steps "$mlp_steps"
step train_cnn "Training steps, CNN" "$c bench train --model cnn --steps $cnn_steps" \
    "$cocob" --device "$sel" bench train --model cnn --steps "$cnn_steps"
step epoch "One epoch of the MLP" "$c train --model mlp --epochs 1${limit[*]:+ ${limit[*]}}" \
    "$cocob" --device "$sel" train --model mlp --epochs 1 "${limit[@]}" --log "$logs/epoch.csv"
total_secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')

# The figures, each null where its step did not print it.
num() { [[ ${1:-} =~ ^-?[0-9]+(\.[0-9]+)?$ ]] && echo "$1" || echo null; }
log() { cat "$logs/$1.txt"; }
last_field() { log "$1" | awk -v re="$2" '$0 ~ re { v = $NF } END { print v }'; }

read -r verify_total verify_failed < <(log verify | sed -nE 's/^([0-9]+) op and shape pairs, ([0-9]+) failed.*/\1 \2/p')
read -r _ suites_failed suites_total < <(log suites |
    sed -nE 's/^([0-9]+)% tests passed, ([0-9]+) tests? failed out of ([0-9]+).*/\1 \2 \3/p')
# One line per suite: "name<TAB>result<TAB>seconds", from ctest's
# " 3/28 Test #12: test_gemm ......   Passed   4.20 sec".
suite_rows=$(log suites | sed -nE 's/^ *[0-9]+\/[0-9]+ +Test +#[0-9]+: ([^ ]+) [ .*]*([A-Za-z][^*]*[A-Za-z]) +([0-9.]+) sec$/\1\t\2\t\3/p')
read -r tune_candidates tune_secs < <(log tune | sed -nE 's/^([0-9]+) candidates in ([0-9]+) s;.*/\1 \2/p')
tune_winner=$(log tune | sed -n '/^winner /{n;s/^  = //p;}')
read -r update_gbs < <(log update | awk '$1 == "cocob_update" { print $3 }')
read -r triad_gbs < <(log update | awk '$1 == "triad" { print $3 }')
read -r update_ratio < <(log update | awk '$1 == "ratio" { print $2 }')
gemm_default=$(last_field gemm '^default ')
gemm_tuned=$(last_field gemm '^tuned ')
gemm_ratio=$(last_field gemm '^ratio tuned')
bench_row() { log "$1" | awk -v d="$2" '$1 == d { print $2, $3, $4, $5, $6 }'; }
read -r mlp_eps mlp_data mlp_fwd mlp_bwd mlp_step < <(bench_row train_mlp "$sel")
read -r mlp_ref_eps _ < <(bench_row train_mlp ref)
read -r cnn_eps cnn_data cnn_fwd cnn_bwd cnn_step < <(bench_row train_cnn "$sel")
read -r cnn_ref_eps _ < <(bench_row train_cnn ref)
IFS=, read -r _ epoch_steps epoch_train_loss epoch_test_loss epoch_acc epoch_secs epoch_eps < <(
    tail -n +2 "$logs/epoch.csv" 2>/dev/null | tail -n 1)

build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")
clblast=$(sed -n 's/^COCOB_CLBLAST:BOOL=//p' "$build/CMakeCache.txt")
commit=$(git describe --always --dirty 2>/dev/null || echo unknown)
host_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)

steps_json=$(for k in "${keys[@]}"; do
    jq -nc --arg key "$k" --arg title "${title[$k]}" --arg command "${shown[$k]}" \
        --arg status "${status[$k]}" --argjson seconds "${secs[$k]}" \
        '{key: $key, title: $title, command: $command, status: $status, seconds: $seconds}'
done | jq -sc .)
suites_json=$(printf '%s\n' "$suite_rows" | jq -Rc 'select(length > 0) | split("\t") |
    {name: .[0], result: .[1], seconds: (.[2] | tonumber)}' | jq -sc .)
jq -n --arg date "$now" --arg commit "$commit" --arg build_type "$build_type" --arg clblast "$clblast" \
    --arg host_cpu "$host_cpu" --arg kernel "$(uname -srm)" --arg rusticl "${RUSTICL_ENABLE:-}" \
    --argjson quick "$quick" --argjson device "$device" --argjson steps "$steps_json" \
    --argjson total_seconds "$total_secs" --argjson suites "$suites_json" \
    --argjson verify_total "$(num "${verify_total:-}")" --argjson verify_failed "$(num "${verify_failed:-}")" \
    --argjson suites_total "$(num "${suites_total:-}")" --argjson suites_failed "$(num "${suites_failed:-}")" \
    --argjson tune_candidates "$(num "${tune_candidates:-}")" --argjson tune_seconds "$(num "${tune_secs:-}")" \
    --arg tune_winner "$tune_winner" \
    --argjson update_gbs "$(num "${update_gbs:-}")" --argjson triad_gbs "$(num "${triad_gbs:-}")" \
    --argjson update_ratio "$(num "${update_ratio:-}")" --argjson update_size "$update_size" \
    --argjson gemm_default "$(num "$gemm_default")" --argjson gemm_tuned "$(num "$gemm_tuned")" \
    --argjson gemm_ratio "$(num "$gemm_ratio")" \
    --argjson mlp_steps "$mlp_steps" --argjson mlp_eps "$(num "${mlp_eps:-}")" \
    --argjson mlp_ref_eps "$(num "${mlp_ref_eps:-}")" --argjson mlp_data "$(num "${mlp_data:-}")" \
    --argjson mlp_fwd "$(num "${mlp_fwd:-}")" --argjson mlp_bwd "$(num "${mlp_bwd:-}")" \
    --argjson mlp_step "$(num "${mlp_step:-}")" \
    --argjson cnn_steps "$cnn_steps" --argjson cnn_eps "$(num "${cnn_eps:-}")" \
    --argjson cnn_ref_eps "$(num "${cnn_ref_eps:-}")" --argjson cnn_data "$(num "${cnn_data:-}")" \
    --argjson cnn_fwd "$(num "${cnn_fwd:-}")" --argjson cnn_bwd "$(num "${cnn_bwd:-}")" \
    --argjson cnn_step "$(num "${cnn_step:-}")" \
    --argjson epoch_limit "$(num "${limit[1]:-}")" --argjson epoch_steps "$(num "${epoch_steps:-}")" \
    --argjson epoch_train_loss "$(num "${epoch_train_loss:-}")" \
    --argjson epoch_test_loss "$(num "${epoch_test_loss:-}")" \
    --argjson epoch_acc "$(num "${epoch_acc:-}")" --argjson epoch_secs "$(num "${epoch_secs:-}")" \
    --argjson epoch_eps "$(num "${epoch_eps:-}")" '
{
  date: $date, cocob_commit: $commit, build_type: $build_type, clblast: ($clblast == "ON"),
  host: {cpu: $host_cpu, kernel: $kernel},
  rusticl_enable: (if $rusticl == "" then null else $rusticl end), quick: ($quick == 1),
  device: $device, steps: $steps, total_seconds: $total_seconds,
  verify: {pairs: $verify_total, failed: $verify_failed,
           passed: (if $verify_total == null then null else $verify_total - $verify_failed end)},
  suites: {total: $suites_total, failed: $suites_failed,
           passed: (if $suites_total == null then null else $suites_total - $suites_failed end),
           each: $suites},
  tune: {candidates: $tune_candidates, seconds: $tune_seconds,
         winner: (if $tune_winner == "" then null else $tune_winner end)},
  bench_update: {size: $update_size, cocob_update_gbs: $update_gbs, triad_gbs: $triad_gbs,
                 ratio: $update_ratio},
  bench_gemm: {default_gflops: $gemm_default, tuned_gflops: $gemm_tuned, ratio: $gemm_ratio},
  bench_train: {
    mlp: {steps: $mlp_steps, examples_per_s: $mlp_eps, ref_examples_per_s: $mlp_ref_eps,
          ms: {data: $mlp_data, forward: $mlp_fwd, backward: $mlp_bwd, step: $mlp_step}},
    cnn: {steps: $cnn_steps, examples_per_s: $cnn_eps, ref_examples_per_s: $cnn_ref_eps,
          ms: {data: $cnn_data, forward: $cnn_fwd, backward: $cnn_bwd, step: $cnn_step}}},
  mlp_epoch: {limit: $epoch_limit, steps: $epoch_steps, train_loss: $epoch_train_loss,
              test_loss: $epoch_test_loss, test_accuracy: $epoch_acc, seconds: $epoch_secs,
              examples_per_s: $epoch_eps}
}' >"$out/$slug.json" || die "writing $out/$slug.json failed"

# The report: the facts first, a summary table, then each step's figures as
# cocob printed them (a failed step's last lines instead, from its log).
quiet() { grep -vE '^cocob: (info|debug):|^[0-9]+ warnings? generated\.$' "$logs/$1.txt"; }
excerpt() {
    case $1 in
    devices) quiet devices ;;
    verify) quiet verify | grep -E '^cocob .* verify on | FAIL$|op and shape pairs' ;;
    suites) printf '%s\n' "$suite_rows" | awk -F '\t' 'NF { printf "%-28s %-20s %8s s\n", $1, $2, $3 }'
            log suites | grep -E 'tests passed' ;;
    tune) quiet tune | sed -n '/^side by side/,$p' ;;
    gemm) quiet gemm ;;
    update) quiet update ;;
    train_mlp|train_cnn) quiet "$1" | sed -n '/^model /,$p' ;;
    epoch) quiet epoch | grep -E '^(epoch [0-9]+/[0-9]+  train loss|speed )' ;;
    esac
}
figures() {
    case $1 in
    verify) [ -n "${verify_total:-}" ] && echo "$((verify_total - verify_failed)) of $verify_total op and shape pairs pass" ;;
    suites) [ -n "${suites_total:-}" ] &&
            echo "$((suites_total - suites_failed)) of $suites_total suites pass${small[*]:+ (small mode)}" ;;
    tune) [ -n "$tune_winner" ] && echo "winner \`$tune_winner\`, ${tune_candidates:-?} candidates" ;;
    update) [ -n "${update_gbs:-}" ] && echo "$update_gbs GB/s, $update_ratio of the triad's $triad_gbs" ;;
    gemm) if [ -n "$gemm_tuned" ]; then echo "$gemm_tuned GFLOP/s tuned, $gemm_default default (x$gemm_ratio)"
          elif [ -n "$gemm_default" ]; then echo "$gemm_default GFLOP/s default, none tuned"; fi ;;
    train_mlp) [ -n "${mlp_eps:-}" ] && echo "$mlp_eps examples/s (ref ${mlp_ref_eps:-?})" ;;
    train_cnn) [ -n "${cnn_eps:-}" ] && echo "$cnn_eps examples/s (ref ${cnn_ref_eps:-?})" ;;
    epoch) [ -n "${epoch_acc:-}" ] &&
           awk -v a="$epoch_acc" -v n="${epoch_steps:-?}" -v e="${epoch_eps:-?}" \
               'BEGIN { printf "test accuracy %.2f%%, %s steps at %s examples/s\n", 100 * a, n, e }' ;;
    esac
    return 0
}
d() { jq -r "$1" <<<"$device"; }
{
    echo "# $name"
    echo
    echo "$(date -u +%Y-%m-%d), cocob $commit ($build_type build, CLBlast ${clblast:-?}),"
    echo "\`tools/gpu-report.sh --device $sel${RUSTICL_ENABLE:+ --rusticl $RUSTICL_ENABLE}$([ $quick = 1 ] && echo ' --quick')${skipped:+ --skip $skipped}\`:"
    echo "the steps took $total_secs s in all."
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| device | $name (\`$sel\`), $(d .type) |"
    echo "| vendor | $(d .vendor) |"
    echo "| driver | $(d .driver_version) |"
    echo "| platform | $(d .platform_name), $(d .platform_version) |"
    echo "| OpenCL | $(d .opencl_version); $(d .opencl_c_version) |"
    echo "| compute | $(d .compute_units) units at $(d .clock_mhz) MHz, work-groups up to $(d .max_work_group_size) work-items |"
    d '"| memory | \(.global_mem_bytes / 1073741824 * 10 | round / 10) GiB global, \(.max_alloc_bytes / 1073741824 * 10 | round / 10) GiB largest allocation, \(.local_mem_bytes / 1024 | round) KiB local\(if .host_unified_memory then "; shared with the host" else "" end) |"'
    d '"| fp16, fp64 | \(if .fp16 then "yes" else "no" end), \(if .fp64 then "yes" else "no" end) |"'
    echo "| host | $host_cpu; $(uname -srm) |"
    [ -n "${RUSTICL_ENABLE:-}" ] && echo "| environment | RUSTICL_ENABLE=$RUSTICL_ENABLE |"
    echo
    echo "| step | result | figures | wall time |"
    echo "|---|---|---|---|"
    n=0
    for k in "${keys[@]}"; do
        n=$((n + 1))
        echo "| $n. ${title[$k]} | ${status[$k]} | $(figures "$k") | ${secs[$k]} s |"
    done
    n=0
    for k in "${keys[@]}"; do
        n=$((n + 1))
        echo
        echo "## $n. ${title[$k]}"
        echo
        echo "\`${shown[$k]}\`: ${status[$k]}, ${secs[$k]} s"
        [ "${status[$k]}" = skipped ] && continue
        echo
        echo '```'
        excerpt "$k"
        if [ "${status[$k]}" != pass ] && [ "${status[$k]}" != skipped ]; then
            echo "... the last lines of its output:"
            tail -n 20 "$logs/$k.txt"
        fi
        echo '```'
    done
} >"$out/$slug.md" || die "writing $out/$slug.md failed"

say "wrote $out/$slug.md and $out/$slug.json ($total_secs s)"
exit $failed
