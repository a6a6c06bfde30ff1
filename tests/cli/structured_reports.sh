#!/usr/bin/env bash
# --structured reports (JSON, YAML, SARIF, JUnit) are written after every rules
# file has been evaluated, so the values they point at must outlive each
# evaluation: the keys a keys filter left out live in the evaluation's scratch
# document. They used to be freed first (garbage paths and values, SARIF line
# numbers that changed from run to run, a crash on large templates). The
# expected texts are cfn-guard 3.1.1's. Self-contained; called by ctest:
#   structured_reports.sh GUARDVM
. "$(dirname "$(readlink -f "$0")")/common.sh"

printf "rule only_a {\n  Resources[ keys == 'A' ] !empty\n}\n" > a.guard
printf "rule b { Resources exists }\n" > b.guard
printf 'Resources:\n  B:\n    Type: T\n  C:\n    Type: U\n' > d.yaml

# expect NAME FILE TEXT: FILE holds TEXT (a whole line, leading blanks ignored).
expect() {
  if sed 's/^ *//' "$2" | grep -qxF -- "$3"; then echo "ok   $1"; else
    echo "FAIL $1: no line '$3' in"; sed 's/^/    /' "$2" | head -80; fails=$((fails + 1)); fi
}

"$vm" validate -r a.guard -r b.guard -d d.yaml -o json --structured -S none >out.json 2>err.txt
expect json-from-path out.json '"path": "/Resources",'
expect json-from-value out.json '"value": "B"'
expect json-second-key out.json '"value": "C"'
"$vm" validate -r a.guard -r b.guard -d d.yaml -o yaml --structured -S none >out.yaml 2>err.txt
expect yaml-from-value out.yaml 'value: B'
"$vm" validate -r a.guard -r b.guard -d d.yaml -o sarif --structured -S none >out.sarif 2>err.txt
expect sarif-line out.sarif '"startLine": 1,'
expect sarif-column out.sarif '"startColumn": 1'
"$vm" validate -r a.guard -r b.guard -d d.yaml -o sarif --structured -S none >again.sarif 2>err.txt
if cmp -s out.sarif again.sarif; then echo "ok   sarif-repeatable"; else echo "FAIL sarif-repeatable"; fails=$((fails + 1)); fi

[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"
