#!/usr/bin/env python3
"""Syntax probe: token-level mutations of rules files, compared with cfn-guard 3.1.1.

difftest.py generates rules that parse; this probe breaks them. Each rules file (one of the
shared cases', the registry's or a generated one) gets one to three token-level mutations (a
token deleted, inserted or replaced from the language's vocabulary, or the text cut short) and
runs against one small CloudFormation-shaped document with `validate -S all`. Compared: the exit
code, stderr (parse errors with their line, column and "when handling" labels; evaluation
errors) and the console report as a multiset of lines (cfn-guard orders rule blocks and
resources by hash). Run by hand; it needs the reference binary (docs/compatibility.md,
"Differential testing"):

  tools/difftest/syntax_probe.py --seed 7 --count 4000 --out /tmp/syntax

A mismatch is confirmed by running the reference again, then bucketed by the first line of
stderr without its position (or the first report line only one side prints); one folder per bucket is written to --out (rules.guard, data.yaml,
what each tool printed). Not reported: guardvm's " (referenced at line N)" suffix, rule-name
lists in hash order, code excerpts (they follow the order of resource blocks).
"""

import argparse
import glob
import hashlib
import os
import random
import re
import subprocess
import sys

import gen_rules

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_REFERENCE = os.path.expanduser("~/.cache/guard-reference/cfn-guard-3.1.1/cfn-guard")

# Tokens a mutation inserts or substitutes: the language's punctuation, keywords and literals.
VOCAB = ["[", "]", "{", "}", "(", ")", ",", "<<", ">>", "'", '"', "/", "%", ".", "*", "==", "!=", "!",
         "not", "NOT", "let", "rule", "when", "some", "exists", "in", "|", "or", "OR", ":", "\n", "r[",
         "r(", "1", "-1", "1.5", "e", "-", "+", "x", "%x", "this", "keys", "=", ":=", "empty",
         "is_string", "<", ">", "#", "\t", "true", "null", "{}", "[]", "[ ]", "{ }", "'a'", "/a/",
         "count(", "this.", "[*]", "[0]", "r[1,2]", "<<x>>", "&&", ";", "\\", "@", "$", "~", "`",
         "AWS::S3::Bucket", "a::b", "::"]
TOKEN = re.compile(r"\s+|<<|>>|==|!=|<=|>=|\|\||[A-Za-z_][A-Za-z0-9_\-]*|\d+(?:\.\d+)?|'[^'\n]*'"
                   r"|\"[^\"\n]*\"|/[^/\n]*/|.", re.S)
SYNTAX_DATA = """Resources:
  a:
    Type: T
    Properties: {x: 1}
  b:
    Type: U
names: [a, c]
nested:
  names: [b, zz]
  m: {k: q}
"""


