#!/usr/bin/env bash
# Builds and runs the libFuzzer targets of tests/fuzz/ (clang-14,
# -fsanitize=fuzzer,address,undefined, in build-fuzz/). Called by hand and by
# tools/setup.sh (test mode, `smoke`). docs/reliability.md records the runs.
#
#   tools/fuzz.sh build                 configure + build the targets
#   tools/fuzz.sh seed                  (re)make the seed corpora in build-fuzz/seeds/
#   tools/fuzz.sh smoke [SECONDS]       each target for SECONDS (default 20), then replay
#   tools/fuzz.sh replay                run every saved reproducer in tests/fuzz/regressions/
#   tools/fuzz.sh run TARGET SECONDS [JOBS]   a long run (no rebuild: run `build` first);
#                                       corpus kept in build-fuzz/corpus/TARGET; it stops
#                                       early after GUARD_FUZZ_RUNS executions if that is set
#   tools/fuzz.sh campaign LOGDIR TARGET:RUNS...   runs the targets one after the other, each
#                                       until RUNS executions, logging to LOGDIR/TARGET.log
#                                       (start one campaign per core; `build` first)
#   tools/fuzz.sh count LOGDIR          executions each log shows so far, with the target's
#                                       fingerprint now and when its run started
#   tools/fuzz.sh fingerprint [TARGET] [COMMIT]   per target, a hash of the code it reaches
#                                       (target_paths, as committed): counts of runs of a
#                                       target on the same fingerprint add up across sessions
#
# Targets: rules yaml json pack pack_resealed pack_struct e2e regex reports bundle (executables
# <target>_fuzz; the two pack_* targets mutate packs past their checksum).
# A crash leaves crash-*/leak-*/timeout-* in build-fuzz/artifacts/TARGET/; after fixing
# it, copy the file to tests/fuzz/regressions/TARGET/ so replay keeps checking it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bdir="${GUARD_FUZZ_BUILD_DIR:-build-fuzz}"
targets=(rules yaml json pack pack_resealed pack_struct e2e regex reports bundle)
shared="${GUARD_SHARED:-$root/../shared}"
# Leaks are checked; a single input may take at most 10 s (a hang is a bug too).
# libFuzzer's timeout is wall-clock time: long runs at low priority on a busy
# machine set GUARD_FUZZ_TIMEOUT higher so that a starved process is not
# reported as a hang (replay such a timeout to see whether it is real).
# Leaks are still checked; short allocation stacks, a small quarantine and no
# release of freed memory to the kernel (madvise with a TLB shoot-down to every
# vCPU) took each target from ~400 to ~1,700-2,000 executions/s (docs/reliability.md).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1:malloc_context_size=3:quarantine_size_mb=16:allocator_release_to_os_interval_ms=-1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# -reload=0: each campaign is one process per corpus, so re-listing the corpus
# directory every second (libFuzzer's default, for runs that share one) only
# costs: perf put RereadOutputCorpus at 11% of the regex target's time.
fuzz_flags=(-timeout="${GUARD_FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 -reload=0)

build() {
  if [[ ! -f "$bdir/CMakeCache.txt" ]]; then
    local launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
    CC=clang-14 CXX=clang++-14 cmake -S . -B "$bdir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DGUARD_FUZZ=ON -DBUILD_TESTING=OFF "${launcher[@]}" >/dev/null
  fi
  local t list=()
  for t in "${targets[@]}"; do list+=("${t}_fuzz"); done
  cmake --build "$bdir" -j "$(nproc 2>/dev/null || echo 2)" --target guardc "${list[@]}"
}

# Copies every file of `find` results into dir $1, named by content hash (dedups).
collect() {
  local dir=$1 f
  mkdir -p "$dir"
  while IFS= read -r -d '' f; do
    cp "$f" "$dir/$(sha1sum "$f" | cut -c1-16)"
  done
}

# Seeds: conformance rules and data, shipped rules, guardc packs of each rules
# file, and rules/data pairs for the end-to-end target.
seed() {
  local s="$bdir/seeds" cases="$shared/conformance/cases"
  rm -rf "$s"; mkdir -p "$s"/{rules,yaml,json,pack,pack_resealed,pack_struct,e2e,regex,reports,bundle}
  find rules -name '*.guard' -print0 | collect "$s/rules"
  find rules -name '*.yml' -print0 | collect "$s/yaml"
  if [[ -d "$cases" ]]; then
    find "$cases" -name rules.guard -print0 | collect "$s/rules"
    find "$cases" \( -name 'data*.yaml' -o -name 'data*.yml' \) -print0 | collect "$s/yaml"
    find "$cases" -name 'data*.json' -print0 | collect "$s/json"
    local dir data i=0
    for dir in "$cases"/*/*/; do
      data=$(ls "$dir"data.* 2>/dev/null | head -1 || true)
      [[ -f "$dir/rules.guard" && -n "$data" ]] || continue
      { cat "$dir/rules.guard"; printf '\n---8<---\n'; cat "$data"; } >"$s/e2e/case$i"
      cp "$s/e2e/case$i" "$s/reports/case$i"  # the report writers take the same inputs
      i=$((i + 1))
    done
    # Regex seeds: each regex literal of the conformance rules, with a subject line.
    grep -rhoE "/[^/ ]([^/]|\\\\/)*/" --include=rules.guard "$cases" 2>/dev/null | sort -u |
      head -400 | while IFS= read -r lit; do
        printf '%s\narn:aws:s3:::my-bucket/Path_1 ami-0123abcd 10.0.0.0/16 Ünïcödé\n' \
          "${lit:1:${#lit}-2}" >"$s/regex/$(printf '%s' "$lit" | sha1sum | cut -c1-16)"
      done
  fi
  local g
  for g in "$s"/rules/*; do
    "$bdir/guardc" -o "$s/pack/$(basename "$g").gpack" "$g" >/dev/null 2>&1 || true
  done
  cp "$s"/pack/* "$s/pack_resealed/" 2>/dev/null || true
  cp "$s"/pack/* "$s/pack_struct/" 2>/dev/null || true
  printf '(?<=a)b\nab\n' >"$s/regex/lookbehind"
  printf '(a+)+$\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n' >"$s/regex/redos"
  printf '(\\w+)\\s\\1\nhello hello world\n' >"$s/regex/backref"
  local t
  for t in "${targets[@]}"; do echo "seeds/$t: $(ls "$s/$t" | wc -l) files"; done
}

# Runs target $1 for $2 seconds with $3 parallel jobs, growing build-fuzz/corpus/$1.
run() {
  local t=$1 secs=$2 jobs=${3:-1}
  local corpus="$bdir/corpus/$t" art="$bdir/artifacts/$t" exe="$bdir/tests/fuzz/${t}_fuzz"
  [[ -x "$exe" ]] || { echo "no target $exe (tools/fuzz.sh build)" >&2; exit 2; }
  [[ -d "$bdir/seeds/$t" ]] || seed >/dev/null
  mkdir -p "$corpus" "$art"
  local extra=()
  [[ -d "tests/fuzz/regressions/$t" ]] && extra+=("tests/fuzz/regressions/$t")
  local args=("${fuzz_flags[@]}" -max_total_time="$secs" -artifact_prefix="$art/")
  if ((jobs > 1)); then args+=(-fork="$jobs" -ignore_crashes=0); fi
  if [[ -n "${GUARD_FUZZ_RUNS:-}" ]]; then args+=(-runs="$GUARD_FUZZ_RUNS"); fi
  "$exe" "${args[@]}" "$corpus" "$bdir/seeds/$t" "${extra[@]}"
}

# Replays every saved reproducer (each must now run clean).
replay() {
  local t dir n=0
  for t in "${targets[@]}"; do
    dir="tests/fuzz/regressions/$t"
    [[ -d "$dir" ]] || continue
    local files=("$dir"/*)
    [[ -e "${files[0]}" ]] || continue
    "$bdir/tests/fuzz/${t}_fuzz" "${fuzz_flags[@]}" "${files[@]}" >"$bdir/replay-$t.log" 2>&1 ||
      { echo "replay $t FAILED (see $bdir/replay-$t.log)" >&2; tail -30 "$bdir/replay-$t.log" >&2; exit 1; }
    n=$((n + ${#files[@]}))
  done
  echo "replayed $n saved reproducers: clean"
}

# The committed trees of the directories the targets are built from.
# The code a target reaches: the pipeline stages it runs, its own source and
# the test headers it includes (as committed at COMMIT, default HEAD). The
# json, yaml and regex targets run only runtime/; the pack targets read,
# verify, run and report packs (no compiler); the others compile rules too.
# Build flags (CMakeLists.txt) are not included.
target_paths() {
  local t=$1 paths=(runtime)
  case "$t" in
    json|yaml|regex) ;;
    pack|pack_resealed|pack_struct) paths+=(vm report) ;;
    rules|e2e|reports|bundle) paths+=(compiler vm report) ;;
    *) echo "unknown fuzz target $t" >&2; return 2 ;;
  esac
  paths+=("tests/fuzz/${t}_fuzz.cpp" tests/fuzz/fuzz_common.h tests/fuzz/CMakeLists.txt tests/exercise_program.h)
  case "$t" in
    pack_resealed|pack_struct) paths+=(tests/pack_mutators.h) ;;
    bundle) paths+=(tests/bundle_testkit.h) ;;
  esac
  printf '%s\n' "${paths[@]}"
}

# fingerprint TARGET [COMMIT]: a hash of what target_paths names. Counts of
# runs of one target add up across sessions while its fingerprint holds.
target_fingerprint() {
  local t=$1 commit=${2:-HEAD} path revs=()
  target_paths "$t" >/dev/null || return 2
  while IFS= read -r path; do revs+=("$commit:$path"); done < <(target_paths "$t")
  git rev-parse "${revs[@]}" | sha256sum | cut -c1-16
}

# Every target's fingerprint, one "TARGET HASH" line each.
fingerprint() {
  local t commit=${1:-HEAD}
  git rev-parse -q --verify "$commit^{commit}" >/dev/null || { echo "no commit or target named $commit" >&2; return 2; }
  for t in "${targets[@]}"; do echo "$t $(target_fingerprint "$t" "$commit")"; done
}

# Runs each TARGET:RUNS of "$@" in turn; the log of each keeps libFuzzer's
# progress lines, so `count` can read how far a run got if it is stopped.
campaign() {
  local logs=$1 spec t n
  shift
  mkdir -p "$logs"
  # With the kernel's autogroups, nice ranks processes only within their
  # session's group: a campaign at nice 19 started with setsid still took a
  # full core from a build in another session (seen here). The group gets
  # the campaign's nice value too.
  echo "$(nice)" >"/proc/$$/autogroup" 2>/dev/null || true
  echo "campaign at $(git rev-parse --short HEAD) $(date -u +%FT%TZ)" >>"$logs/campaign.log"
  for spec in "$@"; do
    t=${spec%%:*} n=${spec#*:}
    echo "start $t $n fingerprint $(target_fingerprint "$t") $(date -u +%FT%TZ)" >>"$logs/campaign.log"
    GUARD_FUZZ_RUNS=$n run "$t" 360000 >"$logs/$t.log" 2>&1 || echo "FAILED $t (see $logs/$t.log)" >>"$logs/campaign.log"
    echo "end $t $(date -u +%FT%TZ)" >>"$logs/campaign.log"
  done
}

# Executions per target log of LOGDIR: the final count when the run ended,
# else the last progress line ("#N").
count() {
  local logs=$1 f n t
  for f in "$logs"/*.log; do
    [[ $(basename "$f") == campaign.log ]] && continue
    # (|| true: a log without the line is a run still going, not a failure)
    n=$(grep -E '^stat::number_of_executed_units' "$f" | tail -1 | awk '{print $2}' || true)
    [[ -n "$n" ]] || n="$({ grep -oE '^#[0-9]+' "$f" || true; } | tail -1 | tr -d '#') (running or stopped)"
    t=$(basename "$f" .log)
    echo "$t $n (fingerprint now $(target_fingerprint "$t"); the run's: $(grep -oE "^start $t .* fingerprint [0-9a-f]+" "$logs/campaign.log" | tail -1 | awk '{print $NF}'))"
  done
  ls "$bdir"/artifacts/*/ 2>/dev/null | grep -E 'crash|leak|timeout|oom' || echo "no findings in $bdir/artifacts"
}

smoke() {
  local secs=${1:-20} t
  for t in "${targets[@]}"; do
    echo "== smoke $t (${secs}s)"
    run "$t" "$secs" >"$bdir/smoke-$t.log" 2>&1 ||
      { echo "smoke $t FAILED (see $bdir/smoke-$t.log)" >&2; tail -40 "$bdir/smoke-$t.log" >&2; exit 1; }
    grep -E '^stat::number_of_executed_units' "$bdir/smoke-$t.log" || true
  done
  replay
}

mode="${1:-smoke}"
case "$mode" in
  build) build ;;
  seed) seed ;;
  smoke) build >/dev/null; seed >/dev/null; smoke "${2:-20}" ;;
  replay) build >/dev/null; replay ;;
  run)
    # No rebuild here, so that several runs can start side by side (`build` first).
    [[ $# -ge 3 ]] || { echo "usage: tools/fuzz.sh run TARGET SECONDS [JOBS]" >&2; exit 2; }
    run "$2" "$3" "${4:-1}" ;;
  campaign)
    [[ $# -ge 3 ]] || { echo "usage: tools/fuzz.sh campaign LOGDIR TARGET:RUNS..." >&2; exit 2; }
    shift; campaign "$@" ;;
  count) [[ $# -eq 2 ]] || { echo "usage: tools/fuzz.sh count LOGDIR" >&2; exit 2; }; count "$2" ;;
  fingerprint)
    if [[ $# -ge 2 && " ${targets[*]} " == *" $2 "* ]]; then target_fingerprint "$2" "${3:-HEAD}"; else fingerprint "${2:-HEAD}"; fi ;;
  *) echo "usage: tools/fuzz.sh build|seed|smoke [SECONDS]|replay|run TARGET SECONDS [JOBS]|campaign LOGDIR TARGET:RUNS...|count LOGDIR|fingerprint [TARGET] [COMMIT]" >&2; exit 2 ;;
esac
