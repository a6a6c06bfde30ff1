#!/usr/bin/env python3
"""Differential tester: random Guard rules and documents through guardvm and cfn-guard 3.1.1.

Entry point (run it with --help). Commands:
  run         generate --pairs pairs from --seed, run both tools, compare at three levels,
              minimise and bucket the mismatches, print a summary, write case folders;
  show        print the rules file and data of one generated pair (to reproduce by hand);
  order-probe run the reference several times on the same pairs and list the JSON report
              locations whose order changes (those lists are sorted before level-3 compares);
  replay      run guardvm on recorded case folders (tests/differential/cases) and compare
              with the reference's recorded output at up to --level (ctest runs it);
  record      make a case folder (with the reference's recorded answer) of a hand-written
              rules file and data file;
  mutant      apply a patch from mutants/ to a copy of the tree, build guardvm there and
              report after how many pairs the tester catches it.
Standard library only (Python 3.11). The other files of this folder: vocab.py (shared keys),
gen_rules.py, gen_data.py (generators), runner.py (running the tools), compare.py (levels),
reduce.py (minimiser), buckets.py (signatures, table, case folders), mutant.py.
"""

import argparse
import collections
import concurrent.futures
import json
import os
import random
import re
import shutil
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import buckets   # noqa: E402
import compare   # noqa: E402
import gen_data  # noqa: E402
import gen_rules  # noqa: E402
import reduce    # noqa: E402
import runner    # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEFAULT_REF = os.path.expanduser("~/.cache/guard-reference/cfn-guard-3.1.1/cfn-guard")
DEFAULT_GV = os.path.join(REPO, "build", "guardvm")


# ---------------------------------------------------------------------------
# Pair generation: rules file j of a seed holds pairs j*batch .. j*batch+batch-1
# ---------------------------------------------------------------------------

# The fraction of rules files whose data files are given --input-params too (--params). The
# parameter documents come from a generator of their own, so a seed's rules and data files
# are those it gave without them.
PARAMS = 0.0


def make_file(seed, j, n_data):
    """(rules tree, [(fmt, doc)]) of rules file j; the same seed gives the same files."""
    rng = random.Random("guard-difftest:%d:%d" % (seed, j))
    tree = gen_rules.generate(rng)
    docs = [gen_data.generate(rng) for _ in range(n_data)]
    return tree, docs


def params_of_file(seed, j, docs):
    """[(fmt, doc)] of the --input-params documents of rules file j (none for most files)."""
    if not PARAMS:
        return []
    rng = random.Random("guard-difftest-params:%d:%d" % (seed, j))
    return gen_data.params_documents(rng, docs) if rng.random() < PARAMS else []


def write_params(folder, params):
    """Writes params1.EXT, params2.EXT... into folder; returns their paths."""
    paths = []
    for i, (fmt, doc) in enumerate(params):
        path = os.path.join(folder, "params%d.%s" % (i + 1, fmt))
        with open(path, "w", encoding="utf-8") as f:
            f.write(gen_data.render(doc, fmt))
        paths.append(path)
    return paths


def file_plan(pairs, batch):
    """[(file index, number of data files)] covering `pairs` pairs."""
    plan, j = [], 0
    while pairs > 0:
        plan.append((j, min(batch, pairs)))
        pairs -= batch
        j += 1
    return plan


def run_file(args, seed, j, n_data, workdir, gv_binary=None):
    """Run one rules file against its data files; per-pair (k, ref result, gv result)."""
    tree, docs = make_file(seed, j, n_data)
    folder = os.path.join(workdir, "f%d" % j)
    try:
        rules, datas = runner.write_pair_files(
            folder, gen_rules.render(tree), [(gen_data.render(d, f), f) for f, d in docs])
        params = write_params(folder, params_of_file(seed, j, docs))
        refs = runner.run_pairs(args.reference, rules, datas, args.max_error_runs or None, params=params)
        gvs = runner.run_pairs(gv_binary or args.guardvm, rules, datas[:len(refs)], params=params)
        return list(zip(range(len(refs)), refs, gvs)), rules, datas
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------------
# run
# ---------------------------------------------------------------------------

