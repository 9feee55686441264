#!/usr/bin/env bash
# The folders of src/ are layers, and every dependency points down:
#
#   base <- backend <- ops <- runtime <- data, optim <- nn <- train <- diagnostics
#
# A folder may use its own files and any folder of a lower layer; data and
# optim share a layer and use none of each other. nn is above optim because
# a model's training step ends in the optimizer's. A backend's own folder
# (src/backend/<name>/) is private: only that folder, the registry
# (src/backend/registry.c) may include it, except that the verifying backend
# and cpu build on the reference. The build's COCOB_HAVE_*
# switches are read only in the registry and the backends' own folders.
#
# Two views are checked, so that neither an #include nor a call can slip a
# dependency past: the source's #include lines, and the symbols each object
# file of the library takes from the others (nm).
#
#   tests/layout/layering.sh SOURCE_DIR OBJECT_DIR
# OBJECT_DIR is where the build put the library's objects, mirroring src/.
set -euo pipefail
src=$(cd "$1/src" && pwd) objects=$(cd "$2" && pwd)
bad=0

rank() {
    case $1 in
        base) echo 0 ;;
        backend | backend/*) echo 1 ;;
        ops) echo 2 ;;
        runtime) echo 3 ;;
        data | optim) echo 4 ;;
        nn) echo 5 ;;
        train) echo 6 ;;
        diagnostics) echo 7 ;;
        *) echo "unknown" ;;
    esac
}

# May code in folder $1 use folder $2?
allowed() {
    local from=$1 to=$2
    [ "$from" = "$to" ] && return 0
    case $to in
        backend/*)
            [ "$from" = backend ] && return 0
            # verify runs the reference beside a device; cpu threads the
            # reference's loops
            case $from:$to in backend/verify:backend/ref | backend/cpu:backend/ref) return 0 ;; esac
            return 1 ;;
    esac
    case $from in
        backend/*) [ "$to" = backend ] || [ "$to" = base ]; return ;;
    esac
    local rf rt
    rf=$(rank "$from") rt=$(rank "$to")
    [ "$rf" != unknown ] && [ "$rt" != unknown ] && [ "$rt" -lt "$rf" ]
}

folder_of() { # src-relative path of a file -> its folder
    local d
    d=$(dirname "$1")
    echo "${d#./}"
}

cd "$src"
files=$(find . -name '*.[ch]' | sed 's#^\./##' | sort)
[ -n "$files" ] || { echo "no sources under $src" >&2; exit 1; }

# ---- the #include lines ----
for f in $files; do
    from=$(folder_of "$f")
    if [ "$(rank "$from")" = unknown ]; then
        echo "$f: folder $from is in no layer; add it to tests/layout/layering.sh and docs/ARCHITECTURE.md"
        bad=1
        continue
    fi
    while IFS= read -r inc; do
        to=$(folder_of "$inc")
        [ "$to" = cocob ] && continue    # the public header
        if ! allowed "$from" "$to"; then
            echo "$f includes $inc: $from may not use $to"
            bad=1
        fi
    done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
done

# ---- the build switches ----
while IFS= read -r hit; do
    f=${hit%%:*}
    case $f in
        backend/registry.c | backend/ref/* | backend/cpu/* | backend/opencl/* | backend/verify/*) ;;
        *) echo "$hit: only src/backend/registry.c and the backends' folders read the build's switches"
           bad=1 ;;
    esac
done < <(grep -n 'COCOB_HAVE_' $files || true)

# ---- the symbols the objects take from each other ----
defs=$(mktemp)
trap 'rm -f "$defs"' EXIT
cd "$objects"
# Only objects whose source still exists: a build folder keeps the objects
# of files since moved.
objs=$(find . -name '*.o' | sed 's#^\./##' | sort | while read -r o; do
    [ -f "$src/${o%.o}" ] && echo "$o"; done)
[ -n "$objs" ] || { echo "no objects under $objects" >&2; exit 1; }
for o in $objs; do
    # The verifying backend wraps whichever device the runtime makes, so its
    # functions (declared in backend/backend.h) are the backend layer's own.
    d=$(folder_of "$o")
    [ "$d" = backend/verify ] && d=backend
    nm --defined-only -g "$o" | awk -v d="$d" 'NF == 3 { print $3, d }'
done | sort -u >"$defs"
for o in $objs; do
    from=$(folder_of "$o")
    while read -r sym to; do
        [ "$to" = "$from" ] && continue
        if ! allowed "$from" "$to"; then
            echo "$o calls $sym: $from may not use $to"
            bad=1
        fi
    done < <(nm --undefined-only "$o" | awk '{ print $NF }' | sort -u | join - "$defs")
done

if [ "$bad" -ne 0 ]; then
    echo "layering: FAILED (see docs/ARCHITECTURE.md, Layers)"
    exit 1
fi
echo "layering: $(echo "$files" | wc -l) sources and $(echo "$objs" | wc -l) objects, every dependency points down"
