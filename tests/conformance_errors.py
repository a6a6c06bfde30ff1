#!/usr/bin/env python3
"""The error texts of the shared conformance cases: for every case whose expected.json has an
"error" (the first line cfn-guard 3.1.1 wrote on stderr), guardvm's first stderr line must start
with it (guardvm may add where and why after cfn-guard's text). The shared harness compares exit
codes and reports, not these texts. Each case runs in its own folder; the folder is cut from the
paths in guardvm's text, as it was from the recorded ones. Lists that cfn-guard prints in hash order (rule names) are compared sorted.

Called by ctest (tests/CMakeLists.txt):  conformance_errors.py GUARDVM SHARED_DIR
Exits 77 (skipped) without SHARED_DIR's cases, 1 when a text differs that is not in KNOWN.
"""

import json
import os
import re
import subprocess
import sys

# Cases whose text differs on purpose or is not matched yet (docs/compatibility.md).
KNOWN = set()

HASH_ORDERED = re.compile(r'(Rule Names = |candidate )\[([^\]]*)\]')


def sorted_lists(text):
    return HASH_ORDERED.sub(lambda m: m.group(1) + "[" + ", ".join(sorted(m.group(2).split(", "))) + "]", text)


def main():
    guardvm, shared = os.path.abspath(sys.argv[1]), sys.argv[2]
    root = os.path.join(shared, "conformance", "cases")
    if not os.path.isdir(root):
        print("skipped: %s not found" % root)
        return 77
    checked, failed = 0, []
    for group in sorted(os.listdir(root)):
        for name in sorted(os.listdir(os.path.join(root, group))):
            case = os.path.join(root, group, name)
            expected_file = os.path.join(case, "expected.json")
            if not os.path.isfile(expected_file):
                continue
            with open(expected_file, encoding="utf-8") as f:
                want = json.load(f).get("error")
            datas = sorted(d for d in os.listdir(case) if d.startswith("data."))
            if not want or not datas:
                continue
            argv = [guardvm, "validate", "--rules", "rules.guard"]
            for d in datas:
                argv += ["--data", d]
            argv += ["--output-format", "json", "--show-summary", "none"]
            p = subprocess.run(argv, cwd=case, capture_output=True, stdin=subprocess.DEVNULL, timeout=60)
            got = p.stderr.decode("utf-8", "replace").splitlines()
            # The recorded texts name the case's files without its folder (cfn-guard, like
            # guardvm, prints the canonical path).
            got = (got[0] if got else "").replace(os.path.realpath(case) + "/", "")
            checked += 1
            key = group + "/" + name
            if not sorted_lists(got).startswith(sorted_lists(want.rstrip())):
                if key in KNOWN:
                    continue
                failed.append(key)
                print("FAIL %s\n  cfn-guard: %s\n  guardvm:   %s" % (key, want, got))
    print("%d error texts checked, %d differ (%d known differences listed)" % (checked, len(failed), len(KNOWN)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
