#!/usr/bin/env bash
# The compile cache (tools/cli/compile_cache.h) through the real program: a
# first run fills $GUARDVM_CACHE_DIR, a second run takes every program from it
# (its entries are not rewritten) and writes byte for byte the same stdout and
# stderr with the same exit code, for validate (console and JSON, -j 1 and 2)
# and test (--dir and -r/-t). A rules file with a syntax error gives the same
# error every time and is never kept; --no-cache and GUARDVM_NO_CACHE=1 write
# nothing; damaged entries change nothing and are replaced; concurrent runs on
# an empty cache all succeed alike; an unusable cache directory (or no HOME)
# changes nothing. Self-contained; called by ctest:
#   compile_cache.sh GUARDVM
. "$(dirname "$(readlink -f "$0")")/common.sh"
unset GUARDVM_NO_CACHE GUARDVM_CACHE_DIR XDG_CACHE_HOME

pass() { echo "ok   $1"; }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }

mkdir -p rules data suite/tests broken
cat > rules/buckets.guard <<'EOF'
let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]
rule buckets_encrypted when %buckets !empty {
  %buckets.Properties.BucketEncryption exists <<buckets must be encrypted>>
  %buckets.Properties.BucketName == /^[a-z-]+$/
}
EOF
cat > rules/queues.guard <<'EOF'
rule queues_short when Resources.*[ Type == 'AWS::SQS::Queue' ] !empty {
  Resources.*[ Type == 'AWS::SQS::Queue' ].Properties.DelaySeconds < 10
}
rule has_resources { Resources exists }
EOF
printf "# only a comment\n" > rules/empty.guard
printf "rule broken {\n  Resources.*[ Type == \n" > rules/m_broken.guard   # a syntax error among them
cp rules/m_broken.guard broken/only.guard
for i in 1 2 3; do
  cat > data/t$i.yaml <<EOF
Resources:
  Bucket$i:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: Name-$i
  Queue$i:
    Type: AWS::SQS::Queue
    Properties:
      DelaySeconds: $((i * 6))
EOF
done
cp rules/buckets.guard rules/queues.guard suite/
cat > suite/tests/buckets_tests.yaml <<'EOF'
- name: unencrypted
  input: {Resources: {B: {Type: AWS::S3::Bucket, Properties: {BucketName: ok}}}}
  expectations: {rules: {buckets_encrypted: FAIL}}
- name: none
  input: {Resources: {}}
  expectations: {rules: {buckets_encrypted: PASS}}
EOF
cat > suite/tests/queues_tests.yaml <<'EOF'
- name: slow
  input: {Resources: {Q: {Type: AWS::SQS::Queue, Properties: {DelaySeconds: 30}}}}
  expectations: {rules: {queues_short: FAIL, has_resources: PASS}}
EOF

# The commands, one per line (word-split; no quoting needed).
commands='validate -r rules -d data
validate -r rules -d data -S all
validate -r rules -d data -o json -S none
validate -r rules -d data -o yaml -j 2
validate -r rules -d data -z -o json -S none
validate -r broken/only.guard -d data
test -d suite
test -d suite -o json
test -r suite/queues.guard -t suite/tests/queues_tests.yaml
test -r broken/only.guard -t suite/tests/queues_tests.yaml'

# run NAME ARGS...: the program's stdout, stderr and exit code in NAME.{out,err,rc}.
run() {
  local name="$1"; shift
  "$vm" "$@" >"$name.out" 2>"$name.err"
  echo $? >"$name.rc"
}
same() {  # same A B: A's and B's outputs and exit codes are identical
  cmp -s "$1.out" "$2.out" && cmp -s "$1.err" "$2.err" && cmp -s "$1.rc" "$2.rc"
}
entries() { find "$1" -type f -name '*.gvc' 2>/dev/null | wc -l; }
# The inode and size of every entry: a hit leaves them as they were.
snapshot() { find "$1" -type f -name '*.gvc' -printf '%f %i %s\n' 2>/dev/null | sort; }

