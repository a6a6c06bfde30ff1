#!/usr/bin/env bash
# "No silent pass" (issue 6, docs/compatibility.md "Where guardvm does not
# fail open"): rules given through a pipe or a device are read for real;
# a rules or data file that cannot be read, a pack from a newer format and a
# pack whose checksum fails each give an error on stderr naming the file and a
# non-zero exit, while the other files are still evaluated; a rules file that
# is really empty keeps cfn-guard's answer (golden v59). Self-contained (no
# ../shared). Called by ctest:
#   no_silent_pass.sh GUARDVM GUARDC
gc="$(readlink -f "$2")"
. "$(dirname "$(readlink -f "$0")")/common.sh"

fail() {
  echo "FAIL $1"
  sed 's/^/    /' err.txt
  fails=$((fails + 1))
}

# check NAME EXIT STDOUT-SUBSTRING STDERR-SUBSTRING: the last command's results
# (in rc, out.txt, err.txt); an empty substring is not checked.
check() {
  local name="$1" code="$2" want_out="$3" want_err="$4"
  if [ "$rc" != "$code" ]; then fail "$name: exit $rc, want $code"; return; fi
  if [ -n "$want_out" ] && ! grep -qF -- "$want_out" out.txt; then fail "$name: stdout lacks '$want_out'"; return; fi
  if [ -n "$want_err" ] && ! grep -qF -- "$want_err" err.txt; then fail "$name: stderr lacks '$want_err'"; return; fi
  echo "ok   $name"
}

printf "rule needs_user {\n  Resources.*.Properties.User exists\n}\n" > r.guard
printf "rule other {\n  Resources exists\n}\n" > other.guard
printf 'Resources:\n  A:\n    Type: T\n    Properties:\n      Name: x\n' > bad.yaml
printf 'Resources:\n  A:\n    Type: T\n    Properties:\n      User: x\n' > good.yaml

# Rules through a pipe (process substitution) and through /dev/stdin: the
# rule is evaluated and FAILs (cfn-guard 3.1.1 reads nothing and exits 0).
"$vm" validate -r <(cat r.guard) -d bad.yaml -S none >out.txt 2>err.txt; rc=$?
check rules-from-process-substitution 19 "Rule = needs_user" ""
"$vm" validate -r /dev/stdin -d bad.yaml -S none <r.guard >out.txt 2>err.txt; rc=$?
check rules-from-stdin-pipe 19 "Rule = needs_user" ""
"$vm" validate -r /dev/stdin -d good.yaml -S all <r.guard >out.txt 2>err.txt; rc=$?
check rules-from-pipe-pass 0 "needs_user" ""
"$vm" test -r <(cat r.guard) -t <(printf -- '- name: t\n  input: {Resources: {A: {Properties: {}}}}\n  expectations:\n    rules:\n      needs_user: FAIL\n') >out.txt 2>err.txt; rc=$?
check test-rules-and-tests-from-pipes 0 "PASS Rules:" ""

# A really empty rules file keeps cfn-guard's answer: nothing evaluated, exit 0 (v59).
: > empty.guard
"$vm" validate -r empty.guard -d bad.yaml >out.txt 2>err.txt; rc=$?
check empty-rules-file 0 "" ""

# Packs: a newer major format version and a failed checksum are errors naming
# the pack; the other rules file is still evaluated.
"$gc" -o r.gpack r.guard >/dev/null 2>err.txt || fail "guardc could not write r.gpack"
cp r.gpack newer.gpack
printf '\x63\x00' | dd of=newer.gpack bs=1 seek=4 conv=notrunc status=none  # major 99
"$vm" validate -r newer.gpack -r other.guard -d bad.yaml -S all >out.txt 2>err.txt; rc=$?
check pack-newer-version 255 "other" "newer.gpack"
grep -qF "newer than this guardvm supports" err.txt || fail "pack-newer-version: message does not say why"
cp r.gpack corrupt.gpack
size=$(stat -c %s corrupt.gpack)
printf '\xff' | dd of=corrupt.gpack bs=1 seek=$((size - 3)) conv=notrunc status=none
"$vm" validate -r corrupt.gpack -r other.guard -d bad.yaml -S all >out.txt 2>err.txt; rc=$?
check pack-bad-checksum 255 "other" "corrupt.gpack"

