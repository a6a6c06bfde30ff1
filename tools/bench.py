#!/usr/bin/env python3
"""Whole-run benchmark of `guardvm validate` (issue 5, docs/performance.md).

Run by hand or by a release checklist, never by ctest:

    python3 tools/bench.py --guardvm build/guardvm [--reference /path/to/cfn-guard]
                           [--workloads W1,W2,W3,W4,W5,W6,W7] [--runs 3] [--work /tmp/guardvm-bench]

It generates the workloads of issue 5 with ../shared/tools/gen-template and fixed
seeds (cached in --work), runs guardvm and, when --reference is given, cfn-guard
on the same command lines with alternating runs, and prints one Markdown table
per workload: median wall and CPU (user+sys) time, the guardvm/cfn-guard ratio
measured in this run, and median peak RSS (from /usr/bin/time -v). For W1 it
also checks that both programs print identical JSON results.

Standard library only (Python 3.8+).
"""
import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(REPO), "shared")

# One simple rule for W3 (one type, one clause): its cost is the loader's.
SIMPLE_RULE = """\
let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]
rule s3_bucket_versioning when %buckets !empty {
  %buckets.Properties.VersioningConfiguration.Status == 'Enabled'
}
"""

# W4's rule: one check per bucket; failing buckets lack VersioningConfiguration.
W4_RULE = SIMPLE_RULE


# ---------------------------------------------------------------- measuring

class Sample:
    """One timed process run (from /usr/bin/time -v)."""

    def __init__(self, wall, user, sys_, rss_kb, rc, timed_out=False):
        self.wall, self.user, self.sys, self.rss_kb, self.rc = wall, user, sys_, rss_kb, rc
        self.timed_out = timed_out

    @property
    def cpu(self):
        return self.user + self.sys


def parse_time_v(text):
    """Pulls user/system seconds and max RSS out of GNU time -v's report."""
    def num(label):
        m = re.search(re.escape(label) + r":\s*([0-9.]+)", text)
        return float(m.group(1)) if m else 0.0
    return num("User time (seconds)"), num("System time (seconds)"), int(num("Maximum resident set size (kbytes)"))


def run_timed(cmd, out_path, timeout):
    """Runs cmd under /usr/bin/time -v, stdout to out_path; returns a Sample."""
    time_log = out_path + ".time"
    full = ["/usr/bin/time", "-v", "-o", time_log] + cmd
    start = time.monotonic()
    with open(out_path, "wb") as out, open(out_path + ".err", "wb") as err:
        proc = subprocess.Popen(full, stdout=out, stderr=err, start_new_session=True)
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)  # our own process group only
            proc.wait()
            return Sample(time.monotonic() - start, 0, 0, 0, -9, timed_out=True)
    wall = time.monotonic() - start
    with open(time_log) as f:
        user, sys_, rss = parse_time_v(f.read())
    return Sample(wall, user, sys_, rss, rc)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


# ---------------------------------------------------------------- workloads

def gen(args, out, n, seed, fmt, extra=()):
    """Generates one template unless the cached copy exists (same name = same arguments)."""
    if os.path.exists(out):
        return out
    tmp = out + ".tmp"
    subprocess.run([args.gen_template, "-n", str(n), "-s", str(seed), "-f", fmt, "-o", tmp, *extra], check=True)
    os.replace(tmp, out)
    return out


def write_if_missing(path, text):
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write(text)
    return path


def w1_templates(args):
    """300 templates of 10–300 resources, alternating YAML and JSON, seeds 1..300."""
    d = os.path.join(args.work, "w1")
    os.makedirs(d, exist_ok=True)
    for i in range(300):
        n = 10 + (i * 97) % 291  # spreads 10..300 evenly, deterministic
        fmt = "yaml" if i % 2 == 0 else "json"
        gen(args, os.path.join(d, "t%03d-%d.%s" % (i, n, fmt)), n, i + 1, fmt)
    return d


