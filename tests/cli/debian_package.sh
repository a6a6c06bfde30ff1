#!/usr/bin/env bash
# The Debian package for real: `cpack -G DEB` in BUILD, `dpkg -i` of the .deb
# on this machine, the installed programs run from / with an empty
# environment (validate against the shipped bundle by name, guardc --list,
# cfn-guard's version line, the Python package when libguardvm is built, the
# man pages), then `dpkg -r` and a check that nothing is left.
#
# Usage: tests/cli/debian_package.sh BUILD
# Needs root, and changes /usr: tools/setup.sh test runs it on the throw-away
# CI machine (GUARD_CI_DEB=0 skips it). It refuses to replace a guardvm
# package that was already installed.
set -uo pipefail
build=${1:?usage: debian_package.sh BUILD}
root=$(cd "$(dirname "$0")/../.." && pwd)
failures=0
pass() { echo "ok   $1"; }
fail() { echo "FAIL $1"; failures=$((failures + 1)); }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

[ "$(id -u)" -eq 0 ] || { echo "skipped: dpkg -i needs root"; exit 77; }
if dpkg-query -W -f='${Status}' guardvm 2>/dev/null | grep -q "install ok installed"; then
  echo "skipped: a guardvm package is installed already; not replacing it"
  exit 77
fi

(cd "$build" && rm -f guardvm_*.deb && cpack -G DEB >/dev/null) || { echo "FAIL cpack -G DEB"; exit 1; }
deb=$(ls "$build"/guardvm_*.deb 2>/dev/null | head -1)
[ -s "$deb" ] || { echo "FAIL no .deb in $build"; exit 1; }
pass "cpack -G DEB: $(basename "$deb") ($(du -k "$deb" | cut -f1) KB)"

dpkg -i "$deb" >/dev/null || { echo "FAIL dpkg -i $deb"; exit 1; }
pass "dpkg -i"
trap 'dpkg -r guardvm >/dev/null 2>&1' EXIT

# Run from /, with nothing of the build or this shell in the environment.
run() { (cd / && env -i PATH=/usr/bin:/bin "$@"); }
expect() {  # expect CODE CMD...: exit code CODE
  local want=$1; shift
  run "$@" >/tmp/guardvm-deb-out.txt 2>&1
  local rc=$?
  [ "$rc" = "$want" ] || { echo "     exit $rc (want $want): $*"; head -20 /tmp/guardvm-deb-out.txt; return 1; }
}
seed=/usr/share/guardvm/examples/seed
check "validate -r @shipped on the non-compliant example (19)" \
  expect 19 /usr/bin/guardvm validate -r @shipped -d $seed/bad-task-defs.yml
check "validate -r @shipped on the compliant example (0)" \
  expect 0 /usr/bin/guardvm validate -r @shipped -d $seed/safe-task-defs.yml
check "guardc --list names the installed bundles" \
  bash -c 'cd / && env -i PATH=/usr/bin:/bin /usr/bin/guardc --list | grep -q "@shipped"'
for b in "$build"/bundles/*.gpack; do
  name=$(basename "$b" .gpack)
  [ -f "/usr/share/guardvm/bundles/$name.gpack" ] || fail "bundle $name is not in the package"
done
pass "every built bundle is in the package ($(ls "$build"/bundles/*.gpack | wc -l))"
check "cfn-guard --version is cfn-guard's line" \
  bash -c '[ "$(cd / && env -i PATH=/usr/bin:/bin cfn-guard --version)" = "cfn-guard 3.1.1" ]'
check "guardvm --version names guardvm" \
  bash -c 'cd / && env -i PATH=/usr/bin:/bin guardvm --version | head -1 | grep -q "^guardvm "'
check "man pages installed" test -s /usr/share/man/man1/guardvm.1 -a -s /usr/share/man/man1/guardc.1
if dpkg -L guardvm | grep -q "libguardvm.so.0"; then
  # The package's own copy, even where a cmake --install under /usr/local comes first on sys.path.
  check "import guardvm (the package's) with Debian's python3" \
    expect 0 /usr/bin/python3 -c "import sys; sys.path.insert(0, '/usr/lib/python3/dist-packages'); import guardvm
assert guardvm.__file__.startswith('/usr/lib/python3/dist-packages/'), guardvm.__file__
assert guardvm.compile_text('rule r { Resources exists }').files == ['rules.guard']"
fi

dpkg -r guardvm >/dev/null || fail "dpkg -r guardvm"
trap - EXIT
left=$(for f in /usr/bin/guardvm /usr/bin/guardc /usr/bin/cfn-guard /usr/share/guardvm; do [ -e "$f" ] && echo "$f"; done)
[ -z "$left" ] && pass "dpkg -r leaves nothing behind" || fail "left after dpkg -r: $left"

echo "$failures failures"
[ "$failures" -eq 0 ]
