#!/usr/bin/env bash
# Writes guardvm's shell completion scripts (`guardvm completions --shell ...`)
# for each NAME the program is installed under (guardvm, cfn-guard): the
# program registers its completions under the name it was invoked as, so it is
# run with argv[0] set to NAME (as cfn-guard, it prints cfn-guard 3.1.1's own
# scripts, tools/cli/completion_scripts.cpp). Called by the build
# (cmake/GuardInstall.cmake):
#   generate.sh GUARDVM OUTDIR NAME...
# Writes OUTDIR/bash/NAME, OUTDIR/zsh/_NAME and OUTDIR/fish/NAME.fish.
set -euo pipefail
vm=$1 outdir=$2
shift 2
mkdir -p "$outdir/bash" "$outdir/zsh" "$outdir/fish"

# generate NAME SHELL FILE: the script for SHELL, written whole or not at all.
generate() {
  (exec -a "$1" "$vm" completions --shell "$2") > "$3.tmp"
  mv "$3.tmp" "$3"
}

for name in "$@"; do
  generate "$name" bash "$outdir/bash/$name"
  generate "$name" zsh "$outdir/zsh/_$name"
  generate "$name" fish "$outdir/fish/$name.fish"
done