n=0
while read -r cmd; do
  n=$((n + 1))
  GUARDVM_NO_CACHE=1 run ref$n $cmd
  export GUARDVM_CACHE_DIR="$work/cache$n"
  run cold$n $cmd
  before=$(snapshot "$GUARDVM_CACHE_DIR")
  run warm$n $cmd
  after=$(snapshot "$GUARDVM_CACHE_DIR")
  if same ref$n cold$n && same ref$n warm$n; then pass "cold and warm = no cache: $cmd"; else
    fail "outputs differ: $cmd"; diff ref$n.out warm$n.out | head -5; diff ref$n.err warm$n.err | head -5; fi
  if [ "$before" = "$after" ]; then pass "the warm run rewrote no entry: $cmd"; else fail "entries rewritten: $cmd"; fi
  if [ "$(stat -c %a "$GUARDVM_CACHE_DIR")" = 700 ]; then pass "made 0700: $cmd"; else fail "mode of $GUARDVM_CACHE_DIR"; fi
  # How many entries: one per rules file that compiled, whatever the run.
  case "$cmd" in
    *broken*) want=0 ;;
    "validate -r rules"*) want=3 ;;     # buckets, queues, empty (m_broken is not kept)
    "test -d"*) want=2 ;;
    *) want=1 ;;
  esac
  got=$(entries "$GUARDVM_CACHE_DIR")
  if [ "$got" = "$want" ]; then pass "$got entries: $cmd"; else fail "$got entries, want $want: $cmd"; fi
  unset GUARDVM_CACHE_DIR
done <<<"$commands"

grep -q "Parsing error handling rule file = m_broken.guard" ref1.err || fail "the parse error is not reported"
grep -q "Parse Error on ruleset file" ref10.out || fail "test's parse error is not reported"
grep -q "buckets must be encrypted" ref3.out || fail "the JSON report lacks the custom message"

# --no-cache and GUARDVM_NO_CACHE=1 write nothing (not even the directory).
GUARDVM_CACHE_DIR="$work/none1" run nc1 validate -r rules -d data --no-cache -o json -S none
GUARDVM_CACHE_DIR="$work/none2" run nc2 test -d suite --no-cache
GUARDVM_CACHE_DIR="$work/none3" GUARDVM_NO_CACHE=1 run nc3 validate -r rules -d data
if [ ! -e "$work/none1" ] && [ ! -e "$work/none2" ] && [ ! -e "$work/none3" ]; then pass "no cache: nothing written"
else fail "no cache: something was written"; ls -la "$work"/none*; fi
same nc1 ref3 && pass "--no-cache output" || fail "--no-cache output"
same nc2 ref7 && pass "test --no-cache output" || fail "test --no-cache output"
same nc3 ref1 && pass "GUARDVM_NO_CACHE output" || fail "GUARDVM_NO_CACHE output"
# --no-cache is a flag of validate and test only; the others still refuse it (exit 2).
"$vm" parse-tree --no-cache -r rules/queues.guard >/dev/null 2>&1; rc=$?
[ "$rc" = 2 ] && pass "parse-tree refuses --no-cache" || fail "parse-tree --no-cache: exit $rc"
"$vm" validate --help | grep -q -- "--no-cache" && pass "validate --help names --no-cache" || fail "validate --help"
"$vm" test --help | grep -q -- "--no-cache" && pass "test --help names --no-cache" || fail "test --help"
"$vm" completions --shell bash | grep -q -- "--no-cache" && pass "completions name --no-cache" || fail "completions"

# Damaged entries: truncated, a flipped byte, emptied, garbage. The same
# output, and every entry written again (new inodes).
export GUARDVM_CACHE_DIR="$work/cache3"
files=$(find "$GUARDVM_CACHE_DIR" -name '*.gvc' | sort)
set -- $files
head -c 100 "$1" > t && cat t > "$1"
printf '\x55' | dd of="$2" bs=1 seek=300 conv=notrunc 2>/dev/null
: > "$3"
before=$(snapshot "$GUARDVM_CACHE_DIR")
run damaged validate -r rules -d data -o json -S none
after=$(snapshot "$GUARDVM_CACHE_DIR")
same damaged ref3 && pass "damaged entries: same output" || fail "damaged entries: output differs"
changed=$(diff <(echo "$before") <(echo "$after") | grep -c '^>')
[ "$changed" = 3 ] && pass "damaged entries replaced" || fail "$changed entries replaced, want 3"
run again validate -r rules -d data -o json -S none
[ "$(snapshot "$GUARDVM_CACHE_DIR")" = "$after" ] && same again ref3 && pass "replaced entries hit" \
  || fail "replaced entries"