def cmd_run(args):
    workdir = tempfile.mkdtemp(prefix="difftest-", dir=args.work)
    stats = collections.Counter()
    mismatches = []
    lock = threading.Lock()
    plan = file_plan(args.pairs, args.batch)
    stats["files"] = len(plan)
    start = time.monotonic()

    deadline = time.monotonic() + args.time_limit if args.time_limit else None

    def task(item):
        j, n = item
        if deadline and time.monotonic() > deadline:
            return collections.Counter(skipped_files=1), []
        results, _, _ = run_file(args, args.seed, j, n, workdir)
        local = collections.Counter(pairs=len(results), cut_pairs=n - len(results))
        found = []
        for k, ref, gv in results:
            why = runner.excluded(ref)
            if why:
                local[why] += 1
                continue
            d = compare.diff(ref, gv)
            if d:
                local["level%d" % d[0]] += 1
                found.append({"file": j, "data": k, "n_data": n, "level": d[0], "kinds": d[1]})
        return local, found

    done = 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for local, found in pool.map(task, plan):
            with lock:
                stats.update(local)
                mismatches += found
                done += 1
                if not args.quiet and done % 50 == 0:
                    print("... %d/%d rules files, %d pairs, %d mismatches" % (
                        done, len(plan), stats["pairs"], len(mismatches)), file=sys.stderr)
    for lvl in (1, 2, 3):
        stats.setdefault("level%d" % lvl, 0)

    stats["seconds"] = time.monotonic() - start
    stats["files"] -= stats["skipped_files"]
    chosen, unminimised = choose_for_minimising(mismatches, args.minimise, args.max_level)
    found_buckets = minimise_all(args, chosen, workdir, stats)
    shutil.rmtree(workdir, ignore_errors=True)
    print(buckets.table(stats, found_buckets, unminimised))
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        names = [buckets.write_case(args.out, i + 1, sig, b)
                 for i, (sig, b) in enumerate(found_buckets.ordered())]
        print("\n%d case folders written to %s" % (len(names), args.out))
    return 0


def choose_for_minimising(mismatches, limit, max_level):
    """Round-robin over (level, first kind) groups so that rare kinds get minimised too."""
    groups = collections.OrderedDict()
    for m in mismatches:
        if m["level"] <= max_level:
            groups.setdefault((m["level"], m["kinds"][0]), []).append(m)
    chosen = []
    while len(chosen) < limit and any(groups.values()):
        for key in list(groups):
            if groups[key] and len(chosen) < limit:
                chosen.append(groups[key].pop(0))
    unminimised = {k: len(v) for k, v in groups.items() if v}
    return chosen, unminimised


def minimise_all(args, chosen, workdir, stats):
    found = buckets.Buckets()
    lock = threading.Lock()

    def task(m):
        tree, docs = make_file(args.seed, m["file"], m["n_data"])
        params = params_of_file(args.seed, m["file"], docs)
        fmt, doc = docs[m["data"]]
        oracle = reduce.Oracle(args.reference, args.guardvm, workdir, params)
        got = reduce.minimise(oracle, tree, doc, fmt, (m["level"], m["kinds"]), args.budget)
        return m, got, oracle.runs, fmt, params

    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for m, got, runs, fmt, params in pool.map(task, chosen):
            with lock:
                stats["min_runs"] += runs
                if got is None:
                    continue
                stats["minimised"] += 1
                tree, doc, (ref, gv) = got
                level_kinds = compare.diff(ref, gv)
                example = {"rules_text": gen_rules.render(tree), "data_text": gen_data.render(doc, fmt),
                           "fmt": fmt, "ref": ref, "gv": gv, "kinds": level_kinds[1],
                           "seed": args.seed, "pair": m["file"] * args.batch + m["data"],
                           "params": [("params%d.%s" % (i + 1, f), gen_data.render(d, f))
                                      for i, (f, d) in enumerate(params)]}
                sig = buckets.signature(m["level"], m["kinds"], tree, doc)
                found.add(sig, example)
                if not args.quiet:
                    print("minimised pair %d: L%d %s" % (example["pair"], m["level"], m["kinds"][0]),
                          file=sys.stderr)
    return found