def w7_templates(args):
    """300 templates of 5–40 resources (2–70 KB, like real templates), YAML and JSON alternating."""
    d = os.path.join(args.work, "w7")
    os.makedirs(d, exist_ok=True)
    sizes = random.Random(7)  # the same 300 sizes on every machine (Python's Mersenne Twister)
    for i in range(300):
        n = sizes.randint(5, 40)
        fmt = "yaml" if i % 2 == 0 else "json"
        gen(args, os.path.join(d, "t%03d.%s" % (i, fmt)), n, 7000 + i, fmt)
    return d


def w4_template(args, failing, unrelated=1600):
    """`failing` S3 buckets without versioning beside `unrelated` SNS topics (JSON)."""
    path = os.path.join(args.work, "w4", "fail%d-unrelated%d.json" % (failing, unrelated))
    if os.path.exists(path):
        return path
    os.makedirs(os.path.dirname(path), exist_ok=True)
    res = {}
    for i in range(failing):
        res["Bucket%05d" % i] = {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "b-%d" % i}}
    for i in range(unrelated):
        res["Topic%05d" % i] = {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "t-%d" % i}}
    with open(path, "w") as f:
        json.dump({"AWSTemplateFormatVersion": "2010-09-09", "Resources": res}, f, indent=2)
    return path


def registry_rules(args):
    return os.path.join(SHARED, "corpus", "registry", "rules")


def registry_pack(args):
    """All registry rules compiled once by guardc (guardvm's intended deployment)."""
    pack = os.path.join(args.work, "registry.gpack")
    if args.guardc and not os.path.exists(pack):
        files = []
        for root, _, names in os.walk(registry_rules(args)):
            files += [os.path.join(root, n) for n in names if n.endswith(".guard")]
        r = subprocess.run([args.guardc, "-o", pack, *sorted(files)], capture_output=True, text=True)
        if r.returncode != 0:
            print("guardc failed on the registry; packs skipped:\n" + r.stderr[:2000], file=sys.stderr)
            return None
    return pack if os.path.exists(pack) else None


# ---------------------------------------------------------------- running

def validate_cmd(prog, rules, data, extra=()):
    return [prog, "validate", "-r", rules, "-d", data, "-o", "json", "-S", "none", *extra]


def measure(args, label, variants, runs, ref_timeout):
    """Alternates the variants' runs; returns {name: [Sample]}.

    variants: list of (name, cmd, is_reference)."""
    results = {name: [] for name, _, _ in variants}
    skip = set()
    out_dir = os.path.join(args.work, "out")
    os.makedirs(out_dir, exist_ok=True)
    for r in range(runs):
        for name, cmd, is_ref in variants:
            if name in skip or (is_ref and r >= args.ref_runs):
                continue
            timeout = ref_timeout if is_ref else args.timeout
            s = run_timed(cmd, os.path.join(out_dir, "%s-%s.out" % (label, name)), timeout)
            results[name].append(s)
            if s.timed_out:
                skip.add(name)  # one timeout is the answer; don't repeat it
            print("  %-8s %-28s run %d: wall %.3fs cpu %.3fs rss %d MB rc %d%s" % (
                label, name, r + 1, s.wall, s.cpu, s.rss_kb // 1024, s.rc,
                " TIMEOUT" if s.timed_out else ""), file=sys.stderr)
    return results


def fmt_s(x):
    return "%.3f" % x if x == x else "–"


def table(rows, title, note=""):
    """rows: list of dicts with workload, program, wall, cpu, rss, ratio."""
    lines = ["", "### " + title, ""]
    if note:
        lines += [note, ""]
    lines += ["| workload | input | program | runs | median wall s | median CPU s | CPU ratio (cfn-guard / guardvm) | peak RSS MB |",
              "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["workload"], r.get("input", ""), r["program"], r["runs"], r["wall"], r["cpu"],
            r.get("ratio", ""), r["rss"]))
    text = "\n".join(lines)
    print(text)
    return text


