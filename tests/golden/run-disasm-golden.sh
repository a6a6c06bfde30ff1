#!/usr/bin/env bash
# Golden test of `guardc --disasm`: compiles each tests/golden/disasm/*.guard
# to a pack, disassembles it, and compares with the checked-in .listing.
#   run-disasm-golden.sh GUARDC DIR            (compare)
#   GUARD_UPDATE_GOLDEN=1 run-disasm-golden.sh GUARDC DIR   (rewrite the listings)
set -u
guardc="$1"; dir="$2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
for src in "$dir"/*.guard; do
  name=$(basename "$src" .guard)
  "$guardc" -o "$work/$name.gpack" "$src" || { echo "FAIL $name: guardc"; fail=1; continue; }
  "$guardc" --disasm "$work/$name.gpack" >"$work/$name.listing" || { echo "FAIL $name: disasm"; fail=1; continue; }
  if [ "${GUARD_UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$work/$name.listing" "$dir/$name.listing"
  elif ! diff -u "$dir/$name.listing" "$work/$name.listing"; then
    echo "FAIL $name: listing differs"; fail=1
  fi
done
exit $fail
