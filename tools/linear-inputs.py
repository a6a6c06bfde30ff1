#!/usr/bin/env python3
"""Inputs whose cost used to grow faster than their size (issue 16), run through guardvm.

Each case is generated here (standard library only), run once with the wall-clock time and
peak memory measured (resource.getrusage of a wrapper process around each run), and
printed as a table. With --limit SECONDS the script fails when a case takes longer, or
when its peak memory is over its bound (ctest runs it with a time limit far above the
measured times, as a hang check, not as a benchmark; docs/performance.md has the figures
from a plain run). Cases:

  list-one-line      a rules file whose 300,000-item list literal is on one line
  map-literal        a 40,000-key map literal
  rules-one-line     20,000 rules on one line
  console-40k        the console report of 40,000 failing resources
  json-40k           the JSON report of the same (the baseline the console is compared with)
  sarif-z-40k        `--structured -o sarif` of the same: its peak memory may be at most
                     MEMORY_RATIO times json-40k's (a tree of the whole SARIF document made it
                     3.6 times; issue 16)
  json-z-40k         `--structured -o json` of the same (the same bound)
  params-1k          1,000 --input-params files of one key each (a directory)
  params-10k         10,000 of them: its peak memory may be at most PARAMS_RATIO times
                     params-1k's (merging them one by one copied the merged map each time:
                     ~2.4 GB and ~10 s; issue 16)

usage: linear-inputs.py GUARDVM [--limit SECONDS] [--work DIR]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def make_inputs(d):
    small = os.path.join(d, "small.yaml")
    write(small, "Resources:\n  A: {Type: T}\n")
    items = ",".join(str(i) for i in range(300000))
    write(os.path.join(d, "list.guard"), "let l = [%s]\nrule r { Resources exists\n %%l !empty }\n" % items)
    pairs = ", ".join('"k%d": %d' % (i, i) for i in range(40000))
    write(os.path.join(d, "map.guard"), "let m = {%s}\nrule r { Resources exists\n %%m !empty }\n" % pairs)
    write(os.path.join(d, "rules.guard"), " ".join("rule r%d { Resources exists }" % i for i in range(20000)) + "\n")
    resources = {"R%d" % i: {"Type": "AWS::S3::Bucket", "Properties": {"A": 1}} for i in range(40000)}
    write(os.path.join(d, "t40k.json"), json.dumps({"Resources": resources}))
    write(os.path.join(d, "fail.guard"), "rule r { Resources.*.Properties.B exists }\n")
    for n in (1000, 10000):
        folder = os.path.join(d, "params-%d" % n)
        os.makedirs(folder, exist_ok=True)
        for i in range(n):
            write(os.path.join(folder, "p%d.yaml" % i), "k%d: %d\n" % (i, i))
    write(os.path.join(d, "param.guard"), "rule r { k1 == 1 }\n")
    j = lambda name: os.path.join(d, name)
    return [
        ("list-one-line", ["-r", j("list.guard"), "-d", small, "-S", "none"]),
        ("map-literal", ["-r", j("map.guard"), "-d", small, "-S", "none"]),
        ("rules-one-line", ["-r", j("rules.guard"), "-d", small, "-S", "none"]),
        ("console-40k", ["-r", j("fail.guard"), "-d", j("t40k.json")]),
        ("json-40k", ["-r", j("fail.guard"), "-d", j("t40k.json"), "-o", "json", "-S", "none"]),
        ("sarif-z-40k", ["-r", j("fail.guard"), "-d", j("t40k.json"), "-z", "-o", "sarif", "-S", "none"]),
        ("json-z-40k", ["-r", j("fail.guard"), "-d", j("t40k.json"), "-z", "-o", "json", "-S", "none"]),
        ("params-1k", ["-r", j("param.guard"), "-d", small, "-i", j("params-1000"), "-S", "none"]),
        ("params-10k", ["-r", j("param.guard"), "-d", small, "-i", j("params-10000"), "-S", "none"]),
    ]

MEMORY_RATIO = 1.5
PARAMS_RATIO = 3.0  # ten times the files; the process's own few MB dominate params-1k's peak
# Cases whose peak memory is bounded by a ratio of another case's.
MEMORY_BASELINE = {"sarif-z-40k": ("json-40k", MEMORY_RATIO), "json-z-40k": ("json-40k", MEMORY_RATIO),
                   "params-10k": ("params-1k", PARAMS_RATIO)}

# Runs argv[1:] and prints the peak resident set of that child alone (KB): the
# getrusage of this script's children is the largest peak of all runs so far.
WRAPPER = (
    "import resource, subprocess, sys\n"
    "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def run(guardvm, args, limit):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    rss = 0
    try:
        p = subprocess.run([sys.executable, "-c", WRAPPER, guardvm, "validate"] + args,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=limit, text=True)
        rc, rss = (int(x) for x in p.stdout.split())
    except subprocess.TimeoutExpired:
        rc = "timeout"
    seconds = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return rc, seconds, cpu, rss


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("guardvm")
    ap.add_argument("--limit", type=float, default=None, help="fail above this many seconds")
    ap.add_argument("--work", default=None, help="folder for the generated inputs")
    a = ap.parse_args()
    d = a.work or tempfile.mkdtemp(prefix="linear-inputs-")
    os.makedirs(d, exist_ok=True)
    failed = 0
    print("%-16s %5s %9s %9s %12s" % ("case", "exit", "wall s", "cpu s", "peak KB"))
    peaks = {}
    for name, args in make_inputs(d):
        rc, wall, cpu, rss = run(a.guardvm, args, a.limit)
        peaks[name] = rss
        slow = rc == "timeout" or (a.limit is not None and wall > a.limit)
        base, ratio = MEMORY_BASELINE.get(name, (None, None))
        big = a.limit is not None and base is not None and rss > ratio * peaks[base]
        failed += slow or big
        note = "  TOO SLOW" if slow else "  PEAK OVER %.1f x %s" % (ratio, base) if big else ""
        print("%-16s %5s %9.2f %9.2f %12d%s" % (name, rc, wall, cpu, rss, note))
    if not a.work:
        subprocess.run(["rm", "-rf", d])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
