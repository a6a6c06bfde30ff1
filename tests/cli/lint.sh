#!/usr/bin/env bash
# guardc's lint warnings through the real programs (issue 20, docs/lint.md):
# the `file:line:col: warning:` line, the source line and the caret, the fix;
# -Werror (exit 1, no pack), -Wno-<id>, -Wno-lint, an unknown -W; and
# `guardvm validate --lint` on a rules file and on a pack: the warnings on
# stderr, stdout and the exit code the same as without the flag. Self-contained
# (no ../shared). Called by ctest:
#   lint.sh GUARDVM GUARDC
gc="$(readlink -f "$2")"
. "$(dirname "$(readlink -f "$0")")/common.sh"

fail() {
  echo "FAIL $1"
  sed 's/^/    /' err.txt 2>/dev/null
  fails=$((fails + 1))
}

# check NAME EXIT: the last command's exit code (in rc).
check_rc() {
  if [ "$rc" != "$2" ]; then fail "$1: exit $rc, want $2"; return 1; fi
  return 0
}

printf 'rule r {\n  not Resources.A.Properties.Name == '"'"'x'"'"'\n}\n' > trap.guard
printf 'rule r {\n  Resources.A.Properties.Name != '"'"'x'"'"'\n}\n' > clean.guard
printf 'Resources:\n  A:\n    Properties:\n      Name: x\n' > data.yaml

# The whole text of one warning.
cat > want.txt <<'TXT'
trap.guard:2:3: warning: `not` before a binary clause is ignored by cfn-guard 3.1.1 (spec §16.6): this clause checks `Resources.A.Properties.Name == …`, not its negation [-Wnot-binary-clause]
    not Resources.A.Properties.Name == 'x'
    ^
  fix: negate the operator instead (`!=`), or move the test into a named rule and write `not rule_name`
TXT
"$gc" -o trap.gpack trap.guard >out.txt 2>err.txt; rc=$?
if check_rc warning-exit 0; then
  if ! diff -u want.txt err.txt >diff.txt; then fail "warning-text: $(cat diff.txt)"; else echo "ok   warning-text"; fi
  [ -s trap.gpack ] && echo "ok   warning-writes-pack" || fail "warning-writes-pack: no pack"
fi

"$gc" -o clean.gpack clean.guard >out.txt 2>err.txt; rc=$?
if check_rc clean-exit 0; then [ ! -s err.txt ] && echo "ok   clean-is-silent" || fail "clean-is-silent"; fi

rm -f werror.gpack
"$gc" -Werror -o werror.gpack trap.guard >out.txt 2>err.txt; rc=$?
if check_rc werror-exit 1; then
  grep -qF 'warnings are errors (-Werror); no pack written' err.txt && [ ! -e werror.gpack ] \
    && echo "ok   werror-no-pack" || fail "werror-no-pack"
fi
"$gc" -Werror -o clean2.gpack clean.guard >out.txt 2>err.txt; rc=$?
check_rc werror-clean 0 && echo "ok   werror-clean"

"$gc" -Wno-not-binary-clause -Werror -o t1.gpack trap.guard >out.txt 2>err.txt; rc=$?
if check_rc wno-id-exit 0; then [ ! -s err.txt ] && echo "ok   wno-id" || fail "wno-id: stderr not empty"; fi
"$gc" -Wno-lint -o t2.gpack trap.guard >out.txt 2>err.txt; rc=$?
if check_rc wno-lint-exit 0; then [ ! -s err.txt ] && echo "ok   wno-lint" || fail "wno-lint: stderr not empty"; fi
"$gc" -Wbogus -o t3.gpack trap.guard >out.txt 2>err.txt; rc=$?
if check_rc unknown-w 2; then grep -qF 'unknown warning option -Wbogus' err.txt && echo "ok   unknown-w" || fail unknown-w; fi

# guardvm validate --lint: stderr gains the warnings, nothing else changes.
for input in trap.guard trap.gpack; do
  for fmt in single-line-summary json; do
    "$vm" validate --no-cache -r "$input" -d data.yaml -o "$fmt" >plain.out 2>plain.err; plain_rc=$?
    "$vm" validate --no-cache --lint -r "$input" -d data.yaml -o "$fmt" >lint.out 2>lint.err; lint_rc=$?
    name="validate-lint-$input-$fmt"
    if [ "$plain_rc" != "$lint_rc" ]; then fail "$name: exit $lint_rc, without --lint $plain_rc"
    elif ! cmp -s plain.out lint.out; then fail "$name: stdout differs"
    elif ! grep -qF '2:3: warning: `not` before a binary clause' lint.err; then cp lint.err err.txt; fail "$name: no warning"
    elif grep -qF 'warning:' plain.err; then fail "$name: a warning without --lint"
    else echo "ok   $name"; fi
  done
done
"$vm" validate --no-cache --lint -r clean.guard -d data.yaml >lint.out 2>lint.err; rc=$?
# the clean rule FAILs this data (exit 19); what matters is a silent stderr
if check_rc validate-lint-clean 19; then [ ! -s lint.err ] && echo "ok   validate-lint-clean" || fail "validate-lint-clean"; fi

if [ "$fails" -ne 0 ]; then
  echo "$fails check(s) failed"
  exit 1
fi
echo "all lint checks passed"
