#!/usr/bin/env python3
"""Dev tool (not run by ctest): records what a guardvm binary prints (stdout,
stderr, exit code) over a fixed corpus of commands, so that a refactoring can
show its output is byte-identical to the code before it.

  tools/compare-outputs.py record --guardvm BIN --shared DIR --out OUT [-j N]
  tools/compare-outputs.py diff OLD_OUT NEW_OUT [--show N]

The corpus: every conformance case (<shared>/conformance/cases/*/*/ with
rules.guard and data.*) under each report mode (default, -o json, -o yaml,
--show-summary all, --verbose, --print-json, -z with json/junit/sarif, a
rules file given twice); every registry rules file against its unit-test
file (`test`, plain and --verbose; the pairs of expected.jsonl); the
registry's rules as one directory against generated templates (tools/gen-template,
fixed seeds) in json and console form. A run writes one file per command:
OUT/<id>.out holds the exit code, stdout and stderr (JUnit's elapsed times
masked). `diff` lists the ids
whose files differ and exits 1 if any do.
"""
import argparse
import concurrent.futures
import glob
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

CASE_MODES = {
    "plain": [],
    "json": ["-o", "json"],
    "yaml": ["-o", "yaml"],
    "summary-all": ["--show-summary", "all"],
    "verbose": ["--verbose", "-S", "none"],
    "print-json": ["--print-json", "-S", "none"],
    "z-json": ["-z", "-S", "none", "-o", "json"],
    "z-junit": ["-z", "-S", "none", "-o", "junit"],
    "z-sarif": ["-z", "-S", "none", "-o", "sarif"],
}


def case_commands(shared):
    for case in sorted(glob.glob(os.path.join(shared, "conformance/cases/*/*/"))):
        if not os.path.exists(os.path.join(case, "rules.guard")):
            continue
        data = sorted(f for f in os.listdir(case) if f.startswith("data."))
        if not data:
            continue
        cid = "case." + os.path.relpath(case, os.path.join(shared, "conformance/cases")).strip("/").replace("/", ".")
        for mode, flags in CASE_MODES.items():
            yield f"{cid}.{mode}", case, ["validate", "-r", "rules.guard", "-d", data[0]] + flags
        yield f"{cid}.twice", case, ["validate", "-r", "rules.guard", "-r", "rules.guard", "-d", data[0], "-o", "json"]


def registry_commands(shared, templates):
    reg = os.path.join(shared, "corpus/registry")
    pairs = set()
    with open(os.path.join(reg, "expected.jsonl")) as f:
        for line in f:
            e = json.loads(line)
            pairs.add((e["rules"], e["test"]))
    for rules, tests in sorted(pairs):
        rid = "reg." + rules.replace("/", ".") + "." + os.path.basename(tests)
        yield f"{rid}.test", reg, ["test", "-r", rules, "-t", tests]
        yield f"{rid}.test-verbose", reg, ["test", "-r", rules, "-t", tests, "--verbose"]
    rules_dir = os.path.join(reg, "rules")
    for t in templates:
        tid = "gen." + os.path.basename(t)
        yield f"{tid}.json", reg, ["validate", "-r", rules_dir, "-d", t, "-o", "json"]
        yield f"{tid}.console", reg, ["validate", "-r", rules_dir, "-d", t]
        yield f"{tid}.summary", reg, ["validate", "-r", rules_dir, "-d", t, "--show-summary", "all", "-o", "yaml"]


def make_templates(shared, out):
    gen = os.path.join(shared, "tools/gen-template")
    os.makedirs(out, exist_ok=True)
    paths = []
    for seed, n, fmt in [(1, 5, "yaml"), (2, 12, "json"), (3, 25, "yaml"), (4, 40, "yaml"), (5, 8, "json")]:
        path = os.path.join(out, f"t{seed}-{n}.{fmt}")
        if not os.path.exists(path):
            subprocess.run([gen, "-n", str(n), "-s", str(seed), "-f", fmt, "-c", "0.5", "-o", path], check=True)
        paths.append(path)
    return paths


def run_one(binary, out, cid, cwd, args):
    try:
        p = subprocess.run([binary] + args, cwd=cwd, capture_output=True, timeout=120)
        rc, so, se = p.returncode, p.stdout, p.stderr
        if "junit" in args:  # JUnit reports carry the run's elapsed milliseconds
            so = re.sub(rb' time="[0-9]+"', b' time="T"', so)
    except subprocess.TimeoutExpired:
        rc, so, se = "timeout", b"", b""
    with open(os.path.join(out, cid + ".out"), "wb") as f:
        f.write(f"exit {rc}\n--- stdout\n".encode() + so + b"\n--- stderr\n" + se)


def record(a):
    os.makedirs(a.out, exist_ok=True)
    # One fixed place for the templates: their paths appear in the reports.
    templates = make_templates(a.shared, os.path.join(tempfile.gettempdir(), "guardvm-compare-templates"))
    binary = os.path.abspath(a.guardvm)
    cmds = list(case_commands(a.shared)) + list(registry_commands(a.shared, templates))
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
        for f in [ex.submit(run_one, binary, a.out, cid, cwd, args) for cid, cwd, args in cmds]:
            f.result()
    print(f"{len(cmds)} commands recorded in {a.out}")


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def diff(a):
    old = {f for f in os.listdir(a.old) if f.endswith(".out")}
    new = {f for f in os.listdir(a.new) if f.endswith(".out")}
    differ = sorted(f for f in old & new if digest(os.path.join(a.old, f)) != digest(os.path.join(a.new, f)))
    missing = sorted(old ^ new)
    for f in differ[: a.show]:
        print("differs:", f[:-4])
    for f in missing[: a.show]:
        print("only in one:", f[:-4])
    print(f"{len(old & new) - len(differ)} identical, {len(differ)} differ, {len(missing)} only in one")
    return 1 if differ or missing else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("record")
    r.add_argument("--guardvm", required=True)
    r.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "../../shared"))
    r.add_argument("--out", required=True)
    r.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    d = sub.add_parser("diff")
    d.add_argument("old")
    d.add_argument("new")
    d.add_argument("--show", type=int, default=20)
    a = ap.parse_args()
    if a.cmd == "record":
        record(a)
        return 0
    return diff(a)


if __name__ == "__main__":
    sys.exit(main())
