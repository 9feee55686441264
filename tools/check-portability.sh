#!/usr/bin/env bash
# Are the kernels portable? PoCL runs a work-group's items one after another
# on a CPU, which hides what a GPU punishes: a missing barrier, two items
# racing on one address, a read past a buffer's end, a group larger than the
# device allows. So every suite that checks a device against the reference
# (ctest label "device"), and then `cocob verify`, runs on each OpenCL
# implementation found here:
#   pocl       PoCL;
#   rusticl    Mesa's rusticl on llvmpipe, a second compiler and runtime;
#   oclgrind   Oclgrind's simulator with --data-races and --check-api (its
#              bounds checks are always on), in the suites' small mode
#              (COCOB_TEST_SMALL=1: the same cases and paths, smaller sizes),
#              plus --uninitialized where this Oclgrind can judge our
#              kernels (tools/portability/oclgrind_probe.c decides);
#   profiles   Oclgrind made to look like small devices: a group of at most
#              64, then 256 work-items; 16 KiB of local memory; 256 MiB of
#              global memory, where a model too big must be refused by name.
# Prints a table, one row per implementation, and exits non-zero on any
# failed suite or verify row and on any Oclgrind report.
#
#   tools/check-portability.sh [--build DIR] [--only pocl,rusticl,oclgrind,profiles] [--small]
#
# --small runs PoCL's and rusticl's suites in the small mode too (CI does,
# for time; Oclgrind's always are). The build folder defaults to build
# (configured and built when missing); logs go to DIR/portability/.
# Oclgrind runs DIR-noclblast (see below).
set -euo pipefail
# The suites check kernels against the reference at the tiles the tests
# name and the built-in table's; a first-use GEMM tune in every process
# would add seconds on a real device and minutes under Oclgrind.
export COCOB_GEMM_TUNE=off
cd "$(dirname "$0")/.."

build=build
only=pocl,rusticl,oclgrind,profiles
small=0
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --small) small=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "check-portability: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
wants() { [[ ",$only," == *",$1,"* ]]; }

# ---- what is needed, installed only when missing ----
tools/install-deps.sh
missing=()
for p in pocl-opencl-icd mesa-opencl-icd oclgrind; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
fi
[ -f "$build/CMakeCache.txt" ] || cmake -S . -B "$build"
cmake --build "$build" -j"$(nproc)"
# Oclgrind checks our kernels, so it runs the build without CLBlast, whose
# GEMM goes through cl/gemm.cl: CLBlast's own kernels are its authors' to
# check, and rebuilding them in each test's process would take most of the
# simulator's time. PoCL and rusticl run CLBlast.
oclbuild=$build-noclblast
if wants oclgrind || wants profiles; then
  [ -f "$oclbuild/CMakeCache.txt" ] || cmake -S . -B "$oclbuild" -DCOCOB_CLBLAST=OFF
  cmake --build "$oclbuild" -j"$(nproc)"
