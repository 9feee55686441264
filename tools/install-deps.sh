#!/usr/bin/env bash
# Installs, from Debian's packages, what building and testing cocob needs.
# Only what is missing is installed, so a second run costs nothing.
set -euo pipefail
pkgs=(build-essential cmake pkg-config
      ocl-icd-opencl-dev opencl-headers pocl-opencl-icd clinfo
      libclblast-dev libopenblas-openmp-dev check zlib1g-dev libcsv-dev
      python3-venv dataset-fashion-mnist libopenmpi-dev openmpi-bin)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