# ---------------------------------------------------------------------------
# show, order-probe
# ---------------------------------------------------------------------------

def cmd_show(args):
    j, k = divmod(args.pair, args.batch)
    tree, docs = make_file(args.seed, j, k + 1)   # doc k does not depend on later docs
    fmt, doc = docs[k]
    print("--- rules.guard\n" + gen_rules.render(tree) + "--- data." + fmt)
    print(gen_data.render(doc, fmt))
    if args.params:
        # A file's parameter documents depend on all its data files: make the whole batch.
        _, docs = make_file(args.seed, j, args.batch)
        for i, (pfmt, pdoc) in enumerate(params_of_file(args.seed, j, docs)):
            print("--- params%d.%s (--input-params)" % (i + 1, pfmt))
            print(gen_data.render(pdoc, pfmt))
    return 0


def cmd_order_probe(args):
    workdir = tempfile.mkdtemp(prefix="difftest-probe-", dir=args.work)
    moving = collections.Counter()
    for j, n in file_plan(args.pairs, args.batch):
        tree, docs = make_file(args.seed, j, n)
        rules, datas = runner.write_pair_files(
            os.path.join(workdir, "f%d" % j), gen_rules.render(tree),
            [(gen_data.render(d, f), f) for f, d in docs])
        first = runner.run_pairs(args.reference, rules, datas)
        for _ in range(args.repeat - 1):
            again = runner.run_pairs(args.reference, rules, datas)
            for a, b in zip(first, again):
                for loc in compare.raw_json_differences(a["raw"], b["raw"]):
                    moving[loc] += 1
    shutil.rmtree(workdir, ignore_errors=True)
    print("JSON locations that changed between reference runs: %d" % len(moving))
    for loc, n in moving.most_common():
        print("  %6d  %s" % (n, loc))
    return 0


def read_recorded(folder):
    """(exit, stdout, stderr) of a case folder's reference-output.txt (buckets.write_case)."""
    with open(os.path.join(folder, "reference-output.txt"), encoding="utf-8") as f:
        text = f.read()
    head, _, rest = text.partition("\n--- stdout\n")
    out, _, err = rest.rpartition("--- stderr\n")
    return int(head.split()[1]), out, err


def cmd_replay(args):
    """Run guardvm on recorded case folders and compare with the recorded reference output."""
    failed, total = [], 0
    for name in sorted(os.listdir(args.dir)):
        folder = os.path.join(args.dir, name)
        if not os.path.isdir(folder):
            continue
        datas = [os.path.join(folder, f) for f in sorted(os.listdir(folder)) if f.startswith("data.")]
        params = [os.path.join(folder, f) for f in sorted(os.listdir(folder)) if f.startswith("params")]
        if not datas or not os.path.exists(os.path.join(folder, "reference-output.txt")):
            continue
        total += 1
        rc, out, err = read_recorded(folder)
        # The recorded report names the data file by the path it had when it was found.
        out = re.sub(r'^(\s*"name": )"[^"\n]*"', lambda m: m.group(1) + json.dumps(os.path.abspath(datas[0])),
                     out, count=1, flags=re.M)
        # So does its error text (runner.write_pair_files named it dN.EXT in a temporary folder).
        err = re.sub(r'/[^\s`,]*/d\d+\.(?:yaml|json)\b', lambda m: os.path.abspath(datas[0]), err)
        ref = runner.single_result(rc, out, err)
        gv = runner.run_pairs(args.guardvm, os.path.join(folder, "rules.guard"), datas, params=params)[0]
        d = compare.diff(ref, gv)
        if d and d[0] <= args.level:
            failed.append(name)
            print("FAIL %s: L%d %s" % (name, d[0], "; ".join(d[1])))
    print("%d passed, %d failed (level %d)" % (total - len(failed), len(failed), args.level))
    return 1 if failed or not total else 0


