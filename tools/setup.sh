#!/usr/bin/env bash
# One-step set-up for a fresh Debian 12 machine (run as root):
#   tools/setup.sh demo   install what is missing, build, compile rules/ into
#                         packs, and validate the bundled seed example
#   tools/setup.sh test   install what is missing, build, and run every test (ctest)
# .ci/run calls `tools/setup.sh test`.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-demo}"
build="${GUARD_BUILD_DIR:-build}"

bash tools/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j "$jobs"

case "$mode" in
  demo)
    echo "== guardvm validate on the seed example (rules/examples/seed), with the shipped pack"
    set +e
    "$build/guardvm" validate --data rules/examples/seed/*.yml --rules "$build/rules/shipped.gpack" --show-summary all
    rc=$?
    set -e
    echo "== exit code $rc (19: a rule failed, as cfn-guard reports for bad-task-defs.yml)"
    ;;
  test)
    ctest --test-dir "$build" --output-on-failure -j "$jobs"
    ;;
  *)
    echo "usage: tools/setup.sh demo|test" >&2
    exit 2
    ;;
esac
