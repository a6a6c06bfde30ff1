#!/usr/bin/env bash
# Installs the Debian 12 packages guardvm builds and tests with, when missing.
# Called by tools/setup.sh; safe to run repeatedly.
set -euo pipefail
packages=(
  g++ cmake make pkg-config python3
  llvm-14-dev          # LLVM ADT (headers) and LLVMSupport (static)
  libyaml-dev          # YAML data files: libyaml's event API
  libsimdjson-dev      # JSON data files
  libre2-dev           # linear-time regular expressions
  libpcre2-dev         # look-around and back-references, with a match limit
  unicode-data         # the Unicode 15.0.0 tables of regex property classes (\p{..})
  libncurses-dev zlib1g-dev  # LLVMSupport needs -ltinfo and -lz
  libcli11-dev         # command-line parsing (header-only)
  googletest libgtest-dev libbenchmark-dev
  clang-14 libclang-rt-14-dev  # libFuzzer targets (tools/fuzz.sh; CI runs the fuzz smoke)
  pre-commit           # tests/cli/pre_commit.sh runs the guardvm-validate hook through it
  zsh fish             # tests/cli/completions.sh loads and runs the completion scripts in them
  dpkg-dev             # cpack -G DEB computes the package's dependencies with dpkg-shlibdeps
  python3-distributed  # Dask: python3 -m guardvm.fleet (python/guardvm/fleet.py)
  python3-pytest       # the Python package's tests (tests/python/)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
