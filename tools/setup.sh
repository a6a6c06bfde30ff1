#!/usr/bin/env bash
# One-step set-up for a fresh Debian 12 machine (run as root):
#   tools/setup.sh demo   install what is missing, build guardvm, guardc and libguardvm
#                         only, build the rule bundles (rules/, the registry's rule sets
#                         when ../shared has it, Control Tower's controls from npm:
#                         docs/bundles.md), install libguardvm and the
#                         Python package (`import guardvm`) under /usr/local, and validate
#                         the bundled seed example
#   tools/setup.sh test   install what is missing, build, install everything under
#                         /usr/local (GUARD_INSTALL=0 skips it), and run every test
#                         (ctest); then, as root, make the Debian package, dpkg -i it,
#                         check the installed programs and dpkg -r it (GUARD_CI_DEB=0
#                         skips it); then build the `asan` preset (ASan + UBSan, build-asan/)
#                         and run every test there too (GUARD_CI_ASAN=0 skips it); then
#                         the C API's tests under ThreadSanitizer (the `tsan` preset,
#                         GUARD_CI_TSAN=0 skips it); then the fuzz smoke: each libFuzzer
#                         target for GUARD_FUZZ_SECONDS (15) and a replay of every saved
#                         reproducer (GUARD_CI_FUZZ=0 skips it)
# .ci/run calls `tools/setup.sh test`. docs/reliability.md has the timings.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-demo}"
build="${GUARD_BUILD_DIR:-build}"

bash tools/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
# Rule bundles (docs/bundles.md): one per rule set of the AWS Guard Rules
# Registry when its checkout is beside us (../shared/corpus/registry), and
# AWS Control Tower's proactive controls from the npm package (pinned,
# checksum verified; skipped with a note when the registry is unreachable).
bundle_args=()
if [ -d ../shared/corpus/registry/mappings ]; then
  bundle_args+=("-DGUARD_REGISTRY_DIR=$(cd ../shared/corpus/registry && pwd)")
fi
case "$build" in /*) build_abs=$build ;; *) build_abs=$PWD/$build ;; esac
set +e
ct_dir=$(python3 tools/fetch-control-tower.py "$build_abs/control-tower")
ct_rc=$?
set -e
case $ct_rc in
  0) bundle_args+=("-DGUARD_CONTROL_TOWER_DIR=$ct_dir") ;;
  3) bundle_args+=("-DGUARD_CONTROL_TOWER_DIR=") ;;  # unreachable: said on stderr; built without it
  *) echo "tools/fetch-control-tower.py failed (exit $ct_rc)" >&2; exit 1 ;;
esac
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release "${bundle_args[@]}"
if [ "$mode" = demo ]; then
  # Only what the demo runs and installs: the two programs, the rule bundles
  # and libguardvm (no test suite).
  cmake --build "$build" -j "$jobs" --target guardvm guardc rule_packs guardvm_c
  install_args=(--component library)
else
  cmake --build "$build" -j "$jobs"
  install_args=()
fi
# cmake --install under /usr/local (lib/python3.N/dist-packages is on Debian's
# python3 path): `import guardvm` and `python3 -m guardvm.fleet` work from here on.
if [ "${GUARD_INSTALL:-1}" != 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO cmake --install "$build" "${install_args[@]}" >/dev/null
  $SUDO ldconfig 2>/dev/null || true
  echo "== installed under /usr/local (cmake --install $build ${install_args[*]})"
fi

case "$mode" in
  demo)
    echo "== guardvm validate on the seed example (rules/examples/seed), with the shipped bundle"
    set +e
    "$build/guardvm" validate --data rules/examples/seed/*.yml --rules "$build/bundles/shipped.gpack" --show-summary all
    rc=$?
    set -e
    echo "== exit code $rc (19: a rule failed, as cfn-guard reports for bad-task-defs.yml)"
    ;;
  test)
    ctest --test-dir "$build" --output-on-failure -j "$jobs"
    if [ "${GUARD_CI_DEB:-1}" != 0 ] && [ "$(id -u)" -eq 0 ]; then
      echo "== the Debian package: cpack -G DEB, dpkg -i, the installed programs, dpkg -r"
      bash tests/cli/debian_package.sh "$build"
    fi
    if [ "${GUARD_CI_ASAN:-1}" != 0 ]; then
      echo "== the whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/)"
      cmake --preset asan >/dev/null
      cmake --build --preset asan -j "$jobs"
      # ASan frames are 2-3x larger than release ones: the interpreter's
      # trace-mode frame alone is ~6 KB, so the 1,000-level call-depth test
      # needs more than the default 8 MB stack (docs/reliability.md, Limits).
      (ulimit -s 16384 2>/dev/null || true
       ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
         ctest --test-dir build-asan --output-on-failure -j "$jobs")
    fi
    if [ "${GUARD_CI_TSAN:-1}" != 0 ]; then
      echo "== the C API's tests under ThreadSanitizer (build-tsan/: one pack, many threads)"
      cmake --preset tsan >/dev/null
      cmake --build --preset tsan -j "$jobs"
      ctest --preset tsan -j "$jobs"
    fi
    if [ "${GUARD_CI_FUZZ:-1}" != 0 ]; then
      echo "== fuzz smoke: each libFuzzer target briefly, then every saved reproducer"
      bash tools/fuzz.sh smoke "${GUARD_FUZZ_SECONDS:-15}"
    fi
    ;;
  *)
    echo "usage: tools/setup.sh demo|test" >&2
    exit 2
    ;;
esac
