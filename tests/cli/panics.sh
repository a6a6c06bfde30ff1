#!/usr/bin/env bash
# Where cfn-guard 3.1.1 panics (exit 101), guardvm gives a clear error or the
# report instead (docs/compatibility.md, "Where cfn-guard panics (exit 101)"); this
# checks each message and exit code, and that a closed stdout ends validate
# quietly. Self-contained (no ../shared). Called by ctest:
#   panics.sh GUARDVM
. "$(dirname "$(readlink -f "$0")")/common.sh"

# expect NAME EXIT STDERR-SUBSTRING -- COMMAND...
expect() {
  local name="$1" code="$2" text="$3"
  shift 4
  "$@" >out.txt 2>err.txt </dev/null
  local rc=$?
  if [ "$rc" != "$code" ] || ! grep -qF -- "$text" err.txt; then
    echo "FAIL $name: exit $rc (want $code), stderr:"
    cat err.txt
    fails=$((fails + 1))
  else
    echo "ok   $name"
  fi
}

printf 'rule r { Parameters exists }\n' > r.guard
printf 'Resources: {}\n' > ok.yaml
printf 'Parameters: {}\n' > clash.yaml
printf 'Parameters:\n  Env: prod\n' > p.yaml
# v58b: an input-parameter clash in --structured mode.
expect input-params-clash-structured 255 \
  'Error occurred Conflicting rule or variable assignments inside the same scope `Key Parameters, already exists in map`' \
  -- "$vm" validate -r r.guard -d ok.yaml -d clash.yaml -i p.yaml -o json -z -S none
[ -s out.txt ] && { echo "FAIL input-params-clash-structured: wrote a document"; fails=$((fails + 1)); }

# A data or --input-params file of comments only: 3.1.1 panics in its libyaml event reader.
printf '# nothing but a comment\n' > comments.yaml
expect comments-only-data 255 '/comments.yaml, data beginning with' \
  -- "$vm" validate -r r.guard -d comments.yaml
expect comments-only-params 255 'Error encountered while parsing data file: comments.yaml, data beginning with' \
  -- "$vm" validate -r r.guard -d ok.yaml -i comments.yaml

# v64b: an unparsable data file whose 100-byte excerpt would split a UTF-8 character.
{ printf 'a: ['; printf 'x%.0s' $(seq 1 95); printf '\xc3\xa9zzz\n'; } > mb.yaml
expect utf8-cut-excerpt 255 'Error occurred Parser Error when parsing `Error encountered while parsing data file: ' \
  -- "$vm" validate -r r.guard -d mb.yaml
if ! iconv -f UTF-8 -t UTF-8 err.txt >/dev/null 2>&1 || [ "$(sed -n 2p err.txt | wc -c)" != 100 ]; then
  echo "FAIL utf8-cut-excerpt: excerpt is not valid UTF-8 cut before byte 100"
  fails=$((fails + 1))
fi

# v74: -r without a value and no --payload is a usage error.
expect rules-flag-without-value 2 "'--rules' needs at least one rules file or directory" \
  -- "$vm" validate -r -d ok.yaml

# t24: `test` with --rules-file but no --test-data (or the reverse) and no --dir.
expect test-rules-without-test-data 2 "needs either --dir, or both --rules-file and --test-data" \
  -- "$vm" test -r r.guard
expect test-data-without-rules-file 2 "needs either --dir, or both --rules-file and --test-data" \
  -- "$vm" test -t ok.yaml

# A reader that goes away ends the program quietly (SIGPIPE status, nothing on stderr).
# v48, v49: a failing path the CloudFormation report cannot attribute to a
# resource (cfn-guard panics in cfn.rs, exit 101): the file gets the generic
# report and the run its usual exit code, with nothing that looks like a crash.
printf 'rule deep {\n  Z.a.b == 2\n}\n' > deep.guard
printf 'Resources: {}\nZ:\n  a:\n    b: 1\n' > deep.yaml
printf 'Resources:\n  X:\n    Properties:\n      a: 1\n' > untyped.yaml
printf 'rule two {\n  Resources.X.Properties.a == 2\n}\n' > untyped.guard
for c in deep untyped; do
  "$vm" validate -r $c.guard -d $c.yaml -d ok.yaml >out.txt 2>err.txt </dev/null; rc=$?
  if [ "$rc" != 19 ] || grep -q panicked err.txt out.txt || ! grep -qF "is not compliant with" out.txt ||
     ! grep -qF "ok.yaml" out.txt; then
    echo "FAIL cfn-report-$c: exit $rc (want 19), stdout:"; cat out.txt; cat err.txt
    fails=$((fails + 1))
  else
    echo "ok   cfn-report-$c"
  fi
done

mkdir many
for i in $(seq 1 3000); do printf 'Resources:\n  R%d: {Type: T}\n' "$i" > "many/d$i.yaml"; done
"$vm" validate -r r.guard -d many -S all 2>err.txt | head -n 1 >/dev/null
rc=${PIPESTATUS[0]}
if [ "$rc" != 141 ] || [ -s err.txt ]; then
  echo "FAIL broken-pipe: exit $rc (want 141), stderr:"
  cat err.txt
  fails=$((fails + 1))
else
  echo "ok   broken-pipe"
fi
exit $((fails > 0))
