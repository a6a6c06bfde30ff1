#!/usr/bin/env python3
"""ctest `bundles`: every registry rule-set bundle answers as its rule set's
.guard files do.

For each mappings/rule_set_*.json of the registry and the bundle built from
it (BUNDLE_DIR/<ruleSetName>.gpack, cmake -DGUARD_REGISTRY_DIR), on the test
inputs of the set's rules files (materialized from the registry's unit-test
files, as the conformance tool reads them):

  1. `guardvm validate -r @<ruleSetName> -d INPUTS -o json -S none` (found
     through GUARDVM_BUNDLE_PATH) prints the same bytes and exits with the
     same code as `validate -r FILE...` with the set's .guard files in
     manifest order;
  2. each input's status under its own rules file is the reference's
     (expected.jsonl, cfn-guard 3.1.1's answers);
  3. the bundle's metadata (`guardc --list PACK`) names the set, its version,
     and every mapping's controls.

With CONTROL_TOWER_DIR (made by tools/fetch-control-tower.py), the Control
Tower bundle too: byte-identical to its .guard files on every registry test
input, its controls listed.

Usage: check_bundles.py GUARDVM GUARDC BUNDLE_DIR SHARED_DIR [CONTROL_TOWER_DIR]
Exits 77 (ctest: skipped) when the registry or the bundles are absent.
"""
import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys
import tempfile