def run(binary, rules, data, extra, timeout=60):
    p = subprocess.run([binary, "validate", "-r", rules, "-d", data] + extra, capture_output=True,
                       timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def sorted_rule_names(text):
    return re.sub(r"Rule Names = \[([^\]]*)\]",
                  lambda m: "Rule Names = [" + ", ".join(sorted(m.group(1).split(", "))) + "]", text)


def normal_stderr(text):
    return sorted_rule_names(re.sub(r" \(referenced at line \d+\)", "", text))


def normal(result):
    code, out, err = result
    lines = sorted(l for l in out.split("\n") if not re.match(r"^\s+\d+\.", l))
    return code, lines, normal_stderr(err)


def mutate(rng, text):
    tokens = TOKEN.findall(text)
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        if not tokens:
            break
        k = rng.randrange(len(tokens))
        op = rng.random()
        if op < 0.35:
            del tokens[k]
        elif op < 0.7:
            tokens.insert(k, rng.choice(VOCAB))
        elif op < 0.9:
            tokens[k] = rng.choice(VOCAB)
        else:
            tokens = tokens[:k]
    return "".join(tokens)


def corpus(shared):
    files = sorted(glob.glob(os.path.join(shared, "conformance", "cases", "*", "*", "rules.guard")))
    files += sorted(glob.glob(os.path.join(shared, "corpus", "registry", "rules", "**", "*.guard"),
                              recursive=True))
    texts = []
    for f in files:
        try:
            text = open(f, encoding="utf-8").read()
        except (OSError, UnicodeDecodeError):
            continue
        if len(text) < 4000:
            texts.append(text)
    return texts


class Findings:
    """Mismatches bucketed by (exit codes, first line only one side has); one folder per bucket."""

    def __init__(self, out):
        self.out, self.seen, self.count = out, set(), 0
        os.makedirs(out, exist_ok=True)

    def add(self, key, files, ref, gvm):
        self.count += 1
        if key in self.seen:
            return
        self.seen.add(key)
        name = hashlib.sha1("".join(t for _, t in files).encode()).hexdigest()[:10]
        folder = os.path.join(self.out, name)
        os.makedirs(folder, exist_ok=True)
        for fname, text in files:
            with open(os.path.join(folder, fname), "w") as f:
                f.write(text)
        for tool, (code, out, err) in (("reference", ref), ("guardvm", gvm)):
            with open(os.path.join(folder, tool + "-output.txt"), "w") as f:
                f.write("exit %d\n--- stdout\n%s--- stderr\n%s" % (code, out, err))
        print("mismatch %s: exit %d / %d; %s" % (name, ref[0], gvm[0], key[2:]), flush=True)


def bucket(ref, gvm):
    """Exit codes, then stderr's first lines without positions, or the first report line only one
    side prints, without what its brackets hold."""
    first = lambda r: re.sub(r"line \d+ at column \d+.*", "", r[2].split("\n")[0])[:120]
    if first(ref) != first(gvm):
        return ref[0], gvm[0], first(ref), first(gvm)
    ref_lines, gvm_lines = normal(ref)[1], normal(gvm)[1]
    shape = lambda lines, other: next((re.sub(r"\[[^\]]*\]", "[]", l)[:80] for l in lines if l not in other), "")
    return ref[0], gvm[0], shape(ref_lines, gvm_lines), shape(gvm_lines, ref_lines)


def confirmed(args, rules, data, extra, gvm_normal):
    return all(normal(run(args.reference, rules, data, extra)) != gvm_normal for _ in range(3))


def probe(args, work, findings):
    rng = random.Random(args.seed)
    texts = corpus(args.shared)
    data = os.path.join(work, "data.yaml")
    with open(data, "w") as f:
        f.write(SYNTAX_DATA)
    rules = os.path.join(work, "rules.guard")
    for _ in range(args.count):
        source = (gen_rules.render(gen_rules.generate(random.Random(rng.randrange(1 << 30))))
                  if rng.random() < 0.5 or not texts else rng.choice(texts))
        text = mutate(rng, source)
        with open(rules, "w") as f:
            f.write(text)
        ref, gvm = run(args.reference, rules, data, ["-S", "all"]), run(args.guardvm, rules, data, ["-S", "all"])
        if ref[0] == 101 or normal(ref) == normal(gvm):
            continue
        if not confirmed(args, rules, data, ["-S", "all"], normal(gvm)):
            continue
        findings.add(bucket(ref, gvm), [("rules.guard", text), ("data.yaml", SYNTAX_DATA)], ref, gvm)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=1000, help="mutated rules files to run")
    ap.add_argument("--reference", default=DEFAULT_REFERENCE)
    ap.add_argument("--guardvm", default=os.path.join(HERE, "..", "..", "build", "guardvm"))
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "..", "shared"))
    ap.add_argument("--work", default=None, help="folder for temporary files")
    ap.add_argument("--out", required=True, help="one folder per bucket of mismatches")
    args = ap.parse_args()
    work = args.work or os.path.join(args.out, ".work")
    os.makedirs(work, exist_ok=True)
    findings = Findings(args.out)
    probe(args, work, findings)
    print("%d mutated rules files run, %d mismatches in %d buckets" % (args.count, findings.count, len(findings.seen)))
    return 1 if findings.count else 0


if __name__ == "__main__":
    sys.exit(main())