# A pack without its optional debug section 15 (trace marks) still runs; the
# trace reports (--verbose, --print-json) say why they cannot be made
# instead of printing a wrong tree.
python3 - r.gpack notrace.gpack <<'PY'
import struct, sys
def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF
p = open(sys.argv[1], 'rb').read()
entries = [struct.unpack_from('<HHII', p, 32 + 12 * i) for i in range(struct.unpack_from('<I', p, 20)[0])]
keep = [e for e in entries if e[0] != 15]
assert len(keep) == len(entries) - 1, "the pack has no section 15"
out, table, body = bytearray(p[:32]), b'', b''
for sid, flags, off, length in keep:
    table += struct.pack('<HHII', sid, flags, 32 + 12 * len(keep) + len(body), length)
    body += p[off:off + length]
out += table + body
struct.pack_into('<II', out, 16, len(out), len(keep))
struct.pack_into('<I', out, 24, crc32c(bytes(out[28:]), crc32c(bytes(out[:24]))))
open(sys.argv[2], 'wb').write(out)
PY
"$vm" validate -r notrace.gpack -d bad.yaml -S none >out.txt 2>err.txt; rc=$?
check pack-without-trace-runs 19 "Rule = needs_user" ""
for mode in --verbose --print-json; do
  "$vm" validate -r notrace.gpack -d bad.yaml $mode >out.txt 2>err.txt; rc=$?
  check "pack-without-trace$mode" 255 "" "has no trace information (its optional debug section 15"
done

# A pack and a data file through pipes are read too (cfn-guard would skip
# the data file for its missing extension and evaluate nothing).
"$vm" validate -r <(cat r.gpack) -d <(cat bad.yaml) -S none >out.txt 2>err.txt; rc=$?
check pack-and-data-from-pipes 19 "Rule = needs_user" ""

# Files that cannot be read: needs a user who is refused; run as nobody
# where we are root (CI), else skip.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  cp r.guard locked.guard && chmod 000 locked.guard
  cp bad.yaml locked.yaml && chmod 000 locked.yaml
  "${as_nobody[@]}" "$vm" validate -r locked.guard -r r.guard -d bad.yaml -S none >out.txt 2>err.txt; rc=$?
  check unreadable-rules-others-evaluated 19 "Rule = needs_user" "locked.guard"
  "${as_nobody[@]}" "$vm" validate -r locked.guard -r other.guard -d bad.yaml >out.txt 2>err.txt; rc=$?
  check unreadable-rules-not-a-pass 255 "" "Permission denied"
  "${as_nobody[@]}" "$vm" validate -r r.guard -d locked.yaml -d good.yaml -S all >out.txt 2>err.txt; rc=$?
  check unreadable-data-others-evaluated 255 "good.yaml" "locked.yaml"
  "${as_nobody[@]}" "$vm" validate -r r.guard -d locked.yaml -d bad.yaml -S none >out.txt 2>err.txt; rc=$?
  check unreadable-data-with-failure 19 "Rule = needs_user" "locked.yaml"
else
  echo "skip unreadable-file checks (need root and setpriv to test as another user)"
fi

# A rules file that is not UTF-8 is refused as cfn-guard refuses it (it reads
# rules into a Rust String), and the other rules files are still evaluated.
printf "rule r0 { D.'Fn::S2\\xff' exists }\n" > notutf8.guard
printf 'Resources: {a: 1}\nD: 1\n' > d1.yaml
"$vm" validate -r notutf8.guard -r other.guard -d d1.yaml -o yaml >out.txt 2>err.txt; rc=$?
check rules-not-utf8-refused 255 "other" "stream did not contain valid UTF-8"

# Data, stdin and --payload texts that are not UTF-8 stop the run as
# cfn-guard's read does, naming the file and the first offending byte.
printf 'Resources: {a: 1}\nD: "x\xff"\n' > notutf8.yaml
"$vm" validate -r other.guard -d notutf8.yaml >out.txt 2>err.txt; rc=$?
check data-not-utf8-refused 255 "" "notutf8.yaml: stream did not contain valid UTF-8 (line 2, column 6)"
"$vm" validate -r other.guard <notutf8.yaml >out.txt 2>err.txt; rc=$?
check stdin-not-utf8-refused 255 "" "STDIN: stream did not contain valid UTF-8 (line 2, column 6)"
printf '{"rules":["rule r { a == 1 }"],"data":["a: \xff"]}' | "$vm" validate --payload >out.txt 2>err.txt; rc=$?
check payload-not-utf8-refused 255 "" "stream did not contain valid UTF-8 (line 1, column 44)"
"$vm" validate -r other.guard -d d1.yaml -i notutf8.yaml >out.txt 2>err.txt; rc=$?
check params-not-utf8-refused 255 "" "notutf8.yaml: stream did not contain valid UTF-8"

