#!/usr/bin/env bash
# Runs the shared conformance suite against the built guardvm.
#   run-conformance.sh GUARDVM SHARED_DIR cases|registry [--level N]
#   run-conformance.sh GUARDVM SHARED_DIR dir FOLDER [--level N]   (a folder of case dirs)
# Exits 77 (ctest: skipped) when ../shared is not there, or FOLDER holds no case;
# non-zero when any case fails.
set -u
vm="$1"; shared="$2"; corpus="$3"; shift 3
tool="$shared/tools/conformance"
if [ ! -x "$tool" ]; then
  echo "skipped: $tool not found"
  exit 77
fi
if [ "$corpus" = dir ]; then
  folder="$1"; shift
  if [ -z "$(find "$folder" -name expected.json -print -quit 2>/dev/null)" ]; then
    echo "skipped: no case folder in $folder"
    exit 77
  fi
  out=$("$tool" --guardvm "$vm" -j 2 "$@" cases "$folder" 2>&1)
elif [ "$corpus" = cases ]; then
  out=$("$tool" --guardvm "$vm" -j 2 "$@" cases "$shared/conformance/cases" 2>&1)
else
  out=$("$tool" --guardvm "$vm" -j 2 "$@" registry 2>&1)
fi
rc=$?
echo "$out" | tail -n 40
last=$(echo "$out" | tail -n 1)
case "$last" in
  *" 0 failed"*) exit 0 ;;
esac
[ $rc -ne 0 ] && exit $rc
exit 1