def summarize(workload, inp, results, ref_name=None, vm_name=None):
    rows = []
    ref_cpu = None
    if ref_name and results.get(ref_name):
        ss = results[ref_name]
        if any(s.timed_out for s in ss):
            ref_cpu = None
        else:
            ref_cpu = median([s.cpu for s in ss])
    for name, ss in results.items():
        if not ss:
            continue
        to = any(s.timed_out for s in ss)
        row = {"workload": workload, "input": inp, "program": name, "runs": len(ss),
               "wall": ("> %.0f (timeout)" % ss[0].wall) if to else fmt_s(median([s.wall for s in ss])),
               "cpu": "–" if to else fmt_s(median([s.cpu for s in ss])),
               "rss": "–" if to else "%.0f" % (median([s.rss_kb for s in ss]) / 1024)}
        if name != ref_name and ref_name in results and results[ref_name] and not to:
            cpu = median([s.cpu for s in ss])
            if ref_cpu is None:
                row["ratio"] = "> %.0f×" % (results[ref_name][0].wall / max(cpu, 1e-3))
            else:
                row["ratio"] = "%.0f×" % (ref_cpu / max(cpu, 1e-3))
        rows.append(row)
    return rows


def size_mb(path):
    if os.path.isdir(path):
        return sum(os.path.getsize(os.path.join(r, n)) for r, _, ns in os.walk(path) for n in ns) / 1e6
    return os.path.getsize(path) / 1e6


# ---------------------------------------------------------------- W1 conformance check

def split_json_stream(text):
    """guardvm/cfn-guard -o json print one JSON value per (rules, data) pair."""
    dec = json.JSONDecoder()
    i, out = 0, []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return out
        v, i = dec.raw_decode(text, i)
        out.append(v)


def compare_w1(args, vm_out, ref_out):
    """Compares the JSON reports of the last measured runs, pair by pair."""
    a, b = open(vm_out, errors="replace").read(), open(ref_out, errors="replace").read()
    if a == b:
        return ["JSON results identical (%d bytes, %d reports)." % (len(a), len(split_json_stream(a)))]
    try:
        va, vb = split_json_stream(a), split_json_stream(b)
    except ValueError as e:
        return ["outputs differ and one is not a JSON stream: %s" % e]
    lines = ["outputs differ: %d vs %d reports;" % (len(va), len(vb))]
    diffs = [(x, y) for x, y in zip(va, vb) if x != y]
    lines.append("%d reports differ;" % len(diffs))
    for x, _ in diffs[:3]:
        lines.append("e.g. data %s;" % (x.get("name") if isinstance(x, dict) else "?"))
    lines.append("outputs kept in %s and %s" % (vm_out, ref_out))
    return lines


# ---------------------------------------------------------------- workloads

def run_w1(args, out):
    data = w1_templates(args)
    rules = registry_rules(args)
    inp = "%d rules files × 300 templates (%.1f MB)" % (count_rules(rules), size_mb(data))
    variants = [("guardvm (rules dir)", validate_cmd(args.guardvm, rules, data, ("--no-cache",)), False)]
    # The first run of this variant fills the cache; the later runs are warm.
    variants.append(("guardvm (rules dir, warm cache)", validate_cmd(args.guardvm, rules, data), False))
    pack = registry_pack(args)
    if pack:
        variants.append(("guardvm (.gpack)", validate_cmd(args.guardvm, pack, data), False))
    res = measure(args, "W1", variants, args.runs, args.timeout)
    out.append(table(summarize("W1", inp, res), "W1: all registry rules × 300 templates"))
    if not args.reference:
        return
    # cfn-guard needs hours for all of W1 here (it is superlinear in template
    # size), so the side-by-side ratio and the conformance check use a sample
    # of --w1-ref-sample templates spread over the size range.
    sample = w1_sample(args, data)
    inp = "%d rules files × %d templates (%.2f MB)" % (count_rules(rules), args.w1_ref_sample, size_mb(sample))
    variants = [("guardvm (rules dir)", validate_cmd(args.guardvm, rules, sample, ("--no-cache",)), False),
                ("cfn-guard", validate_cmd(args.reference, rules, sample), True)]
    res = measure(args, "W1s", variants, args.runs, args.ref_timeout_w1)
    out.append(table(summarize("W1 sample", inp, res, "cfn-guard"), "W1 sample: side by side with cfn-guard"))
    od = os.path.join(args.work, "out")
    if res["cfn-guard"] and not res["cfn-guard"][-1].timed_out:
        check = compare_w1(args, os.path.join(od, "W1s-guardvm (rules dir).out"), os.path.join(od, "W1s-cfn-guard.out"))
        rcs = {n: ss[-1].rc for n, ss in res.items() if ss}
        out.append("\nW1 conformance check: exit codes %s; " % rcs + " ".join(check))
        print(out[-1])


