#!/usr/bin/env bash
# The seed example end to end against cfn-guard 3.1.1's golden outputs
# (../shared/spec/golden v01 and v06): guardvm run on the .guard source and
# on a compiled .gpack must both give the golden stdout and exit code, after
# the normalisation of spec/cli-and-reports.md §12.2.
#   run-seed.sh GUARDVM GUARDC SHARED_DIR
set -u
vm="$1"; guardc="$2"; shared="$3"
golden="$shared/spec/golden"
[ -d "$golden" ] || { echo "skipped: $golden not found"; exit 77; }
fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

check() {  # check CASE RULES_ARG EXTRA_ARGS...
  local case="$1" rules="$2"; shift 2
  local dir="$work/$case"
  rm -rf "$dir"; mkdir -p "$dir"
  cp "$golden/$case"/*.yml "$golden/$case"/*.guard "$dir/"
  local real; real=$(cd "$dir" && pwd -P)
  (cd "$dir" && "$vm" validate --data ./*.yml --rules "$rules" "$@" >stdout 2>stderr; echo $? >exit)
  local token="${real#/}"
  sed "s#$token#CASE#g" "$dir/stdout" >"$dir/stdout.norm"
  if ! cmp -s "$dir/stdout.norm" "$golden/$case/stdout"; then
    echo "FAIL $case (rules $rules): stdout differs"; diff "$golden/$case/stdout" "$dir/stdout.norm" | head -20
    fail=1
  fi
  if [ "$(cat "$dir/exit")" != "$(cat "$golden/$case/exit")" ]; then
    echo "FAIL $case (rules $rules): exit $(cat "$dir/exit"), expected $(cat "$golden/$case/exit")"
    fail=1
  fi
}

pack="$work/seed.gpack"
"$guardc" -o "$pack" "$golden/v01-seed-console/no-root-for-tasks.guard" || { echo "guardc failed"; exit 1; }
for case in v01-seed-console; do
  check "$case" .
  check "$case" "$pack"
done
for case in v06-seed-json; do
  check "$case" . --output-format json
  check "$case" "$pack" --output-format json
done
[ $fail -eq 0 ] && echo "seed: all outputs match the goldens"
exit $fail
