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
#   tools/check-portability.sh [--build DIR] [--only pocl,rusticl,oclgrind,profiles]
#
# The build folder defaults to build (configured and built when missing);
# logs go to DIR/portability/.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
only=pocl,rusticl,oclgrind,profiles
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
[ -f "$build/CMakeCache.txt" ] || cmake -S . -B "$build"
cmake --build "$build" -j"$(nproc)"
logs=$build/portability
rm -rf "$logs"
mkdir -p "$logs"
cocob=$build/cocob
jobs=$(nproc)
mapfile -t suites < <(ctest --test-dir "$build" -N -L device | sed -n 's/^ *Test *#[0-9]*: //p')
[ ${#suites[@]} -gt 0 ] || { echo "check-portability: no suite carries the label device" >&2; exit 1; }

rows=()
failed=0
row() {   # implementation version device suites verify oclgrind-errors
  rows+=("$(printf '%-22s | %-18s | %-34s | %-13s | %-13s | %s' "$@")")
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

# "passed/total" from a `cocob verify` log; counts a failure.
verify_cell() {
  local line
  line=$(grep -E '^[0-9]+ op and shape pairs, [0-9]+ failed' "$1" || true)
  if [ -z "$line" ]; then
    failed=1
    echo "no result"
    return
  fi
  local total bad
  total=$(echo "$line" | awk '{print $1}')
  bad=$(echo "$line" | awk '{print $6}')
  [ "$bad" -eq 0 ] || failed=1
  echo "$((total - bad))/$total"
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
  env "$@" COCOB_TEST_DEVICE="$sel" ctest --test-dir "$build" -L device -j"$jobs" \
    --output-on-failure >"$log" 2>&1 || failed=1
  total=$(sed -n 's/.*tests passed, \([0-9]*\) tests\{0,1\} failed out of \([0-9]*\).*/\2/p' "$log")
  passed=$((total - $(sed -n 's/.*tests passed, \([0-9]*\) tests\{0,1\} failed out of.*/\1/p' "$log")))
  grep -E '^ *[0-9]+/[0-9]+ Test.*(Failed|Timeout|Exception)' "$log" || true
  echo "== $name: verify"
  env "$@" "$cocob" --device "$sel" verify >"$logs/$name-verify.log" 2>&1 || failed=1
  row "$name" "$ver" "$dev" "$passed/$total" "$(verify_cell "$logs/$name-verify.log")" "-"
}

# ---- Oclgrind ----
# Its reports are paragraphs in its log: one per blank-line-separated block.
reports() { awk 'NF && !prev {n++} {prev = NF} END {print n + 0}' "$1"; }

# Runs the suites named on stdin under `oclgrind $*`, $jobs at a time, each
# with its own log; prints "passed/total errors".
oclgrind_suites() {   # tag oclgrind-options...
  local tag=$1
  shift
  local opts="$*"
  export build logs tag opts
  # shellcheck disable=SC2016
  xargs -P "$jobs" -I{} bash -c '
    t={}
    out=$logs/$tag-$t.out rep=$logs/$tag-$t.oclgrind
    start=$(date +%s)
    # shellcheck disable=SC2086
    if COCOB_TEST_SMALL=1 COCOB_CACHE_DIR=$logs/cache COCOB_TEST_DEVICE=opencl \
       CK_DEFAULT_TIMEOUT=1200 oclgrind $opts --log "$rep" "$build/tests/$t" >"$out" 2>&1
    then rc=0; else rc=$?; fi
    touch "$rep"
    n=$(awk '"'"'NF && !prev {n++} {prev = NF} END {print n + 0}'"'"' "$rep")
    printf "%-28s rc %-3s %4ss  %s Oclgrind report(s)\n" "$t" "$rc" "$(( $(date +%s) - start ))" "$n"
    echo "$t $rc $n" >>"$logs/$tag.results"
  '
  local total passed errors
  total=$(wc -l <"$logs/$tag.results")
  passed=$(awk '$2 == 0' "$logs/$tag.results" | wc -l)
  errors=$(awk '{s += $3} END {print s + 0}' "$logs/$tag.results")
  [ "$passed" -eq "$total" ] && [ "$errors" -eq 0 ] || failed=1
  echo "$passed/$total $errors"
}

oclgrind_version() { oclgrind --version | sed -n 's/^Oclgrind \([0-9.]*\).*/\1/p'; }

# --uninitialized joins the checks only where the probe, two correct uses
# of OpenCL that every suite makes, draws no report from it.
uninitialized_option() {
  local probe=$logs/oclgrind_probe
  cc -Wall -Wextra -o "$probe" tools/portability/oclgrind_probe.c -lOpenCL
  "$probe" || { echo "check-portability: the probe fails without Oclgrind" >&2; exit 1; }
  if oclgrind --uninitialized --log "$logs/probe.oclgrind" "$probe" >/dev/null 2>&1 &&
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
  local cells extra=()
  mapfile -t extra < <(uninitialized_option)
  echo "== oclgrind ${extra[*]}: suites (small mode)"
  cells=$(printf '%s\n' "${suites[@]}" |
          oclgrind_suites oclgrind --data-races --check-api "${extra[@]}")
  echo "$cells" | head -n -1
  read -r suites_cell errors <<<"$(echo "$cells" | tail -n 1)"
  echo "== oclgrind: verify"
  local vlog=$logs/oclgrind-verify.log vrep=$logs/oclgrind-verify.oclgrind
  COCOB_CACHE=off oclgrind --data-races --check-api "${extra[@]}" --log "$vrep" \
    "$cocob" --device opencl verify >"$vlog" 2>&1 || failed=1
  local verrors
  verrors=$(reports "$vrep")
  [ "$verrors" -eq 0 ] || failed=1
  row "oclgrind ${extra[*]:+(uninit)}" "$(oclgrind_version)" "Oclgrind Simulator" "$suites_cell" \
    "$(verify_cell "$vlog")" "$((errors + verrors))"
}

# The suites whose launches a device's limits shape: the reductions (group
# size and local scratch), GEMM (tile groups), the model-sized runs, and the
# limits themselves; every kernel's plain launch is in verify.
profile_suites=(test_limits test_stats test_nonfinite test_bias test_gemm test_softmax_xent
                test_maxpool test_train)

on_profiles() {
  local p cells suites_cell errors vlog vrep verrors
  for p in "--max-wgsize 64" "--max-wgsize 256" "--local-mem-size 16384"; do
    echo "== oclgrind $p"
    # shellcheck disable=SC2086
    cells=$(printf '%s\n' "${profile_suites[@]}" |
            oclgrind_suites "profile${p// /}" --data-races --check-api $p)
    echo "$cells" | head -n -1
    read -r suites_cell errors <<<"$(echo "$cells" | tail -n 1)"
    vlog=$logs/profile${p// /}-verify.log vrep=$logs/profile${p// /}-verify.oclgrind
    # shellcheck disable=SC2086
    COCOB_CACHE=off oclgrind --check-api $p --log "$vrep" "$cocob" --device opencl verify \
      >"$vlog" 2>&1 || failed=1
    verrors=$(reports "$vrep")
    [ "$verrors" -eq 0 ] || failed=1
    row "oclgrind $p" "$(oclgrind_version)" "Oclgrind Simulator" "$suites_cell" \
      "$(verify_cell "$vlog")" "$((errors + verrors))"
  done

  # 256 MiB: the limits suite, then a model whose parameters, gradients and
  # COCOB's five state buffers (7 x 44.5 MB) outgrow the device, which must
  # be refused with the size and the limit named, before any step.
  local mem="--global-mem-size 268435456"
  echo "== oclgrind $mem"
  # shellcheck disable=SC2086
  cells=$(printf '%s\n' test_limits | oclgrind_suites profile-mem --check-api $mem)
  echo "$cells" | head -n -1
  read -r suites_cell errors <<<"$(echo "$cells" | tail -n 1)"
  local tlog=$logs/profile-mem-train.log verdict="refused"
  # shellcheck disable=SC2086
  if COCOB_CACHE=off oclgrind $mem "$cocob" --device opencl train --model dense:14000,dense:10 \
       --limit 100 >"$tlog" 2>&1 ||
     ! grep -q 'a buffer of [0-9]* bytes does not fit in the memory of .*268435456 bytes (CL_DEVICE_GLOBAL_MEM_SIZE)' "$tlog"; then
    verdict="NOT refused"
    failed=1
  fi
  grep 'does not fit' "$tlog" || cat "$tlog"
  row "oclgrind $mem" "$(oclgrind_version)" "Oclgrind Simulator" "$suites_cell" \
    "model $verdict" "$errors"
}

wants pocl && on_implementation pocl "Portable Computing Language"
wants rusticl && on_implementation rusticl rusticl RUSTICL_ENABLE=llvmpipe
wants oclgrind && on_oclgrind
wants profiles && on_profiles

header=$(printf '%-22s | %-18s | %-34s | %-13s | %-13s | %s' implementation version device \
         suites verify "Oclgrind reports")
echo
echo "$header"
echo "${header//[^|]/-}"
printf '%s\n' "${rows[@]}"
echo "logs: $logs"
exit "$failed"
