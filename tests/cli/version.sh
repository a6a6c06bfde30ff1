#!/usr/bin/env bash
# What the programs say they are (issue 18, "Identity"): `guardvm --version`
# names guardvm, its version and git revision, the cfn-guard release it
# matches and the pack format; invoked as `cfn-guard` it prints cfn-guard's
# own line (spec §2.1); `guardc --version` names guardc. Called by ctest:
#   version.sh GUARDVM GUARDC
guardc="$(readlink -f "$2")"
. "$(dirname "$(readlink -f "$0")")/common.sh"

check() {  # NAME CONDITION-TEXT, then the test result in $?
  if [ "$2" = 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}

for flag in --version -V; do
  "$vm" $flag >out.txt 2>err.txt; rc=$?
  [ "$rc" = 0 ] && [ ! -s err.txt ]; check "guardvm $flag exits 0, nothing on stderr" $?
  head -1 out.txt | grep -qE '^guardvm [0-9]+\.[0-9]+\.[0-9]+ \(revision [^ )]+\)$'
  check "guardvm $flag: name, version, revision" $?
  grep -qE '^cfn-guard 3\.1\.1 compatible; rule packs: format [0-9]+\.[0-9]+, instruction set [0-9a-f]{8}$' out.txt
  check "guardvm $flag: cfn-guard release and pack format" $?
done

ln -s "$vm" cfn-guard
for flag in --version -V; do
  ./cfn-guard $flag >out.txt 2>err.txt; rc=$?
  [ "$rc" = 0 ] && [ "$(cat out.txt)" = "cfn-guard 3.1.1" ]; check "as cfn-guard, $flag prints cfn-guard's line" $?
done

"$guardc" --version >out.txt 2>err.txt; rc=$?
[ "$rc" = 0 ] && head -1 out.txt | grep -qE '^guardc [0-9]+\.[0-9]+\.[0-9]+ \(revision '; check "guardc --version" $?
# Both programs name the same build.
"$vm" --version | tail -1 >vm.txt; "$guardc" --version | tail -1 >gc.txt
cmp -s vm.txt gc.txt; check "guardc and guardvm report the same pack format and instruction set" $?

[ "$fails" = 0 ]