def cmd_record(args):
    """A case folder from a hand-written rules file and data file (and --input-params files,
    copied as params1.EXT, params2.EXT...), with the reference's answer (for a difference found
    by hand; the folder's note.md says how it compares today)."""
    with open(args.rules, encoding="utf-8") as f:
        rules_text = f.read()
    with open(args.data, encoding="utf-8") as f:
        data_text = f.read()
    fmt = "json" if args.data.endswith(".json") else "yaml"
    workdir = tempfile.mkdtemp(prefix="difftest-record-", dir=args.work)
    params = []
    try:
        rules, datas = runner.write_pair_files(workdir, rules_text, [(data_text, fmt)])
        for i, p in enumerate(args.input_params or []):
            params.append(os.path.join(workdir, "params%d%s" % (i + 1, os.path.splitext(p)[1])))
            shutil.copyfile(p, params[-1])
        ref = runner.run_pairs(args.reference, rules, datas, params=params)[0]
        gv = runner.run_pairs(args.guardvm, rules, datas, params=params)[0]
        params = [(os.path.basename(p), open(p, encoding="utf-8").read()) for p in params]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    d = compare.diff(ref, gv) or (0, ["none"])
    example = {"rules_text": rules_text, "data_text": data_text, "fmt": fmt, "ref": ref,
               "gv": gv, "kinds": d[1], "seed": "by hand", "pair": "-", "params": params}
    sig = (d[0], d[1][0], ())
    buckets.write_case(args.out, 0, sig, {"example": example, "count": 1}, name=args.name)
    print("%s: reference exit %d; guardvm %s" % (
        args.name, ref["exit"], "agrees" if d[0] == 0 else "differs at L%d (%s)" % d))
    return 0


def cmd_console(args):
    import console
    return console.run(args)


