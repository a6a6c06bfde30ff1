#!/bin/sh
# ctest pre_answer_registry: every registry rules file × every registry test
# input and generated templates, evaluated with and without the pre-answer
# (tests/pre_answer_test.cpp, PreAnswerRegistry.BothWaysAgree), which must
# agree on statuses, records and every report. Templates come from
# ../shared/tools/gen-template (fixed seeds, cached in WORKDIR): 120 of
# 5–40 resources like W7's, YAML and JSON alternating, and 20 of one type.
# Usage: pre_answer_registry.sh TEST_BINARY REGISTRY_DIR SHARED_DIR WORKDIR
set -eu
bin=$1 registry=$2 shared=$3 work=$4
gen=$shared/tools/gen-template
[ -d "$registry/rules" ] || { echo "no registry at $registry"; exit 77; }
[ -x "$gen" ] || { echo "no gen-template at $gen"; exit 77; }
mkdir -p "$work"
i=0
while [ $i -lt 120 ]; do
  n=$((5 + (i * 7) % 36))
  if [ $((i % 2)) -eq 0 ]; then fmt=yaml; else fmt=json; fi
  out=$work/t$i.$fmt
  if [ ! -s "$out" ]; then "$gen" -n $n -s $((7000 + i)) -f $fmt -o "$out.tmp" && mv -f "$out.tmp" "$out"; fi
  i=$((i + 1))
done
for t in AWS::S3::Bucket AWS::SNS::Topic AWS::Lambda::Function AWS::EC2::Instance; do
  for s in 1 2 3 4 5; do
    out=$work/only-$(echo $t | tr -d :)-$s.yaml
    if [ ! -s "$out" ]; then "$gen" -n $((s * 3)) -s $s --only $t -o "$out.tmp" && mv -f "$out.tmp" "$out"; fi
  done
done
GUARD_PRE_ANSWER_RULES=$registry/rules GUARD_PRE_ANSWER_TEMPLATES=$work \
  exec "$bin" --gtest_filter='PreAnswerRegistry.*'
