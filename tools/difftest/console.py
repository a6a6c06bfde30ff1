"""Console comparison: the default text report of `validate` beside the reference's.

Called by `difftest.py console`. Levels 1-3 compare the JSON report; users of the command
line mostly read the console report instead (`validate -S all`, no `-o`), whose detail
section is built differently (cfn-guard lists every failed check under a failed rule, in
conditions and passing blocks too). Each rules file of the seed runs once per tool with all
its documents. The reference prints some groups of lines in an order that changes from run
to run (docs: spec/cli-and-reports.md section 4), so outputs are counted as

  same        byte-identical stdout and exit code;
  reordered   the same exit code and the same lines, in another order (cfn-guard's random
              order, or guardvm's canonical one; not a difference);
  different   anything else: written under --out as a folder (rules, data, both outputs,
              and the lines only one side printed), for a look by hand.

Rules files where the reference panics are counted and skipped; where either tool ends in an
error and the outputs are not the same lines, they count as `error` (stderr is not compared).
"""

import collections
import concurrent.futures
import os
import shutil
import sys
import subprocess
import tempfile

import gen_data
import gen_rules
import runner


def _make(seed, j, n_data):
    import random
    rng = random.Random("guard-console:%d:%d" % (seed, j))
    tree = gen_rules.generate(rng)
    return gen_rules.render(tree), [gen_data.generate(rng) for _ in range(n_data)]


def _run(binary, rules, datas, extra):
    argv = [binary, "validate", "-r", rules] + [a for d in datas for a in ("-d", d)] + extra
    try:
        p = subprocess.run(argv, capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "timeout", b"", b""
    return p.returncode, p.stdout, p.stderr


def _lines_only_in(a, b):
    left = collections.Counter(a.split(b"\n"))
    left.subtract(collections.Counter(b.split(b"\n")))
    return [line for line, n in left.items() for _ in range(max(n, 0))]


def _write_difference(out, j, folder, ref, gv):
    dest = os.path.join(out, "console-%04d" % j)
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(folder, dest)
    for name, res in (("reference", ref), ("guardvm", gv)):
        with open(os.path.join(dest, name + "-output.txt"), "wb") as f:
            f.write(b"exit %s\n" % str(res[0]).encode() + res[1])
    with open(os.path.join(dest, "only-in.txt"), "wb") as f:
        f.write(b"--- only in the reference\n" + b"\n".join(_lines_only_in(ref[1], gv[1])))
        f.write(b"\n--- only in guardvm\n" + b"\n".join(_lines_only_in(gv[1], ref[1])) + b"\n")
    return dest


def run(args):
    work = tempfile.mkdtemp(prefix="difftest-console-", dir=args.work)
    extra = ["-S", "all"]
    files = max(1, (args.pairs + args.batch - 1) // args.batch)

    def task(j):
        rules_text, docs = _make(args.seed, j, args.batch)
        folder = os.path.join(work, "f%d" % j)
        rules, datas = runner.write_pair_files(
            folder, rules_text, [(gen_data.render(d, f), f) for f, d in docs])
        ref = _run(args.reference, rules, datas, extra)
        gv = _run(args.guardvm, rules, datas, extra)
        if ref[0] == runner.EXIT_PANIC:
            kind = "panic"
        elif ref[:2] == gv[:2]:
            kind = "same"
        elif ref[0] == gv[0] and sorted(ref[1].split(b"\n")) == sorted(gv[1].split(b"\n")):
            kind = "reordered"
        elif runner.EXIT_ERROR in (ref[0], gv[0]) or "timeout" in (ref[0], gv[0]):
            kind = "error"
        else:
            kind = "different"
        where = _write_difference(args.out, j, folder, ref, gv) if kind == "different" and args.out else None
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        return kind, where

    stats = collections.Counter()
    examples = []
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for done, (kind, where) in enumerate(pool.map(task, range(files)), 1):
            stats[kind] += 1
            if where:
                examples.append(where)
            if not args.quiet and done % 50 == 0:
                print("... %d/%d rules files: %s" % (done, files, dict(stats)), file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)
    print("rules files: %d (x %d documents each), seed %d" % (files, args.batch, args.seed))
    for kind in ("same", "reordered", "different", "error", "panic"):
        print("  %-10s %d" % (kind, stats[kind]))
    for where in examples[:20]:
        print("  written: %s" % where)
    return 1 if stats["different"] else 0
