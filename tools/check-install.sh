#!/usr/bin/env bash
# Checks cocob the way a downstream user meets it: build from a source tree,
# `cmake --install` into a throwaway prefix, then build and run the consumer in
# tests/install against that prefix alone, through the CMake package (shared
# and static) and through pkg-config (shared and static).
#
# Done twice: the full build, and a reference-only build (COCOB_OPENCL=OFF)
# whose tests must pass and which must neither include nor link OpenCL even
# though the headers are on the machine.
#
# Usage: tools/check-install.sh [SOURCE_DIR]    (default: this script's tree)
# COCOB_CHECK_KEEP=1 keeps the scratch folder for a look after a failure.
set -euo pipefail

src=$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/..}" && pwd)
if [ ! -f "$src/CMakeLists.txt" ] || [ ! -f "$src/tests/install/CMakeLists.txt" ]; then
  echo "check-install: $src is not a cocob source tree" >&2
  exit 2
fi
cc=${CC:-gcc}
jobs=$(nproc 2>/dev/null || echo 2)
work=$(mktemp -d "${TMPDIR:-/tmp}/cocob-install-check.XXXXXX")
cleanup() {
  if [ -n "${COCOB_CHECK_KEEP:-}" ]; then echo "check-install: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

fail() { echo "check-install: FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

# Quiet on success; on failure the log's tail says why.
logged() {
  local log=$1; shift
  if ! "$@" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    fail "$* (log: $log)"
  fi
}

# A warning in our build is a bug for whoever meets it next.
no_warnings() {
  local log=$1 hits
  hits=$(grep -E 'warning:|CMake Warning' "$log" || true)
  [ -z "$hits" ] || { echo "$hits" >&2; fail "warnings in $log"; }
}

# Whether binary $1 has a dynamic dependency matching $2. The list is read in
# full first: grep -q quitting early would fail the pipe, and pipefail with it.
needs() {
  local deps
  deps=$(readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  grep -q -i -E "$2" <<<"$deps"
}

# check_variant NAME [CMAKE_ARGS...]: build, install, consume; leaves $build,
# $prefix, $libdir and what it built in globals for the caller's own checks.
check_variant() {
  local name=$1; shift
  local dir=$work/$name
  build=$dir/build prefix=$dir/prefix
  mkdir -p "$dir"

  step "$name: configure, build, install"
  # Makefiles, whatever CMAKE_GENERATOR says: the checks read their link.txt
  # and .d files.
  logged "$dir/configure.log" cmake -S "$src" -B "$build" -G "Unix Makefiles" \
    -DCMAKE_BUILD_TYPE=Release "$@"
  no_warnings "$dir/configure.log"
  logged "$dir/build.log" cmake --build "$build" -j "$jobs"
  no_warnings "$dir/build.log"
  # --prefix differs from the configured prefix on purpose: the installed
  # files must follow the install, not the configure.
  logged "$dir/install.log" cmake --install "$build" --prefix "$prefix"

  libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:[A-Z]*=//p' "$build/CMakeCache.txt")
  [ -n "$libdir" ] || fail "$name: no CMAKE_INSTALL_LIBDIR in the cache"
  case $libdir in /*) ;; *) libdir=$prefix/$libdir ;; esac

  step "$name: installed files"
  local f
  for f in "$prefix/include/cocob/cocob.h" "$prefix/include/cocob/tools.h" "$libdir/libcocob.a" \
           "$libdir/cmake/cocob/cocobConfig.cmake" \
           "$libdir/cmake/cocob/cocobConfigVersion.cmake" \
           "$libdir/cmake/cocob/cocobTargets.cmake" "$libdir/pkgconfig/cocob.pc"; do
    [ -f "$f" ] || fail "$name: missing $f"
  done
  compgen -G "$libdir/cmake/cocob/cocobTargets-*.cmake" >/dev/null ||
    fail "$name: no per-configuration cocobTargets-*.cmake"
  [ -x "$prefix/bin/cocob" ] || fail "$name: missing $prefix/bin/cocob"
  # The development link, the soname link, and the real file behind them.
  local soname real
  [ -L "$libdir/libcocob.so" ] || fail "$name: $libdir/libcocob.so is not a link"
  soname=$(readelf -d "$libdir/libcocob.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
  [[ $soname == libcocob.so.* ]] || fail "$name: soname '$soname'"
  [ -L "$libdir/$soname" ] || fail "$name: soname link $libdir/$soname missing"
  real=$(readlink -f "$libdir/libcocob.so")
  if [ ! -f "$real" ] || [ "$(dirname "$real")" != "$(readlink -f "$libdir")" ]; then
    fail "$name: libcocob.so does not resolve inside $libdir"
  fi
  echo "   $soname -> $(basename "$real")"

  # The command needs no source tree: its kernels are embedded.
  logged "$dir/cli.log" "$prefix/bin/cocob" version
  logged "$dir/cli.log" "$prefix/bin/cocob" devices

  step "$name: CMake consumer (find_package, cocob::cocob and cocob::cocob_static)"
  local consumer=$dir/consumer
  logged "$dir/consumer-configure.log" cmake -S "$src/tests/install" -B "$consumer" \
    -G "Unix Makefiles" -DCMAKE_PREFIX_PATH="$prefix"
  grep -qx "cocob_DIR:PATH=$libdir/cmake/cocob" "$consumer/CMakeCache.txt" ||
    fail "$name: the consumer found a cocob other than $prefix"
  logged "$dir/consumer-build.log" cmake --build "$consumer" -j "$jobs"
  "$consumer/consumer_shared" || fail "$name: consumer_shared"
  "$consumer/consumer_static" || fail "$name: consumer_static"
  [ "$(ldd "$consumer/consumer_shared" | sed -n 's/.*libcocob\.so[^ ]* => \([^ ]*\).*/\1/p')" \
    = "$libdir/$soname" ] || fail "$name: consumer_shared does not load $libdir/$soname"
  ! needs "$consumer/consumer_static" libcocob ||
    fail "$name: consumer_static links the shared library"

  step "$name: pkg-config consumer (shared and --static)"
  export PKG_CONFIG_PATH=$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
  [ "$(pkg-config --variable=prefix cocob)" = "$prefix" ] ||
    fail "$name: cocob.pc has prefix $(pkg-config --variable=prefix cocob), not $prefix"
  local cflags libs slibs i
  read -r -a cflags <<<"$(pkg-config --cflags cocob)"
  read -r -a libs <<<"$(pkg-config --libs cocob)"
  read -r -a slibs <<<"$(pkg-config --static --libs cocob)"
  local warn=(-std=c99 -Wall -Wextra -pedantic -Werror)
  logged "$dir/pc-shared.log" "$cc" "${warn[@]}" "${cflags[@]}" "$src/tests/install/main.c" \
    -o "$dir/pc_shared" "${libs[@]}" "-Wl,-rpath,$libdir"
  "$dir/pc_shared" || fail "$name: pc_shared"
  # pkg-config names the library one way for both kinds; -l: makes the linker
  # take the archive even with the .so beside it.
  for i in "${!slibs[@]}"; do
    if [ "${slibs[i]}" = -lcocob ]; then slibs[i]=-l:libcocob.a; fi
  done
  logged "$dir/pc-static.log" "$cc" "${warn[@]}" "${cflags[@]}" "$src/tests/install/main.c" \
    -o "$dir/pc_static" "${slibs[@]}"
  "$dir/pc_static" || fail "$name: pc_static"
  ! needs "$dir/pc_static" libcocob || fail "$name: pc_static links the shared library"
  unset PKG_CONFIG_PATH

  pc_static_libs=${slibs[*]}
  consumer_cache=$consumer/CMakeCache.txt
  installed_bins=("$libdir/$soname" "$prefix/bin/cocob" "$consumer/consumer_shared"
                  "$consumer/consumer_static" "$dir/pc_shared" "$dir/pc_static")
}

check_variant full -DCOCOB_TESTS=OFF

check_variant ref-only -DCOCOB_OPENCL=OFF
step "ref-only: tests"
(cd "$build" && logged "$work/ref-only/ctest.log" ctest --output-on-failure -j "$jobs")
tail -n 3 "$work/ref-only/ctest.log" | sed -n 's/^\(.*tests passed.*\)/   \1/p'

step "ref-only: no OpenCL anywhere"
! grep -q '^OpenCL_' "$build/CMakeCache.txt" || fail "ref-only: the build looked for OpenCL"
hits=$(find "$build" -name '*.d' -exec grep -l -E 'CL/(cl|opencl)\.h|clblast' {} + || true)
[ -z "$hits" ] || fail "ref-only: these objects include OpenCL headers: $hits"
hits=$(find "$build" -name link.txt -exec grep -l -i -E 'opencl|clblast' {} + || true)
[ -z "$hits" ] || fail "ref-only: these link lines name OpenCL: $hits"
for f in "${installed_bins[@]}"; do
  ! needs "$f" 'opencl|clblast' || fail "ref-only: $f needs OpenCL"
done
! grep -q -i -E 'opencl|clblast' "$libdir"/cmake/cocob/cocobTargets*.cmake ||
  fail "ref-only: the exported targets name OpenCL"
! grep -q '^OpenCL_' "$consumer_cache" || fail "ref-only: the CMake package looked for OpenCL"
! grep -q -i -E 'opencl|clblast' <<<"$pc_static_libs" ||
  fail "ref-only: pkg-config --static names OpenCL: $pc_static_libs"

echo "install check: OK"
