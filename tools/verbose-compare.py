#!/usr/bin/env python3
"""Dev tool (not run by ctest): compares `validate --verbose` and
`validate --print-json` of guardvm with the reference cfn-guard 3.1.1 binary
on every conformance case (<shared>/conformance/cases/*/*/ with rules.guard
and one data.* file) and counts byte-identical outputs (stdout and exit code).

  tools/verbose-compare.py GUARDVM CFN_GUARD SHARED_DIR [-v] [--show N] [--only SUBSTR]

-v prints a unified diff (first lines) for each differing case.
"""
import argparse, difflib, glob, os, subprocess, sys
from concurrent.futures import ThreadPoolExecutor


def run(binary, args, cwd):
    try:
        p = subprocess.run([binary] + args, cwd=cwd, capture_output=True, timeout=60)
        return p.stdout, p.returncode
    except subprocess.TimeoutExpired:
        return b"<timeout>", -1


def compare(case, vm, ref, flag):
    data = sorted(f for f in os.listdir(case) if f.startswith("data."))
    if not data or not os.path.exists(os.path.join(case, "rules.guard")):
        return None
    args = ["validate", "-r", "rules.guard", "-d", data[0], flag, "-S", "none"]
    want = run(ref, args, case)
    got = run(vm, args, case)
    return want, got


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("guardvm")
    ap.add_argument("cfn_guard")
    ap.add_argument("shared")
    ap.add_argument("-v", action="store_true")
    ap.add_argument("--show", type=int, default=12)
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    a.guardvm, a.cfn_guard = os.path.abspath(a.guardvm), os.path.abspath(a.cfn_guard)
    cases = sorted(glob.glob(os.path.join(a.shared, "conformance/cases/*/*/")))
    cases = [c for c in cases if a.only in c]
    for flag in ("--verbose", "--print-json"):
        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(lambda c: (c, compare(c, a.guardvm, a.cfn_guard, flag)), cases))
        same = total = 0
        differing = []
        for case, r in results:
            if r is None:
                continue
            total += 1
            (want, wrc), (got, grc) = r
            if want == got and wrc == grc:
                same += 1
            else:
                differing.append((case, want, got, wrc, grc))
        print(f"{flag}: {same}/{total} byte-identical")
        if a.v:
            for case, want, got, wrc, grc in differing:
                print(f"--- {case} (exit {wrc} vs {grc})")
                d = difflib.unified_diff(want.decode(errors="replace").splitlines(),
                                         got.decode(errors="replace").splitlines(),
                                         "cfn-guard", "guardvm", lineterm="", n=1)
                for i, line in enumerate(d):
                    if i >= a.show:
                        break
                    print(line[:400])
        else:
            for case, *_ in differing:
                print("  differs:", os.path.relpath(case, a.shared))


if __name__ == "__main__":
    sys.exit(main())