def run_w7(args, out):
    """W7: the registry (as a pack, and from source) × 300 small templates, where the
    cost per (rules file, template) pair dominates: with and without `-o json`."""
    data = w7_templates(args)
    rules = registry_rules(args)
    pack = registry_pack(args)
    inp = "%d rules files × 300 templates of 5–40 resources (%.1f MB)" % (count_rules(rules), size_mb(data))
    console = lambda prog, r: [prog, "validate", "-r", r, "-d", data]
    for mode, cmd in (("-o json", validate_cmd), ("console", console)):
        variants = []
        if pack:
            variants.append(("guardvm (.gpack)", cmd(args.guardvm, pack), False))
        # From source: a compile every run, and with the compile cache (its first
        # run fills it, the later runs are warm).
        variants.append(("guardvm (rules dir)", cmd(args.guardvm, rules) + ["--no-cache"], False))
        variants.append(("guardvm (rules dir, warm cache)", cmd(args.guardvm, rules), False))
        if args.reference:
            variants.append(("cfn-guard", cmd(args.reference, rules), True))
        label = "W7" + ("j" if mode == "-o json" else "c")
        res = measure(args, label, variants, args.runs, args.ref_timeout_w7)
        out.append(table(summarize("W7 " + mode, inp, res, "cfn-guard" if args.reference else None),
                         "W7 (%s): registry × 300 small templates" % mode))
        od = os.path.join(args.work, "out")
        if mode == "-o json" and pack:
            check = compare_w1(args, os.path.join(od, label + "-guardvm (.gpack).out"),
                               os.path.join(od, label + "-guardvm (rules dir).out"))
            out.append("\nW7 pack against source: " + " ".join(check))
            if args.reference and res["cfn-guard"] and not res["cfn-guard"][-1].timed_out:
                check = compare_w1(args, os.path.join(od, label + "-guardvm (.gpack).out"),
                                   os.path.join(od, label + "-cfn-guard.out"))
                out.append("\nW7 against cfn-guard: " + " ".join(check))
            print(out[-1])