fi
logs=$build/portability
rm -rf "$logs"
mkdir -p "$logs"
cocob=$build/cocob
jobs=$(nproc)
mapfile -t suites < <(ctest --test-dir "$build" -N -L device | sed -n 's/^ *Test *#[0-9]*: //p')
if [ ${#suites[@]} -eq 0 ]; then
  echo "check-portability: no suite carries the label device" >&2
  exit 1
fi
# Under Oclgrind, all but these, which add no kernel path of their own and
# would take the simulator an hour between them: test_fault fails each of a
# training job's allocations and launches in turn on host paths, test_gemm_tune
# times gemm.cl's tiles at the full MLP's shapes (test_gemm runs every tile
# form), test_step_alloc counts host allocations around test_train's steps,
# test_step_waits counts the host's waits around training steps whose
# kernels test_train and the op suites run, and test_program_cache builds a broken kernel on purpose, which
# --check-api rightly reports.
oclgrind_skips=(test_fault test_gemm_tune test_step_alloc test_step_waits test_program_cache)
oclgrind_list=()
for t in "${suites[@]}"; do
  [[ " ${oclgrind_skips[*]} " == *" $t "* ]] || oclgrind_list+=("$t")
done

rows=()
failed=0
row() {   # implementation version device suites verify oclgrind-errors
  rows+=("$(printf '%-36s | %-10s | %-32s | %-6s | %-13s | %s' "$@")")
}

# The selector, name and version of the device whose platform name holds $1,
# as the environment assignments that follow it make the devices.
find_device() {
  local platform=$1
  shift
  env "$@" "$cocob" devices --json | /usr/bin/python3 -c '
import json, sys
for d in json.load(sys.stdin)["devices"]:
    if sys.argv[1] in d["platform_name"]:
        print(d["selector"]); print(d["name"]); print(d["driver_version"]); break
' "$platform"
}

# "passed/total" from a `cocob verify` log, in verify_cell; a failed row, or
# no result, counts as a failure.
read_verify() {
  local line
  line=$(grep -E '^[0-9]+ op and shape pairs, [0-9]+ failed' "$1" || true)
  if [ -z "$line" ]; then
    failed=1
    verify_cell="no result"
    return
  fi
  local total bad
  total=$(echo "$line" | awk '{print $1}')
  bad=$(echo "$line" | awk '{print $6}')
  [ "$bad" -eq 0 ] || failed=1
  verify_cell="$((total - bad))/$total"
}

# ---- a real implementation: the suites through ctest, then verify ----
on_implementation() {   # name platform-substring [VAR=value ...]
  local name=$1 platform=$2
  shift 2
  local info
  info=$(find_device "$platform" "$@")
  if [ -z "$info" ]; then
    row "$name" "-" "not found" "-" "-" "-"
    echo "check-portability: no $name device (platform \"$platform\"); is its ICD installed?" >&2
    failed=1
    return
  fi
  local sel dev ver
  { read -r sel; read -r dev; read -r ver; } <<<"$info"
  echo "== $name: $dev ($sel), suites"
  local log=$logs/$name-suites.log passed total
  env "$@" COCOB_TEST_DEVICE="$sel" COCOB_TEST_SMALL="$small" \
    ctest --test-dir "$build" -L device -j"$jobs" --output-on-failure >"$log" 2>&1 || failed=1
  total=$(sed -n 's/.*tests passed, \([0-9]*\) tests\{0,1\} failed out of \([0-9]*\).*/\2/p' "$log")
  passed=$(sed -n 's/.*tests passed, \([0-9]*\) tests\{0,1\} failed out of.*/\1/p' "$log")
  if [ -n "$total" ]; then
    passed=$((total - passed))
  else
    total="?" passed="?" failed=1
  fi
  grep -E '^ *[0-9]+/[0-9]+ Test.*(Failed|Timeout|Exception)' "$log" || true
  echo "== $name: verify"
  env "$@" "$cocob" --device "$sel" verify >"$logs/$name-verify.log" 2>&1 || failed=1
  read_verify "$logs/$name-verify.log"
  row "$name" "$ver" "$dev" "$passed/$total" "$verify_cell" "-"
}

# ---- Oclgrind ----
# Oclgrind's reports on stderr: a line or two of headline, then lines
# indented by a tab (the kernel, the work-item, the call). Its --log is no
# use here: each new context truncates the file.
reports() { awk 'plain && /^\t/ {n++} {plain = $0 != "" && $0 !~ /^\t/} END {print n + 0}' "$1"; }

# Runs the suites named on stdin under `oclgrind $*`, $jobs at a time, each
# with its own log, then sets suites_cell ("passed/total") and errors (the
# reports in their logs), counting any failure. Not in a pipeline: what it
# sets must reach the caller.
oclgrind_suites() {   # tag oclgrind-options...
  local tag=$1
  shift
  local opts="$*"
  export oclbuild logs tag opts
  : >"$logs/$tag.results"
  # shellcheck disable=SC2016
  xargs -P "$jobs" -I{} bash -c '
    t={}
    out=$logs/$tag-$t.out rep=$logs/$tag-$t.oclgrind
    start=$(date +%s)
    # shellcheck disable=SC2086
    if COCOB_TEST_SMALL=1 COCOB_CACHE_DIR=$logs/cache COCOB_TEST_DEVICE=opencl \
       CK_DEFAULT_TIMEOUT=1200 oclgrind $opts "$oclbuild/tests/$t" >"$out" 2>"$rep"
    then rc=0; else rc=$?; fi
    n=$(awk '"'"'plain && /^\t/ {n++} {plain = $0 != "" && $0 !~ /^\t/} END {print n + 0}'"'"' "$rep")
    printf "  %-26s rc %-3s %4ss  %s Oclgrind report(s)\n" "$t" "$rc" \
      "$(( $(date +%s) - start ))" "$n"
    echo "$t $rc $n" >>"$logs/$tag.results"
  '
  local total passed
  total=$(wc -l <"$logs/$tag.results")
  passed=$(awk '$2 == 0' "$logs/$tag.results" | wc -l)
  errors=$(awk '{s += $3} END {print s + 0}' "$logs/$tag.results")
  suites_cell="$passed/$total"
  [ "$passed" -eq "$total" ] && [ "$errors" -eq 0 ] || failed=1
}

# `cocob verify` under `oclgrind $*`; sets verify_cell and adds its reports
# to errors.
oclgrind_verify() {   # tag oclgrind-options...
  local tag=$1
  shift
  local vlog=$logs/$tag-verify.log vrep=$logs/$tag-verify.oclgrind n
  COCOB_CACHE_DIR=$logs/cache oclgrind "$@" "$oclbuild/cocob" --device opencl verify \
    >"$vlog" 2>"$vrep" || failed=1
  n=$(reports "$vrep")
  [ "$n" -eq 0 ] || failed=1
  errors=$((errors + n))
  read_verify "$vlog"
  grep -E '^[0-9]+ op and shape pairs' "$vlog" | sed 's/^/  verify: /' || true
}

oclgrind_version() { oclgrind --version | sed -n 's/^Oclgrind \([0-9.]*\).*/\1/p'; }

# --uninitialized joins the checks only where the probe, two correct uses
# of OpenCL that every suite makes, draws no report from it.
uninitialized_option() {
  local probe=$logs/oclgrind_probe
  cc -Wall -Wextra -o "$probe" tools/portability/oclgrind_probe.c -lOpenCL
  "$probe" || { echo "check-portability: the probe fails without Oclgrind" >&2; exit 1; }
  if oclgrind --uninitialized "$probe" >/dev/null 2>"$logs/probe.oclgrind" &&
     [ "$(reports "$logs/probe.oclgrind")" -eq 0 ]; then
    echo "--uninitialized"
  else
    {
      echo "check-portability: Oclgrind $(oclgrind_version)'s --uninitialized is left out: on"
      echo "  tools/portability/oclgrind_probe.c, correct OpenCL that every suite's pattern"
      echo "  follows, it reports (see the probe's comment for why):"
      grep -E '^(Uninitialized|Unsupported|OCLGRIND FATAL)' "$logs/probe.oclgrind" | sort | uniq -c |
        sed 's/^/    /'
    } >&2
  fi
}

on_oclgrind() {
  local extra=()
  mapfile -t extra < <(uninitialized_option)
  echo "== oclgrind ${extra[*]}: suites (small mode), then verify"
  echo "  not run under Oclgrind (see the script): ${oclgrind_skips[*]}"
  oclgrind_suites oclgrind --data-races --check-api "${extra[@]}" \
    < <(printf '%s\n' "${oclgrind_list[@]}")
  oclgrind_verify oclgrind --data-races --check-api "${extra[@]}"
  row "oclgrind${extra[*]:+ (uninit)}" "$(oclgrind_version)" "Oclgrind Simulator" "$suites_cell" \
    "$verify_cell" "$errors"
}

# The suites whose launches a device's limits shape: the reductions (group
# size and local scratch), GEMM (tile groups), softmax and pooling, and the
# limits themselves; every kernel's plain launch is in verify.
profile_suites=(test_limits test_stats test_nonfinite test_bias test_gemm test_softmax_xent
                test_maxpool)

on_profiles() {
  local p tag
  for p in "--max-wgsize 64" "--max-wgsize 256" "--local-mem-size 16384"; do
    tag=profile${p// /}
    echo "== oclgrind $p: suites (small mode), then verify"
    # shellcheck disable=SC2086
    oclgrind_suites "$tag" --data-races --check-api $p < <(printf '%s\n' "${profile_suites[@]}")
    # shellcheck disable=SC2086
    oclgrind_verify "$tag" --check-api $p
    row "oclgrind $p" "$(oclgrind_version)" "Oclgrind Simulator" "$suites_cell" "$verify_cell" \
      "$errors"
  done

  # 256 MiB: the limits suite, then a model whose parameters, gradients and
  # COCOB's five state buffers (7 x 44.5 MB) outgrow the device, which must
  # be refused with the size and the limit named, before any step.
  local mem="--global-mem-size 268435456" tlog=$logs/profile-mem-train.log verdict="refused"
  echo "== oclgrind $mem: test_limits, then a model too big"
  # shellcheck disable=SC2086
  oclgrind_suites profile-mem --check-api $mem <<<test_limits
  # shellcheck disable=SC2086
  if COCOB_CACHE_DIR=$logs/cache oclgrind $mem "$oclbuild/cocob" --device opencl train \
       --model dense:14000,dense:10 --limit 100 >"$tlog" 2>&1 ||
     ! grep -q 'a buffer of [0-9]* bytes does not fit in the memory of .*268435456 bytes' \
       "$tlog"; then
    verdict="NOT refused"
    failed=1
  fi
  grep 'does not fit' "$tlog" | sed 's/^/  /' || cat "$tlog"
  row "oclgrind $mem" "$(oclgrind_version)" "Oclgrind Simulator" "$suites_cell" \
    "model $verdict" "$errors"
}

wants pocl && on_implementation pocl "Portable Computing Language"
wants rusticl && on_implementation rusticl rusticl RUSTICL_ENABLE=llvmpipe
wants oclgrind && on_oclgrind
wants profiles && on_profiles

header=$(printf '%-36s | %-10s | %-32s | %-6s | %-13s | %s' implementation version device \
         suites verify "Oclgrind reports")
echo
echo "$header"
echo "${header//[^|]/-}"
printf '%s\n' "${rows[@]}"
echo "logs: $logs"
exit "$failed"