def cmd_mutant(args):
    import mutant
    return mutant.run(args, REPO)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Differential tester of guardvm against cfn-guard 3.1.1 "
                    "(random rules and documents, three comparison levels, minimisation).")
    sub = ap.add_subparsers(dest="cmd", required=True)

    def common(p):
        p.add_argument("--seed", type=int, default=1, help="seed of the pairs (default 1)")
        p.add_argument("--pairs", type=int, default=1000, help="number of pairs (default 1000)")
        p.add_argument("--batch", type=int, default=8,
                       help="data files per rules file and invocation (default 8); part of the "
                            "pair numbering, keep it fixed to reproduce a seed")
        p.add_argument("-j", "--jobs", type=int, default=2, help="parallel workers (default 2)")
        p.add_argument("--registry-shaped", type=float, default=0.0, metavar="FRACTION",
                       help="make this fraction of the rules files in the Guard Rules Registry's "
                            "shape (lets selecting resources by Type, rules guarded by `%%v !empty` "
                            "on them, clauses sharing query prefixes: what the compiler's file-skip "
                            "facts and shared prefixes take). Default 0; part of the pair "
                            "numbering, keep it to reproduce a seed")
        p.add_argument("--styled-data", type=float, default=0.0, metavar="FRACTION",
                       help="write this fraction of the documents with the spellings spec section "
                            "14 tells apart (quoting, block scalars, standard and unknown tags, "
                            "anchors and aliases, flow style, duplicate and non-string keys, JSON "
                            "number and escape forms, CRLF, comments, BOM, several documents). "
                            "Default 0; part of the pair numbering, keep it to reproduce a seed")
        p.add_argument("--reference", default=DEFAULT_REF, help="cfn-guard 3.1.1 binary")
        p.add_argument("--guardvm", default=DEFAULT_GV, help="guardvm binary (default build/guardvm)")
        p.add_argument("--work", default=None, help="folder for temporary files")
        p.add_argument("--keep", action="store_true", help="keep the generated files")
        p.add_argument("--quiet", action="store_true", help="no progress on stderr")

    p = sub.add_parser("run", help="run pairs, minimise and bucket mismatches")
    common(p)
    p.add_argument("--out", default=None, help="write one case folder per bucket here")
    p.add_argument("--minimise", type=int, default=40,
                   help="minimise at most this many mismatches (default 40)")
    p.add_argument("--budget", type=int, default=250,
                   help="pair runs allowed per minimisation (default 250)")
    p.add_argument("--time-limit", type=float, default=None,
                   help="stop starting rules files after this many seconds (the pairs run "
                        "are the first ones of the seed; the summary says how many)")
    p.add_argument("--max-error-runs", type=int, default=4,
                   help="stop a rules file after this many reference runs that end in an "
                        "error (each error costs a process; default 4); its other documents "
                        "are not run and not counted (0: no limit)")
    p.add_argument("--max-level", type=int, default=3, choices=(1, 2, 3),
                   help="minimise mismatches up to this level (default 3)")
    p.add_argument("--params", type=float, default=0.0, metavar="FRACTION",
                   help="give this fraction of the rules files' data files one or two generated "
                        "--input-params documents too (keys the rules name, none of a data "
                        "file's top-level keys, sometimes restyled). Default 0; the rules and "
                        "data files of a seed stay those it gives without")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("show", help="print the rules and data of one pair")
    common(p)
    p.add_argument("--pair", type=int, required=True, help="pair number (0-based)")
    p.add_argument("--params", type=float, default=0.0, metavar="FRACTION",
                   help="the --params fraction of the run that found the pair")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("order-probe", help="find lists the reference writes in random order")
    common(p)
    p.add_argument("--repeat", type=int, default=4, help="reference runs per pair (default 4)")
    p.set_defaults(func=cmd_order_probe)

    p = sub.add_parser("replay", help="compare guardvm with case folders' recorded answers")
    p.add_argument("dir", help="folder of case folders (rules.guard, data.*, reference-output.txt)")
    p.add_argument("--level", type=int, default=3, choices=(1, 2, 3),
                   help="fail on mismatches up to this level (default 3)")
    p.add_argument("--guardvm", default=DEFAULT_GV, help="guardvm binary (default build/guardvm)")
    p.set_defaults(func=cmd_replay, reference=None)

    p = sub.add_parser("record", help="make a case folder of a hand-written pair")
    common(p)
    p.add_argument("name", help="case folder name")
    p.add_argument("--rules", required=True, help="rules file")
    p.add_argument("--data", required=True, help="data file (.json, else YAML)")
    p.add_argument("--input-params", action="append", metavar="FILE",
                   help="a file given to both tools with --input-params (repeatable)")
    p.add_argument("--out", required=True, help="folder to write the case folder in")
    p.set_defaults(func=cmd_record)

    p = sub.add_parser("console", help="compare the console report (validate -S all) by rules file")
    common(p)
    p.add_argument("--out", default=None, help="write a folder per differing rules file here")
    p.set_defaults(func=cmd_console)

    p = sub.add_parser("mutant", help="build a mutated guardvm and count pairs until caught")
    common(p)
    p.add_argument("name", nargs="?", help="patch name in mutants/ (without .patch); "
                                           "none lists them")
    p.add_argument("--max-pairs", type=int, default=10000, help="give up after (default 10000)")
    p.add_argument("--build-dir", default=None, help="reuse this copy of the tree (faster)")
    p.set_defaults(func=cmd_mutant)

    args = ap.parse_args(argv)
    gen_rules.REGISTRY_SHAPED = getattr(args, "registry_shaped", 0.0)
    gen_data.STYLED = getattr(args, "styled_data", 0.0)
    global PARAMS
    PARAMS = getattr(args, "params", 0.0)
    for tool in ("reference", "guardvm"):
        if args.cmd in ("mutant", "replay") and tool == "reference":
            continue
        if args.cmd != "mutant" and not os.access(getattr(args, tool), os.X_OK):
            ap.error("no executable %s at %s (use --%s)" % (tool, getattr(args, tool), tool))
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
