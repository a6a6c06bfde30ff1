"""Mutant check: does the differential tester catch a deliberately planted guardvm bug?

Called by `difftest.py mutant NAME`. Copies the committed tree (git archive HEAD) to a
temporary folder, applies mutants/NAME.patch there, builds only guardvm (Release, -j2), then
runs the generated pairs of --seed in order against the reference, the mutant and the
baseline (guardvm built from the same copy without the patch). The mutant is caught by the first pair on which it disagrees
with the reference AND with the baseline (so the baseline's own known mismatches do not
count). Prints after how many pairs that happened (or that it was not caught within
--max-pairs).
"""

import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile

import compare
import difftest
import runner

MUTANTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mutants")


def _sh(argv, cwd=None, stdin=None):
    p = subprocess.run(argv, cwd=cwd, stdin=stdin, capture_output=True, text=True)
    if p.returncode != 0:
        sys.stderr.write(p.stdout[-3000:] + p.stderr[-3000:])
        raise SystemExit("command failed: %s" % " ".join(argv))
    return p.stdout


def _build_guardvm(dest):
    _sh(["cmake", "-S", dest, "-B", os.path.join(dest, "build"), "-DCMAKE_BUILD_TYPE=Release"])
    _sh(["cmake", "--build", os.path.join(dest, "build"), "-j2", "--target", "guardvm"])
    return os.path.join(dest, "build", "guardvm")


def build(name, repo, build_dir, work):
    """(mutated guardvm, unpatched guardvm of the same tree); copies, patches, builds.

    The unpatched binary is the baseline: only differences that the patch makes count."""
    patch = os.path.join(MUTANTS, name + ".patch")
    if not os.path.exists(patch):
        raise SystemExit("no mutant %s (%s)" % (name, patch))
    if work:
        os.makedirs(work, exist_ok=True)
    dest = build_dir or tempfile.mkdtemp(prefix="difftest-mutant-%s-" % name, dir=work)
    if not os.path.exists(os.path.join(dest, "CMakeLists.txt")):
        archive = subprocess.Popen(["git", "-C", repo, "archive", "HEAD"], stdout=subprocess.PIPE)
        _sh(["tar", "-x", "-C", dest], stdin=archive.stdout)
        archive.wait()
    for other in os.listdir(MUTANTS):   # a reused copy may hold another mutant: undo it
        other = os.path.join(MUTANTS, other)
        if other.endswith(".patch") and subprocess.run(
                ["git", "apply", "--reverse", "--check", other], cwd=dest,
                capture_output=True).returncode == 0:
            _sh(["git", "apply", "--reverse", other], cwd=dest)
    baseline = os.path.join(dest, "guardvm-unpatched")
    mutant_bin = os.path.join(dest, "build", "guardvm")
    stamp = os.path.join(dest, "mutant-built")
    if os.path.exists(baseline) and os.path.exists(stamp) and open(stamp).read() == name:
        _sh(["git", "apply", patch], cwd=dest)   # the copy already holds both binaries
        return mutant_bin, baseline
    if not os.path.exists(baseline):   # the copy never changes but for the patches
        print("building unpatched guardvm in %s ..." % dest, file=sys.stderr)
        shutil.copy2(_build_guardvm(dest), baseline)
    _sh(["git", "apply", patch], cwd=dest)
    print("building mutant %s ..." % name, file=sys.stderr)
    _build_guardvm(dest)
    with open(stamp, "w") as f:
        f.write(name)
    return mutant_bin, baseline


def hunt(args, mutant_bin):
    """(pair number, detail) of the first pair that catches the mutant, or None."""
    plan = difftest.file_plan(args.max_pairs, args.batch)
    workdir = tempfile.mkdtemp(prefix="difftest-hunt-", dir=args.work)

    def task(item):
        j, n = item
        # guardvm is fast and the reference slow: the reference runs only on the files where
        # the mutant and the baseline disagree somewhere.
        tree, docs = difftest.make_file(args.seed, j, n)
        folder = os.path.join(workdir, "f%d" % j)
        rules, datas = runner.write_pair_files(
            folder, difftest.gen_rules.render(tree),
            [(difftest.gen_data.render(d, f), f) for f, d in docs])
        try:
            muts = runner.run_pairs(mutant_bin, rules, datas)
            bases = runner.run_pairs(args.guardvm, rules, datas)
            if not any(compare.diff(g, m) for g, m in zip(bases, muts)):
                return None
            refs = runner.run_pairs(args.reference, rules, datas)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        for k, (ref, mut, gv) in enumerate(zip(refs, muts, bases)):
            if runner.excluded(ref):
                continue
            vs_ref, vs_base = compare.diff(ref, mut), compare.diff(gv, mut)
            if vs_ref and vs_base:
                return j * args.batch + k, "L%d %s (baseline: %s)" % (
                    vs_ref[0], vs_ref[1][0], "agrees" if not compare.diff(ref, gv) else "differs too")
        return None

    try:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            for found in pool.map(task, plan):
                if found:
                    pool.shutdown(wait=False, cancel_futures=True)
                    return found
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return None


def run(args, repo):
    if not args.name:
        for f in sorted(os.listdir(MUTANTS)):
            if f.endswith(".patch"):
                print(f[:-len(".patch")])
        return 0
    mutant_bin, baseline = build(args.name, repo, args.build_dir, args.work)
    args.guardvm = baseline
    found = hunt(args, mutant_bin)
    if found is None:
        print("mutant %s NOT caught within %d pairs (seed %d)" % (args.name, args.max_pairs, args.seed))
        return 1
    pair, detail = found
    print("mutant %s caught after %d pairs (seed %d, pair %d: %s)" % (
        args.name, pair + 1, args.seed, pair, detail))
    print("reproduce: difftest.py show --seed %d --batch %d --pair %d" % (args.seed, args.batch, pair))
    return 0