# test and parse-tree read their inputs the same way: cfn-guard's texts on
# stdout, its exit codes. parse-tree used to print an empty tree with exit 0.
printf -- '---\n- input: {D: 1}\n  expectations:\n    rules:\n      r0: PASS\n' > t.yaml
"$vm" test -r notutf8.guard -t t.yaml >out.txt 2>err.txt; rc=$?
check test-rules-not-utf8 1 "Unable to read rule file content I/O error when reading stream did not contain valid UTF-8" ""
"$vm" test -r notutf8.guard -t t.yaml -o json >out.txt 2>err.txt; rc=$?
check test-rules-not-utf8-json 0 '"error": "I/O error when reading stream did not contain valid UTF-8"' ""
printf 'rule r0 { D exists }\n' > u.guard
printf -- '---\n- input: {D: "\xff"}\n  expectations:\n    rules:\n      r0: PASS\n' > badtest.yaml
"$vm" test -r u.guard -t badtest.yaml >out.txt 2>err.txt; rc=$?
check test-data-not-utf8 1 "Error processing I/O error when reading stream did not contain valid UTF-8" ""
mkdir -p tdir/tests && cp notutf8.guard tdir/a.guard && cp t.yaml tdir/tests/a_tests.yaml
"$vm" test -d tdir >out.txt 2>err.txt; rc=$?
check test-dir-rules-not-utf8 255 "Testing Guard File tdir/a.guard" "tdir/a.guard: stream did not contain valid UTF-8 (line 1, column 20)"
"$vm" parse-tree -r notutf8.guard >out.txt 2>err.txt; rc=$?
check parse-tree-not-utf8 255 "" "notutf8.guard: stream did not contain valid UTF-8 (line 1, column 20)"
# As in cfn-guard, -o FILE is created even when the rules cannot be read.
rm -f tree.txt
"$vm" parse-tree -r missing.guard -o tree.txt >out.txt 2>err.txt; rc=$?
check parse-tree-output-created-on-read-error 255 "" "No such file or directory"
[ -f tree.txt ] || fail "parse-tree-output-created-on-read-error: tree.txt was not created"

# A report that cannot be written (a full disk) is an error with exit 255, as
# in cfn-guard, never a silent exit 0 or 19 (issue 16); guardc's listing too,
# and a pack that cannot be written leaves no file behind.
if [ -w /dev/full ]; then
  "$vm" validate -r r.guard -d bad.yaml -o json -S none >/dev/full 2>err.txt; rc=$?
  check json-report-to-full-disk 255 "" "No space left on device"
  "$vm" validate -r r.guard -d bad.yaml >/dev/full 2>err.txt; rc=$?
  check console-report-to-full-disk 255 "" "No space left on device"
  "$gc" -o r.gpack r.guard >out.txt 2>err.txt; rc=$?
  "$gc" --disasm r.gpack >/dev/full 2>err.txt; rc=$?
  check listing-to-full-disk 1 "" "No space left on device"