def conformance_module(shared):
    path = os.path.join(shared, "tools", "conformance")
    loader = importlib.machinery.SourceFileLoader("guard_conformance", path)
    spec = importlib.util.spec_from_loader("guard_conformance", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def json_objects(text):
    """The objects of `validate -o json`'s stdout, which prints them one after another."""
    decoder, at, out = json.JSONDecoder(), 0, []
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at == len(text):
            return out
        obj, at = decoder.raw_decode(text, at)
        out.append(obj)


def run(args, env=None):
    p = subprocess.run(args, capture_output=True, env=env)
    return p.stdout, p.stderr, p.returncode


def materialize(tool, root, tests, folder):
    """Writes every input of the unit-test files `tests` into `folder`; returns
    {(test, index): path}."""
    paths = {}
    for n, test in enumerate(tests):
        with open(os.path.join(root, test), encoding="utf-8") as f:
            items = tool.read_test_items(f.read())
        for index, item in enumerate(items):
            path = os.path.join(folder, "%03d-%02d.yaml" % (n, index))
            with open(path, "w", encoding="utf-8") as out:
                out.write(tool.materialize_input(item))
            paths[(test, index)] = path
    return paths


def compare_with_sources(guardvm, bundle_dir, name, root, files, folder):
    """(errors, bundle stdout): `-r @name` against `-r FILE...` on `folder`."""
    env = dict(os.environ, GUARDVM_BUNDLE_PATH=bundle_dir)
    common = ["validate", "-d", folder, "-o", "json", "-S", "none"]
    b_out, b_err, b_rc = run([guardvm, *common, "-r", "@" + name], env)
    sources = []
    for rel in files:
        sources += ["-r", os.path.join(root, rel)]
    s_out, s_err, s_rc = run([guardvm, *common, *sources])
    if (b_out, b_rc) != (s_out, s_rc) or b_rc not in (0, 19):
        return ["%s: bundle and sources differ or fail (exit %d vs %d, %d vs %d bytes; stderr %r)"
                % (name, b_rc, s_rc, len(b_out), len(s_out), b_err[:300])], b_out
    return [], b_out


def check_listing(guardc, bundle, manifest):
    """guardc --list names the set and lists each mapping's controls; returns
    (errors, the basenames of rules files without named rules)."""
    name = manifest["ruleSetName"]
    out, err, rc = run([guardc, "--list", bundle])
    listing = out.decode("utf-8")
    errors = []
    if rc != 0 or not listing.startswith("; bundle %s %s\n" % (name, manifest["version"])):
        errors.append("%s: guardc --list does not name the set: %r" % (name, (listing[:200], err[:200])))
    for m in manifest["mappings"]:
        if m["controls"] and ";     controls: " + ", ".join(m["controls"]) + "\n" not in listing:
            errors.append("%s: the controls of %s are not listed" % (name, m["guardFilePath"]))
    silent = {line.split(": ")[0].strip("; ") for line in listing.splitlines() if line.endswith(": no named rules")}
    return errors, silent


def check_set(guardvm, guardc, bundle_dir, root, tool, expected, manifest_path, scratch, compared):
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    name = manifest["ruleSetName"]
    bundle = os.path.join(bundle_dir, name + ".gpack")
    if not os.path.exists(bundle):
        return ["%s: no bundle %s" % (name, bundle)]
    files = [m["guardFilePath"] for m in manifest["mappings"]]
    lines = [l for l in expected if l["rules"] in set(files)]
    tests = sorted({l["test"] for l in lines})
    folder = os.path.join(scratch, name)
    os.mkdir(folder)
    paths = materialize(tool, root, tests, folder)
    errors, out = compare_with_sources(guardvm, bundle_dir, name, root, files, folder)
    listing_errors, silent = check_listing(guardc, bundle, manifest)
    errors += listing_errors
    if errors:
        return errors

    # Reports come rules-file-major, data files in name order; a rules file
    # without named rules (the registry has a few empty ones) reports nothing.
    reporting = [f for f in files if os.path.basename(f) not in silent]
    reports = json_objects(out.decode("utf-8"))
    data = sorted(paths.values())
    if len(reports) != len(reporting) * len(data):
        return ["%s: %d reports for %d reporting rules files x %d inputs"
                % (name, len(reports), len(reporting), len(data))]
    for l in lines:
        if l["rules"] not in reporting:
            continue
        r = reporting.index(l["rules"])
        d = data.index(paths[(l["test"], l["index"])])
        got = reports[r * len(data) + d]["status"]
        compared[0] += 1
        if got != l["status"]:
            errors.append("%s: %s on %s #%d: %s, the reference %s" % (name, l["rules"], l["test"], l["index"], got,
                                                                     l["status"]))
    return errors


def check_control_tower(guardvm, guardc, bundle_dir, ct_dir, root, tool, expected, scratch):
    """The Control Tower bundle against its .guard files on every registry test input."""
    with open(os.path.join(ct_dir, "control-tower.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    name = manifest["ruleSetName"]
    bundle = os.path.join(bundle_dir, name + ".gpack")
    if not os.path.exists(bundle):
        return ["%s: no bundle %s" % (name, bundle)], 0
    folder = os.path.join(scratch, "control-tower-inputs")
    os.mkdir(folder)
    paths = materialize(tool, root, sorted({l["test"] for l in expected}), folder)
    files = [m["guardFilePath"] for m in manifest["mappings"]]
    errors, out = compare_with_sources(guardvm, bundle_dir, name, os.path.join(ct_dir, "package"), files, folder)
    listing_errors, silent = check_listing(guardc, bundle, manifest)
    errors += listing_errors
    if errors:
        return errors, 0
    # One report per (rules file with named rules, input): none lost.
    reports = len(json_objects(out.decode("utf-8")))
    reporting = [f for f in files if os.path.basename(f) not in silent]
    if reports != len(reporting) * len(paths):
        errors.append("%s: %d reports for %d reporting rules files x %d inputs"
                      % (name, reports, len(reporting), len(paths)))
    return errors, reports


def main(argv):
    if len(argv) not in (4, 5):
        sys.exit(__doc__)
    guardvm, guardc, bundle_dir, shared = argv[:4]
    ct_dir = argv[4] if len(argv) == 5 else None
    root = os.path.join(shared, "corpus", "registry")
    mappings = os.path.join(root, "mappings")
    if not os.path.isdir(mappings) or not os.path.isdir(bundle_dir):
        print("skipped: no registry at %s or no bundles at %s" % (root, bundle_dir))
        return 77
    tool = conformance_module(shared)
    with open(os.path.join(root, "expected.jsonl"), encoding="utf-8") as f:
        expected = [json.loads(l) for l in f]
    manifests = sorted(os.path.join(mappings, m) for m in os.listdir(mappings)
                       if m.startswith("rule_set_") and m.endswith(".json"))
    errors, compared = [], [0]
    with tempfile.TemporaryDirectory() as scratch:
        for m in manifests:
            errors += check_set(guardvm, guardc, bundle_dir, root, tool, expected, m, scratch, compared)
        print("%d registry rule sets: bundles byte-identical to their sources, %d statuses compared with the "
              "reference" % (len(manifests), compared[0]))
        if ct_dir:
            ct_errors, reports = check_control_tower(guardvm, guardc, bundle_dir, ct_dir, root, tool, expected,
                                                     scratch)
            errors += ct_errors
            print("Control Tower bundle: %d reports byte-identical to its sources'" % reports)
    for e in errors[:50]:
        print("FAIL " + e)
    print("%d failures" % len(errors))
    return 1 if errors or not manifests else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
