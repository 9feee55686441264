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

# One awk judges every dependency, given as lines "FROM TO WHERE WHAT".
judge() {
    awk '
    function rank(f) {
        if (f == "base") return 0
        if (f == "backend" || f ~ /^backend\//) return 1
        if (f == "ops") return 2
        if (f == "runtime") return 3
        if (f == "data" || f == "optim") return 4
        if (f == "nn") return 5
        if (f == "train") return 6
        if (f == "diagnostics") return 7
        return -1
    }
    function allowed(from, to) {
        if (from == to) return 1
        if (to ~ /^backend\//) {
            if (from == "backend") return 1
            # verify runs the reference beside a device; cpu threads the
            # reference loops
            return (from == "backend/verify" || from == "backend/cpu") && to == "backend/ref"
        }
        if (from ~ /^backend\//) return to == "backend" || to == "base"
        return rank(from) >= 0 && rank(to) >= 0 && rank(to) < rank(from)
    }
    {
        if (rank($1) < 0) {
            if (!(($1) in told)) print "folder src/" $1 " is in no layer: add it to tests/layout/layering.sh and docs/ARCHITECTURE.md"
            told[$1] = 1; bad = 1
        } else if (!allowed($1, $2)) {
            where = $3; for (i = 4; i <= NF; i++) where = where " " $i
            print where ": " $1 " may not use " $2; bad = 1
        }
    }
    END { exit bad }'
}

cd "$src"
files=$(find . -name '*.[ch]' | sed 's#^\./##' | sort)
[ -n "$files" ] || { echo "no sources under $src" >&2; exit 1; }
bad=0

# ---- the #include lines; cocob/ is the public header ----
# shellcheck disable=SC2086
grep -H '^#include "' $files | sed 's/^\([^:]*\):#include "\([^"]*\)".*/\1 \2/' |
    awk '{ f = $1; sub(/\/[^\/]*$/, "", f); t = $2; sub(/\/[^\/]*$/, "", t)
           if (t != "cocob") print f, t, $1, "includes " $2 }' | judge || bad=1

# ---- the build switches ----
while IFS= read -r hit; do
    case ${hit%%:*} in
        backend/registry.c | backend/ref/* | backend/cpu/* | backend/opencl/* | backend/verify/*) ;;
        *) echo "$hit: only src/backend/registry.c and the backends' folders read the build's switches"
           bad=1 ;;
    esac
done < <(grep -n 'COCOB_HAVE_' $files || true)

# ---- the symbols the objects take from each other ----
cd "$objects"
# Only objects whose source still exists: a build folder keeps the objects
# of files since moved.
objs=$(find . -name '*.o' | sed 's#^\./##' | sort | while read -r o; do
    [ -f "$src/${o%.o}" ] && echo "$o"; done)
[ -n "$objs" ] || { echo "no objects under $objects" >&2; exit 1; }
# shellcheck disable=SC2086
{
    # The verifying backend wraps whichever device the runtime makes, so its
    # functions (declared in backend/backend.h) are the backend layer's own.
    nm -A -g --defined-only $objs | awk -F'[: ]+' 'NF >= 4 {
        d = $1; sub(/\/[^\/]*$/, "", d); if (d == "backend/verify") d = "backend"
        print "D", $NF, d }'
    nm -A --undefined-only $objs | awk -F'[: ]+' '{
        d = $1; sub(/\/[^\/]*$/, "", d); print "U", $NF, d, $1 }'
} | awk '$1 == "D" { home[$2] = $3; next }
         ($2 in home) && home[$2] != $3 { print $3, home[$2], $4, "calls " $2 }' | judge || bad=1

if [ "$bad" -ne 0 ]; then
    echo "layering: FAILED (see docs/ARCHITECTURE.md, Layers)"
    exit 1
fi
echo "layering: $(echo "$files" | wc -l) sources and $(echo "$objs" | wc -l) objects, every dependency points down"
