#!/usr/bin/env bash
# The Python package as a user gets it: a fresh virtual environment, numpy,
# pytest and scikit-learn from PyPI, `pip install ./python` (which builds
# libcocob from this checkout), then its tests and examples.
#
#   tools/check-python.sh [VENV_DIR]   (default build/python-venv)
#
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-build/python-venv}
rm -rf "$venv"
# Debian's interpreter, whatever `python3` is first on PATH: it is the one
# python3-venv (tools/install-deps.sh) equips to make environments.
/usr/bin/python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet numpy pytest scikit-learn
"$venv/bin/pip" install --quiet ./python
# From another folder, so that the installed package is tested, not the
# source; on ref, then on the OpenCL device (PoCL here).
(cd "$venv" && bin/python -m pytest -q "$OLDPWD/python/tests")
(cd "$venv" && COCOB_TEST_DEVICE=opencl bin/python -m pytest -q "$OLDPWD/python/tests")
(cd "$venv" && bin/python -m cocob devices >/dev/null)
out=$("$venv/bin/python" python/examples/digits.py --device cpu 2>&1 | tail -1)
echo "$out"
awk '{ if ($3 + 0 < 0.95) { print "digits: below 95% test accuracy" > "/dev/stderr"; exit 1 } }' \
    <<<"$out"
"$venv/bin/python" python/examples/regression.py --device cpu
"$venv/bin/python" python/examples/fashion_mnist.py --device cpu --epochs 1 2>&1 | tail -1