def w1_sample(args, data):
    """A directory of symlinks to N W1 templates spread over the size range."""
    d = os.path.join(args.work, "w1-sample%d" % args.w1_ref_sample)
    os.makedirs(d, exist_ok=True)
    # Ordered by resource count (names are tNNN-<resources>.<ext>), then evenly spaced.
    names = sorted(os.listdir(data), key=lambda n: (int(n.split("-")[1].split(".")[0]), n))
    step = max(1, len(names) // args.w1_ref_sample)
    for n in names[step // 2::step][:args.w1_ref_sample]:
        link = os.path.join(d, n)
        if not os.path.lexists(link):
            os.symlink(os.path.join(data, n), link)
    return d


def count_rules(d):
    return sum(1 for _, _, ns in os.walk(d) for n in ns if n.endswith(".guard"))


def run_w2(args, out):
    rules = registry_rules(args)
    pack = registry_pack(args)
    rows = []
    ref_dead = set()  # formats on which the reference timed out: larger sizes would too
    d = os.path.join(args.work, "w2")
    os.makedirs(d, exist_ok=True)
    for fmt in ("yaml", "json"):
        for n in args.w2_sizes:
            path = gen(args, os.path.join(d, "t%d.%s" % (n, fmt)), n, 2, fmt)
            inp = "%d resources %s (%.1f MB)" % (n, fmt.upper(), size_mb(path))
            variants = [("guardvm (.gpack)" if pack else "guardvm", validate_cmd(args.guardvm, pack or rules, path), False)]
            if args.reference and fmt not in ref_dead and n <= args.w2_ref_max:
                variants.append(("cfn-guard", validate_cmd(args.reference, rules, path), True))
            res = measure(args, "W2", variants, args.runs, args.ref_timeout)
            if res.get("cfn-guard") and res["cfn-guard"][0].timed_out:
                ref_dead.add(fmt)
            rows += summarize("W2", inp, res, "cfn-guard" if "cfn-guard" in res else None)
    out.append(table(rows, "W2: all registry rules × one template",
                     "cfn-guard is run up to %d resources with a %d s timeout." % (args.w2_ref_max, args.ref_timeout)))


def floor_seconds(args, path):
    """The parse floor for one file (bench_parse_floor: simdjson / libyaml events)."""
    if not args.floor or not os.path.exists(args.floor):
        return None
    ts = []
    for _ in range(args.runs):
        r = subprocess.run([args.floor, path], capture_output=True, text=True)
        if r.returncode != 0:
            return None
        ts.append(float(r.stdout.split()[0]))
    return median(ts)


def run_w3(args, out):
    d = os.path.join(args.work, "w3")
    os.makedirs(d, exist_ok=True)
    rule = write_if_missing(os.path.join(d, "s3_versioning.guard"), SIMPLE_RULE)
    # ~1.48 KB per resource in JSON (indent 2), ~0.88 KB in YAML.
    files = [gen(args, os.path.join(d, "big.json"), args.w3_json_resources, 3, "json"),
             gen(args, os.path.join(d, "big.yaml"), args.w3_yaml_resources, 3, "yaml")]
    lines = ["", "### W3: one simple rule × one large template", "",
             "Throughputs are per CPU second (user+sys), for guardvm and for the parse floor alike.", "",
             "| input | MB | program | median CPU s | median wall s | MB/CPU-s | floor CPU s | floor MB/s | guardvm / floor throughput | peak RSS MB | RSS / input |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for path in files:
        mb = size_mb(path)
        variants = [("guardvm", validate_cmd(args.guardvm, rule, path), False)]
        if args.reference and args.w3_reference:
            variants.append(("cfn-guard", validate_cmd(args.reference, rule, path), True))
        res = measure(args, "W3", variants, args.runs, args.ref_timeout)
        fl = floor_seconds(args, path)
        for name, ss in res.items():
            if any(s.timed_out for s in ss):
                lines.append("| %s | %.0f | %s | timeout | | | | | | | |" % (os.path.basename(path), mb, name))
                continue
            cpu = median([s.cpu for s in ss])
            wall = median([s.wall for s in ss])
            rss = median([s.rss_kb for s in ss]) / 1024
            lines.append("| %s | %.0f | %s | %.3f | %.3f | %.0f | %s | %s | %s | %.0f | %.1f× |" % (
                os.path.basename(path), mb, name, cpu, wall, mb / max(cpu, 1e-3),
                fmt_s(fl) if fl else "–", "%.0f" % (mb / fl) if fl else "–",
                "%.2f" % (fl / max(cpu, 1e-3)) if fl else "–", rss, rss * 1.048576 / mb))
    text = "\n".join(lines)
    print(text)
    out.append(text)


def run_w4(args, out):
    d = os.path.join(args.work, "w4")
    os.makedirs(d, exist_ok=True)
    rule = write_if_missing(os.path.join(d, "s3_versioning.guard"), W4_RULE)
    rows = []
    for failing in args.w4_failures:
        path = w4_template(args, failing)
        inp = "%d failing + 1600 unrelated" % failing
        variants = [("guardvm", validate_cmd(args.guardvm, rule, path), False)]
        if args.reference:
            variants.append(("cfn-guard", validate_cmd(args.reference, rule, path), True))
        rows += summarize("W4", inp, measure(args, "W4", variants, args.runs, args.ref_timeout),
                          "cfn-guard" if args.reference else None)
    out.append(table(rows, "W4: one rule × failing buckets beside 1,600 unrelated resources, -o json -S none"))
    # The console report (the default output) is where cfn-guard's failure
    # reporting is quadratic.
    rows = []
    for failing in args.w4_failures:
        path = w4_template(args, failing)
        inp = "%d failing + 1600 unrelated" % failing
        variants = [("guardvm", [args.guardvm, "validate", "-r", rule, "-d", path], False)]
        if args.reference:
            variants.append(("cfn-guard", [args.reference, "validate", "-r", rule, "-d", path], True))
        rows += summarize("W4 console", inp, measure(args, "W4c", variants, args.runs, args.ref_timeout),
                          "cfn-guard" if args.reference else None)
    out.append(table(rows, "W4: the same, console output (default format)"))


def run_w5(args, out):
    rule = os.path.join(REPO, "rules", "no-root-for-tasks.guard")
    data = os.path.join(REPO, "rules", "examples", "seed")
    variants = [("guardvm", validate_cmd(args.guardvm, rule, data), False)]
    if args.reference:
        variants.append(("cfn-guard", validate_cmd(args.reference, rule, data), True))
    res = measure(args, "W5", variants, max(args.runs, 5), args.ref_timeout)
    out.append(table(summarize("W5", "seed example", res, "cfn-guard" if args.reference else None), "W5: the seed example"))


def supports_jobs(args):
    """guardvm has no -j yet: probe instead of assuming."""
    r = subprocess.run([args.guardvm, "validate", "-j", "2", "-r", os.devnull, "-d", os.devnull],
                       capture_output=True, text=True)
    return "-j" not in r.stderr and "jobs" not in r.stderr.lower() and r.returncode != 2


def run_w6(args, out):
    data = w1_templates(args)
    rules = registry_pack(args) or registry_rules(args)
    seq = validate_cmd(args.guardvm, rules, data)
    if supports_jobs(args):
        par = validate_cmd(args.guardvm, rules, data, ("-j", "2"))
        res = measure(args, "W6", [("guardvm -j 1", seq, False), ("guardvm -j 2", par, False)], args.runs, args.timeout)
        a = subprocess.run(seq, capture_output=True).stdout
        b = subprocess.run(par, capture_output=True).stdout
        note = "byte-identical output: %s; throughput -j 2 / -j 1 (wall): %.2f×" % (
            "yes" if a == b else "NO", median([s.wall for s in res["guardvm -j 1"]]) / median([s.wall for s in res["guardvm -j 2"]]))
    else:
        # What exists today: two processes over the two halves of the file list
        # (rules-major output order differs, so this is a throughput bound only).
        halves = shard_w1(args, data)
        script = "%s >%s.a & %s >%s.b; wait" % (
            " ".join(map(shq, validate_cmd(args.guardvm, rules, halves[0]))), os.path.join(args.work, "w6"),
            " ".join(map(shq, validate_cmd(args.guardvm, rules, halves[1]))), os.path.join(args.work, "w6"))
        res = measure(args, "W6", [("guardvm (1 process)", seq, False),
                                   ("2 processes, half each", ["sh", "-c", script], False)], args.runs, args.timeout)
        note = ("guardvm has no -j option yet; the second row runs two guardvm processes on the two "
                "halves of the files (not an equivalent output order). Wall-time speed-up: %.2f×" % (
                    median([s.wall for s in res["guardvm (1 process)"]]) /
                    median([s.wall for s in res["2 processes, half each"]])))
    out.append(table(summarize("W6", "W1 inputs", res), "W6: W1 on 2 cores", note))


def shq(s):
    return "'" + s.replace("'", "'\\''") + "'"


def shard_w1(args, data):
    """Two directories of symlinks holding alternate W1 files (balanced sizes)."""
    dirs = [os.path.join(args.work, "w6-half%d" % i) for i in (0, 1)]
    names = sorted(os.listdir(data))
    for i, d in enumerate(dirs):
        os.makedirs(d, exist_ok=True)
        for n in names[i::2]:
            link = os.path.join(d, n)
            if not os.path.lexists(link):
                os.symlink(os.path.join(data, n), link)
    return dirs


# ---------------------------------------------------------------- main

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_build = os.path.join(REPO, "build")
    p.add_argument("--guardvm", default=os.path.join(default_build, "guardvm"))
    p.add_argument("--guardc", default=None, help="default: guardc next to --guardvm")
    p.add_argument("--floor", default=None, help="bench_parse_floor binary (default: next to --guardvm, tests/bench)")
    p.add_argument("--reference", default=None, help="a cfn-guard 3.1.1 binary to compare with")
    p.add_argument("--gen-template", default=os.path.join(SHARED, "tools", "gen-template"))
    p.add_argument("--work", default="/tmp/guardvm-bench", help="workload cache and outputs")
    p.add_argument("--workloads", default="W1,W2,W3,W4,W5,W6,W7")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--ref-runs", type=int, default=None, help="cfn-guard runs (default --runs; it is slow)")
    p.add_argument("--timeout", type=float, default=600, help="per guardvm run, seconds")
    p.add_argument("--ref-timeout", type=float, default=120, help="per cfn-guard run, seconds")
    p.add_argument("--ref-timeout-w1", type=float, default=900)
    p.add_argument("--ref-timeout-w7", type=float, default=7200, help="cfn-guard takes ~20 CPU-minutes on W7")
    p.add_argument("--w1-ref-sample", type=int, default=4, help="W1 templates cfn-guard is run on")
    p.add_argument("--w2-sizes", default="100,1000,4000,10000,50000")
    p.add_argument("--w2-ref-max", type=int, default=1000, help="largest W2 size to run cfn-guard on")
    p.add_argument("--w3-json-resources", type=int, default=68000, help="≈100 MB")
    p.add_argument("--w3-yaml-resources", type=int, default=57000, help="≈50 MB")
    p.add_argument("--w3-reference", action="store_true", help="also run cfn-guard on W3 (slow)")
    p.add_argument("--w4-failures", default="50,100,200,400,800")
    p.add_argument("--markdown", default=None, help="also write the tables to this file")
    args = p.parse_args()
    args.guardvm = os.path.abspath(args.guardvm)
    bindir = os.path.dirname(args.guardvm)
    args.guardc = args.guardc or os.path.join(bindir, "guardc")
    if not os.path.exists(args.guardc):
        args.guardc = None
    args.floor = args.floor or os.path.join(bindir, "tests", "bench", "bench_parse_floor")
    args.ref_runs = args.runs if args.ref_runs is None else args.ref_runs
    args.w2_sizes = [int(x) for x in args.w2_sizes.split(",")]
    args.w4_failures = [int(x) for x in args.w4_failures.split(",")]
    os.makedirs(args.work, exist_ok=True)
    # guardvm's compile cache (docs/architecture.md): its own directory here; the
    # "(rules dir)" variants pass --no-cache (a compile every run, as before the
    # cache), "(rules dir, warm cache)" measures the cache's second run.
    os.environ["GUARDVM_CACHE_DIR"] = os.path.join(args.work, "compile-cache")

    out = ["# guardvm whole-run benchmark", "",
           "guardvm: %s; reference: %s; runs: %d (alternating); %s" % (
               args.guardvm, args.reference or "none", args.runs, machine())]
    steps = {"W1": run_w1, "W2": run_w2, "W3": run_w3, "W4": run_w4, "W5": run_w5, "W6": run_w6, "W7": run_w7}
    for w in args.workloads.split(","):
        print("== %s" % w, file=sys.stderr)
        steps[w.strip().upper()](args, out)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("\n".join(out) + "\n")


def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return "%s, %d cores" % (cpu, os.cpu_count() or 0)


if __name__ == "__main__":
    main()