fi
# A pack written to a device or a FIFO goes to it, never replacing it with a
# file (as root, `guardc -o /dev/null` replaced /dev/null itself); through a
# symbolic link, the file it names is replaced and the link stays.
rm -f fifo && mkfifo fifo
timeout 20 cat fifo >from-fifo.gpack & reader=$!  # a replaced FIFO has no writer
"$gc" -o fifo r.guard >out.txt 2>err.txt; rc=$?
wait $reader
check pack-to-fifo 0 "" ""
[ -p fifo ] || fail "pack-to-fifo: the FIFO was replaced by a file"
"$vm" validate -r from-fifo.gpack -d good.yaml -S none >out.txt 2>err.txt; rc=$?
check pack-through-fifo-runs 0 "" ""
"$gc" -o /dev/stdout r.guard >stdout.gpack 2>err.txt; rc=$?
check pack-to-dev-stdout 0 "" ""
cmp -s stdout.gpack from-fifo.gpack || fail "pack-to-dev-stdout: not the same pack as through the FIFO"
"$gc" -o target.gpack other.guard >out.txt 2>err.txt
ln -sf target.gpack link.gpack
"$gc" -o link.gpack r.guard >out.txt 2>err.txt; rc=$?
check pack-through-symlink 0 "" ""
[ -L link.gpack ] || fail "pack-through-symlink: the link was replaced by a file"
cmp -s target.gpack from-fifo.gpack || fail "pack-through-symlink: the file the link names was not replaced"
ls ./*.tmp.* >/dev/null 2>&1 && fail "a temporary pack file was left behind"
# An empty path is a path that does not exist (cfn-guard's answer), not stdin
# or "no rules"; test reads its rules only from a regular file (issue 16).
"$vm" validate -r r.guard -d "" -S none >out.txt 2>err.txt </dev/null; rc=$?
check empty-data-path 255 "" 'The path `` does not exist'
"$vm" validate -r "" -d bad.yaml -S none >out.txt 2>err.txt </dev/null; rc=$?
check empty-rules-path 255 "" 'The path `` does not exist'
printf -- '---\n- name: t\n  input: {}\n  expectations:\n    rules: {}\n' > t.yaml
"$vm" test -r /dev/null -t t.yaml >out.txt 2>err.txt; rc=$?
check test-rules-from-device 255 "" "I/O error when reading invalid input parameter"

# A data file whose name is not UTF-8 is evaluated and named with U+FFFD in
# the reports (JSON and YAML must be UTF-8); a directory too deep to list
# (its path longer than PATH_MAX) is an error naming it, not skipped.
mkdir -p names && cp bad.yaml "names/$(printf 'bad\xff')".yaml
"$vm" validate -r r.guard -d names -o json -S none >out.txt 2>err.txt; rc=$?
check non-utf8-name-json 19 "bad$(printf '\xef\xbf\xbd').yaml" ""
"$vm" validate -r r.guard -d names -o yaml -S none >out.txt 2>err.txt; rc=$?
check non-utf8-name-yaml 19 "status: FAIL" ""
long=$(printf 'd%.0s' $(seq 1 250))
( mkdir -p deep && cd deep && for i in $(seq 1 18); do mkdir "$long" && cd "$long" || exit 1; done && cp ../../../bad.yaml x.yaml 2>/dev/null; true )
"$vm" validate -r r.guard -d deep -S none >out.txt 2>err.txt; rc=$?
check path-longer-than-path-max 255 "" "File name too long"

# Data nested deeper than the loader's limit: cfn-guard's parse-error text,
# then the file, line, column and the limit in guardvm's words.
python3 -c 'print("{\"a\":" * 600 + "1" + "}" * 600)' > deep.json
"$vm" validate -r r.guard -d deep.json -S none >out.txt 2>err.txt; rc=$?
check data-nested-too-deep 255 "" "deep.json:1:2561: documents nested deeper than 512 levels"

# Rules errors keep cfn-guard's wording and say what is wrong: an unterminated
# custom message (cfn-guard's explanation), rules nested past guardvm's limit.
printf 'rule r {\n  Resources exists <<no end\n}\n' > msg.guard
"$vm" validate -r msg.guard -d bad.yaml >out.txt 2>err.txt; rc=$?
check unterminated-message 5 "" "when handling Unable to find a closing >> tag for message, fragment no end"
python3 -c 'print("rule r {\n" + "A[ " * 300 + "B exists" + " ]" * 300 + " !empty\n}")' > nest.guard
"$vm" validate -r nest.guard -d bad.yaml >out.txt 2>err.txt; rc=$?
check rules-nested-too-deeply 5 "" "when handling rules nested too deeply (more than 256 levels"

# Endless streams are bounded while they are read (issue 16): an error naming
# the input and the limit, not a read until memory runs out.
"$vm" validate -r r.guard -d /dev/zero -S none >out.txt 2>err.txt; rc=$?
check data-from-endless-device 255 "" "larger than the limit of 256 MiB"
"$vm" validate -r /dev/zero -d bad.yaml -S none >out.txt 2>err.txt; rc=$?
check rules-from-endless-device 255 "" "larger than the limit of 64 MiB"
"$vm" validate -r r.guard -S none </dev/zero >out.txt 2>err.txt; rc=$?
check data-from-endless-stdin 255 "" "I/O error when reading STDIN: input is larger than the limit"
mkdir -p ro && chmod 555 ro
"$gc" -o ro/r.gpack r.guard >out.txt 2>err.txt; rc=$?
if [ "$(id -u)" != 0 ]; then check pack-to-read-only-dir 1 "" "cannot write ro/r.gpack"; fi
[ ! -e ro/r.gpack.tmp ] || fail "pack-to-read-only-dir: a temporary file was left behind"

if [ "$fails" -ne 0 ]; then
  echo "$fails check(s) failed"
  exit 1
fi
echo "all no-silent-pass checks passed"
