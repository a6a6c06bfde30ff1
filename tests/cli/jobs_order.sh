#!/usr/bin/env bash
# validate -j N writes what -j 1 writes, in the same order and with the same
# exit code: reports per (rules file, data file) pair in rules-file order,
# parse errors and unreadable files where they fall, several pairs on one data
# file (which never run at once), and reports big enough to be streamed. Self-contained; called by ctest:
#   jobs_order.sh GUARDVM
. "$(dirname "$(readlink -f "$0")")/common.sh"

mkdir rules data
for i in 1 2 3 4; do
  printf "rule r$i {\n  Resources.*[ Type == 'T$i' ].Properties.X == 1\n}\nrule s$i { Resources exists }\n" > rules/r$i.guard
done
printf "rule broken {\n  Resources.*[ Type == \n" > rules/r2b.guard   # a parse error between r2 and r3
for d in 1 2 3 4 5 6; do
  { echo "Resources:"; for k in $(seq 1 $((d * 30))); do echo "  R$k: {Type: T$(( k % 5 )), Properties: {X: $(( k % 3 ))}}"; done; } > data/d$d.yaml
done

for args in "" "-o json" "-S all" "--show-summary pass,fail -o yaml"; do
  "$vm" validate -r rules -d data $args -j 1 >seq.txt 2>&1; rc1=$?
  for j in 2 3 8; do
    "$vm" validate -r rules -d data $args -j $j >par.txt 2>&1; rc2=$?
    if [ "$rc1" = "$rc2" ] && cmp -s seq.txt par.txt; then echo "ok   -j $j $args"; else
      echo "FAIL -j $j $args: exit $rc2 vs $rc1"; diff seq.txt par.txt | head -10; fails=$((fails + 1)); fi
  done
done
# One data file, many rules files: the pairs share a Document.
"$vm" validate -r rules -d data/d6.yaml -j 1 >seq.txt 2>&1; rc1=$?
"$vm" validate -r rules -d data/d6.yaml -j 4 >par.txt 2>&1; rc2=$?
if [ "$rc1" = "$rc2" ] && cmp -s seq.txt par.txt; then echo "ok   one data file"; else
  echo "FAIL one data file"; fails=$((fails + 1)); fi
grep -q "Parsing error handling rule file" seq.txt || { echo "FAIL the parse error is not reported"; fails=$((fails + 1)); }

# Reports of more than a megabyte: the pair whose turn it is writes straight
# to stdout as it renders, the others hold their text until their turn.
mkdir big bigrules
printf "rule big { Resources.*.Properties.X == 1 }\n" > bigrules/a.guard
printf "rule other { Resources.*.Properties.X != /v/ }\n" > bigrules/b.guard
long=$(printf 'v%.0s' $(seq 1 200))
for d in 1 2 3; do
  { echo "Resources:"; for k in $(seq 1 2500); do echo "  R$d$k: {Type: T, Properties: {X: $long$k}}"; done; } > big/b$d.yaml
done
for args in "-o json" "-S none" "-o yaml"; do
  "$vm" validate -r bigrules -d big $args -j 1 >seq.txt 2>&1; rc1=$?
  [ "$(wc -c <seq.txt)" -gt 6000000 ] || { echo "FAIL big reports are too small to stream: $args"; fails=$((fails + 1)); }
  for j in 2 3; do
    "$vm" validate -r bigrules -d big $args -j $j >par.txt 2>&1; rc2=$?
    if [ "$rc1" = "$rc2" ] && cmp -s seq.txt par.txt; then echo "ok   big -j $j $args"; else
      echo "FAIL big -j $j $args: exit $rc2 vs $rc1"; fails=$((fails + 1)); fi
  done
done

[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"
