"""Buckets minimised mismatches by cause, prints the summary table, writes case folders.

Called by difftest.py after the minimisation phase. A bucket's signature is the level of the
mismatch, its first kind (compare.diff) and the features of the minimised pair (constructs of
the rules file from gen_rules.features, plus whether the data uses tags or YAML plain
scalars). Each bucket keeps its smallest example, which is written as a case folder in the
layout of /work/shared/conformance/cases (rules.guard, data.yaml|json, note.md,
expected.json with fail_paths, reference-output.txt), runnable with
`conformance --level 2 cases DIR` without the reference binary.
"""

import difflib
import json
import os
import re

import compare
import gen_data
import gen_rules

_STRENGTH = {"PASS": 0, "SKIP": 1, "FAIL": 2}


def data_features(doc):
    found = set()

    def walk(v):
        if isinstance(v, gen_data.Tag):
            found.add("data:tag")
            walk(v.value)
        elif isinstance(v, gen_data.Wrapper):
            found.add("data:" + (v.style if isinstance(v, gen_data.Layout) else type(v).__name__.lower()))
            walk(v.value)
        elif isinstance(v, gen_data.Plain):
            found.add("data:plain")
        elif isinstance(v, (gen_data.Raw, gen_data.Block)):
            found.add("data:" + type(v).__name__.lower())
        elif isinstance(v, dict):
            for k, x in v.items():
                if not isinstance(k, str):
                    found.add("data:" + type(k).__name__.lower())
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    walk(doc)
    return sorted(found)


def signature(level, kinds, rules_tree, doc):
    return (level, kinds[0], tuple(gen_rules.features(rules_tree) + data_features(doc)))


def _size(example):
    return len(example["rules_text"]) + len(example["data_text"])


class Buckets:
    def __init__(self):
        self.by_sig = {}

    def add(self, sig, example):
        b = self.by_sig.setdefault(sig, {"count": 0, "example": example})
        b["count"] += 1
        if _size(example) < _size(b["example"]):
            b["example"] = example

    def ordered(self):
        return sorted(self.by_sig.items(), key=lambda kv: (kv[0][0], -kv[1]["count"], kv[0]))


def _collapse(joined):
    return max(joined.split(","), key=lambda s: _STRENGTH.get(s, 0)) if joined else joined


def expected_json(ref):
    """expected.json of a case, in the format of the shared conformance cases."""
    s = compare.summarize(ref["report"])
    err = None
    if ref["exit"] not in (0, 19):
        lines = [l for l in ref.get("stderr_text", "").splitlines() if l.strip()]
        err = lines[0] if lines else None
    out = {"error": err, "exit": ref["exit"]}
    if s is None:
        out.update({"rules": {}, "status": None})
    else:
        out["fail_paths"] = {k: v for k, v in sorted(s[2].items())}
        out["rules"] = {k: _collapse(v) for k, v in sorted(s[1].items())}
        out["status"] = s[0]
    return out


def _slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]


def write_case(root, index, sig, bucket, name=None):
    ex = bucket["example"]
    level, kind, feats = sig
    name = name or "%02d-L%d-%s" % (index, level, _slug(kind + " " + " ".join(
        f.split(":")[-1] for f in feats if f.startswith(("op:", "fn:", "part:")))))
    folder = os.path.join(root, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "rules.guard"), "w", encoding="utf-8") as f:
        f.write(ex["rules_text"])
    with open(os.path.join(folder, "data." + ex["fmt"]), "w", encoding="utf-8") as f:
        f.write(ex["data_text"])
    for name, text in ex.get("params", []):
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            f.write(text)
    ref, gv = ex["ref"], ex["gv"]
    with open(os.path.join(folder, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected_json(ref), f, indent=1, sort_keys=True)
    with open(os.path.join(folder, "reference-output.txt"), "w", encoding="utf-8") as f:
        f.write("exit %d\n--- stdout\n%s--- stderr\n%s" % (ref["exit"], ref["raw"],
                                                           ref.get("stderr_text", "")))
    with open(os.path.join(folder, "note.md"), "w", encoding="utf-8") as f:
        f.write("# %s\n\nFound by tools/difftest (seed %s, pair %s), minimised automatically.\n\n"
                % (name, ex.get("seed"), ex.get("pair")))
        f.write("Level %d mismatch: %s.\n\nFeatures: %s\n\n" % (level, kind, ", ".join(feats)))
        f.write("Bucket size in the run: %d minimised mismatch(es).\n\n" % bucket["count"])
        f.write("```\n" + "\n".join(compare.rule_status_details(ref, gv)) + "\n```\n")
        if level == 3:
            f.write("\nFirst differing JSON locations: %s\n" % ", ".join(ex["kinds"]))
        diff = list(difflib.unified_diff(ref["raw"].splitlines(), gv["raw"].splitlines(),
                                         "reference", "guardvm", lineterm="", n=2))
        if diff:
            f.write("\nReport diff (first 60 lines):\n\n```diff\n" + "\n".join(diff[:60]) + "\n```\n")
    return name


def table(stats, buckets, unminimised):
    """The summary printed at the end of a run."""
    lines = ["pairs run: %d (rules files: %d) in %.0f s: %.1f pairs/s" % (
                 stats["pairs"], stats["files"], stats["seconds"],
                 stats["pairs"] / max(stats["seconds"], 1e-9)),
             "mismatches: level 1: %d, level 2: %d, level 3: %d" % (
                 stats["level1"], stats["level2"], stats["level3"]),
             "excluded: reference panics (exit 101): %d, NaN/inf report errors: %d" % (
                 stats["panic"], stats["nan"]),
             "not run: %d documents of rules files the reference kept stopping on (--max-error-runs)"
             % stats["cut_pairs"],
             "minimised: %d (%d reference runs)" % (stats["minimised"], stats["min_runs"]),
             ""]
    lines.append("%-4s %-6s %-30s %s" % ("lvl", "count", "kind", "features"))
    for sig, b in buckets.ordered():
        level, kind, feats = sig
        lines.append("%-4d %-6d %-30s %s" % (level, b["count"], kind[:30], " ".join(feats)))
        ex = b["example"]
        for l in ex["rules_text"].rstrip().splitlines():
            lines.append("        | " + l)
        lines.append("        | --- data (%s)" % ex["fmt"])
        for l in ex["data_text"].rstrip().splitlines()[:12]:
            lines.append("        | " + l)
    if unminimised:
        lines.append("")
        lines.append("not minimised (over the --minimise limit), by level and first kind:")
        for (level, kind), n in sorted(unminimised.items()):
            lines.append("  L%d %-40s %d" % (level, kind, n))
    return "\n".join(lines)
