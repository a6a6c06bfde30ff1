#!/usr/bin/env python3
"""Inputs whose cost used to grow faster than their size (issue 16), run through guardvm.

Each case is generated here (standard library only), run once with the wall-clock time and
peak memory measured (resource.getrusage of the child), and printed as a table. With
--limit SECONDS the script fails when a case takes longer (ctest runs it with a limit far
above the measured times, as a hang check, not as a benchmark; docs/performance.md has the
figures from a plain run). Cases:

  list-one-line      a rules file whose 300,000-item list literal is on one line
  map-literal        a 40,000-key map literal
  rules-one-line     20,000 rules on one line
  console-40k        the console report of 40,000 failing resources
  json-40k           the JSON report of the same (the baseline the console is compared with)

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
    j = lambda name: os.path.join(d, name)
    return [
        ("list-one-line", ["-r", j("list.guard"), "-d", small, "-S", "none"]),
        ("map-literal", ["-r", j("map.guard"), "-d", small, "-S", "none"]),
        ("rules-one-line", ["-r", j("rules.guard"), "-d", small, "-S", "none"]),
        ("console-40k", ["-r", j("fail.guard"), "-d", j("t40k.json")]),
        ("json-40k", ["-r", j("fail.guard"), "-d", j("t40k.json"), "-o", "json", "-S", "none"]),
    ]


def run(guardvm, args, limit):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    try:
        p = subprocess.run([guardvm, "validate"] + args, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=limit)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        rc = "timeout"
    seconds = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return rc, seconds, cpu, after.ru_maxrss


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("guardvm")
    ap.add_argument("--limit", type=float, default=None, help="fail above this many seconds")
    ap.add_argument("--work", default=None, help="folder for the generated inputs")
    a = ap.parse_args()
    d = a.work or tempfile.mkdtemp(prefix="linear-inputs-")
    os.makedirs(d, exist_ok=True)
    failed = 0
    print("%-16s %5s %9s %9s %12s" % ("case", "exit", "wall s", "cpu s", "peak KB*"))
    for name, args in make_inputs(d):
        rc, wall, cpu, rss = run(a.guardvm, args, a.limit)
        slow = rc == "timeout" or (a.limit is not None and wall > a.limit)
        failed += slow
        print("%-16s %5s %9.2f %9.2f %12d%s" % (name, rc, wall, cpu, rss, "  TOO SLOW" if slow else ""))
    print("* largest peak of the runs so far (getrusage of children)")
    if not a.work:
        subprocess.run(["rm", "-rf", d])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
