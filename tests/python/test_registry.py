"""Pack.validate against `guardvm validate -o json -S none` on every test
input of the AWS Guard Rules Registry (../shared/corpus/registry): the same
bytes for each rules file over its inputs, and the same exit code; and the
structured=True reports against `validate --structured -o json`."""
import importlib.machinery
import importlib.util
import json
import os

import pytest

import guardvm
from conftest import run_cli


def _conformance(shared_dir):
    """The shared conformance tool as a module (for reading the test files)."""
    path = os.path.join(shared_dir, "tools", "conformance")
    loader = importlib.machinery.SourceFileLoader("guard_conformance", path)
    spec = importlib.util.spec_from_loader("guard_conformance", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_registry_inputs(shared_dir, guardvm_program, tmp_path):
    tool = _conformance(shared_dir)
    root = os.path.join(shared_dir, "corpus", "registry")
    plan = sorted({(l["rules"], l["test"]) for l in map(json.loads, open(os.path.join(root, "expected.jsonl")))})
    inputs = compared = 0
    for n, (rules_rel, test_rel) in enumerate(plan):
        with open(os.path.join(root, test_rel), encoding="utf-8") as f:
            items = tool.read_test_items(f.read())
        folder = tmp_path / str(n)
        folder.mkdir()
        texts = {}
        for index, item in enumerate(items):
            text = tool.materialize_input(item)
            (folder / ("%d.yaml" % index)).write_text(text, encoding="utf-8")
            texts[index] = text
        inputs += len(items)
        rules_path = os.path.join(root, rules_rel)
        pack = guardvm.compile([rules_path])
        files = guardvm.list_data_files([str(folder)])
        out, err, rc = run_cli(guardvm_program, "validate", "-r", rules_path, "-d", str(folder), "-o", "json",
                               "-S", "none")
        results = []
        for path, name in files:
            try:
                results.append(pack.evaluate_file(path, name, structured=True))
            except guardvm.GuardError as e:
                results.append(e)
        errors = [r for r in results if isinstance(r, guardvm.GuardError)]
        if errors:  # the CLI stops at the first input that does not parse
            assert rc == 255 and out == b"", rules_rel
            assert "Error occurred " + errors[0].message in err, rules_rel
            continue
        assert b"".join(r.text.encode() for r in results) == out, rules_rel
        assert rc == (19 if any(r.status == "FAIL" for r in results) else 0), rules_rel
        # The combined reports are --structured's.
        s_out, _, s_rc = run_cli(guardvm_program, "validate", "-r", rules_path, "-d", str(folder), "--structured",
                                 "-o", "json", "-S", "none")
        assert s_rc == rc and json.loads(s_out) == [r.structured for r in results], rules_rel
        # validate() on the text gives the same objects as the file.
        for (path, name), r in zip(files, results):
            index = int(os.path.basename(path).split(".")[0])
            assert pack.validate(texts[index], name=name) == [f.report for f in r.files], (rules_rel, index)
        compared += len(files)
    assert inputs >= 1700, inputs
    print("registry: %d inputs, %d compared byte for byte" % (inputs, compared))