# Garbage of the right size is no better.
for f in $(find "$GUARDVM_CACHE_DIR" -name '*.gvc'); do head -c "$(stat -c %s "$f")" /dev/urandom > "$f"; done
run garbage validate -r rules -d data -o json -S none
same garbage ref3 && pass "random entries: same output" || fail "random entries: output differs"
unset GUARDVM_CACHE_DIR

# Concurrent runs on an empty cache: all succeed with the same output.
export GUARDVM_CACHE_DIR="$work/race"
for i in 1 2 3 4; do run race$i validate -r rules -d data -o json -S none -j 2 & done
wait
ok=1
for i in 1 2 3 4; do same race$i ref3 || ok=0; done
[ $ok = 1 ] && pass "four concurrent cold runs" || fail "concurrent cold runs differ"
[ "$(entries "$GUARDVM_CACHE_DIR")" = 3 ] && pass "3 entries after the race" || fail "entries after the race"
[ -z "$(find "$GUARDVM_CACHE_DIR" -name '.*tmp*')" ] && pass "no temporary file left" || fail "temporary files left"
for i in 1 2; do run racewarm$i validate -r rules -d data -o json -S none & done
for i in 1 2; do run racecold$i test -d suite & done
GUARDVM_CACHE_DIR="$work/race2" run racenew validate -r rules -d data -o json -S none &
wait
same racewarm1 ref3 && same racewarm2 ref3 && same racecold1 ref7 && same racecold2 ref7 && same racenew ref3 \
  && pass "concurrent warm and mixed runs" || fail "concurrent warm and mixed runs"
unset GUARDVM_CACHE_DIR

# No usable directory: silently bypassed, the same output and exit code.
printf x > afile
for dir in "$work/afile" "$work/afile/sub" "$work/no/such/parent" /proc/self/fdinfo; do
  GUARDVM_CACHE_DIR="$dir" run unusable validate -r rules -d data -o json -S none
  same unusable ref3 && pass "unusable $dir" || fail "unusable $dir"
done
mkdir -m 777 shared
GUARDVM_CACHE_DIR="$work/shared" run unusable validate -r rules -d data
same unusable ref1 && [ "$(entries "$work/shared")" = 0 ] && pass "a directory others can write is not used" \
  || fail "a directory others can write"
ln -s "$work/cache3" linked
GUARDVM_CACHE_DIR="$work/linked" run unusable validate -r rules -d data
same unusable ref1 && pass "a symlinked directory is not followed" || fail "symlinked directory"
env -u HOME -u GUARDVM_CACHE_DIR -u XDG_CACHE_HOME "$vm" validate -r rules -d data >nohome.out 2>nohome.err
echo $? >nohome.rc
same nohome ref1 && pass "no HOME" || fail "no HOME"
# The default location: $HOME/.cache/guardvm, and $XDG_CACHE_HOME/guardvm.
mkdir home home2
env -u GUARDVM_CACHE_DIR -u XDG_CACHE_HOME HOME="$work/home" "$vm" validate -r rules -d data >home.out 2>home.err
echo $? >home.rc
same home ref1 && [ "$(entries "$work/home/.cache/guardvm")" = 3 ] && pass "HOME/.cache/guardvm" || fail "HOME default"
env -u GUARDVM_CACHE_DIR XDG_CACHE_HOME="$work/xdg" HOME="$work/home2" "$vm" validate -r rules -d data >xdg.out 2>xdg.err
echo $? >xdg.rc
same xdg ref1 && [ "$(entries "$work/xdg/guardvm")" = 3 ] && [ ! -e "$work/home2/.cache" ] && pass "XDG_CACHE_HOME/guardvm" \
  || fail "XDG default"

[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"
