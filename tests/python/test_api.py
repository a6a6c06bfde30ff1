"""The Python API (python/guardvm) on libguardvm: compiling, packs in and out,
evaluation against the CLI's own output, errors, pickling and threads."""
import json
import os
import pickle
import threading

import pytest

import guardvm
from conftest import run_cli

RULES = """
let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]
rule s3_versioned when %buckets !empty {
  %buckets.Properties.VersioningConfiguration.Status == 'Enabled' <<versioning must be on>>
}
rule s3_named when %buckets !empty { %buckets.Properties.BucketName exists }
"""
GOOD = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: b\n" \
       "      VersioningConfiguration: {Status: Enabled}\n"
BAD = '{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {}}}}'


def test_version():
    assert guardvm.version().startswith("guardvm ")
    assert "cfn-guard 3.1.1 compatible" in guardvm.version()


def test_statuses_and_reports_match_the_cli(tmp_path, guardvm_program):
    (tmp_path / "s3.guard").write_text(RULES)
    (tmp_path / "other.guard").write_text("rule has_resources { Resources !empty }\n")
    (tmp_path / "notes.guard").write_text("# only a comment\n")
    data = tmp_path / "bad.json"
    data.write_text(BAD)
    pack = guardvm.compile([str(tmp_path)])
    assert pack.files == ["notes.guard", "other.guard", "s3.guard"]
    result = pack.evaluate_file(data)
    assert result.status == "FAIL"
    assert [f.name for f in result.files] == ["other.guard", "s3.guard"]  # comment-only file: not evaluated
    assert result.files[1].rules == {"s3_versioned": "FAIL", "s3_named": "FAIL"}
    out, _, rc = run_cli(guardvm_program, "validate", "-r", str(tmp_path), "-d", str(data), "-o", "json", "-S", "none")
    assert rc == 19
    assert result.text.encode() == out
    reports = pack.validate(BAD, name=os.path.realpath(data))
    assert reports == [f.report for f in result.files]
    assert reports[1]["name"] == os.path.realpath(data)
    assert reports[1]["status"] == "FAIL"
    assert list(reports[1]) == ["name", "metadata", "status", "not_compliant", "not_applicable", "compliant"]
    assert pack.evaluate(GOOD).status == "PASS"
    assert pack.evaluate("Resources: {}").files[1].status == "SKIP"
    quick = pack.evaluate(BAD, report=False)
    assert quick.status == "FAIL" and quick.files[1].report_text == ""


def test_structured_report_is_the_clis(tmp_path, guardvm_program):
    """structured=True gives the combined object `validate --structured -o json` lists per document."""
    (tmp_path / "s3.guard").write_text(RULES)
    (tmp_path / "other.guard").write_text("rule has_resources { Resources !empty }\n")
    data = tmp_path / "data"
    data.mkdir()
    (data / "a-bad.json").write_text(BAD)
    (data / "b-good.json").write_text(GOOD)
    (data / "c-empty.yaml").write_text("Resources: {}\n")
    pack = guardvm.compile([str(tmp_path / "s3.guard"), str(tmp_path / "other.guard")])
    out, _, rc = run_cli(guardvm_program, "validate", "-r", str(tmp_path / "s3.guard"), "-r",
                         str(tmp_path / "other.guard"), "-d", str(data), "--structured", "-o", "json", "-S", "none")
    assert rc == 19
    expected = json.loads(out)
    got = [pack.validate_file(path, name, structured=True) for path, name in guardvm.list_data_files([str(data)])]
    assert got == expected
    assert [g["status"] for g in got] == ["FAIL", "PASS", "FAIL"]
    # Evaluated with the flag, both forms are there; without it, no combined report.
    both = pack.evaluate(BAD, structured=True)
    assert both.structured["status"] == "FAIL" and len(both.files) == 2 and both.files[0].report_text
    assert pack.evaluate(BAD).structured is None


def test_packs_round_trip(tmp_path, guardvm_program):
    pack = guardvm.compile_text({"s3.guard": RULES})
    path = tmp_path / "s3.gpack"
    pack.save(path)
    loaded = guardvm.load(path)
    assert loaded.files == ["s3.guard"]
    assert guardvm.Pack.from_bytes(pack.to_bytes()).validate(BAD) == pack.validate(BAD)
    assert pickle.loads(pickle.dumps(pack)).validate(BAD) == pack.validate(BAD)
    data = tmp_path / "bad.json"
    data.write_text(BAD)
    out, _, rc = run_cli(guardvm_program, "validate", "-r", str(path), "-d", str(data), "-o", "json", "-S", "none")
    assert rc == 19 and loaded.evaluate_file(data).text.encode() == out
    damaged = bytearray(pack.to_bytes())
    damaged[len(damaged) // 2] ^= 0x10
    with pytest.raises(guardvm.GuardError) as e:
        guardvm.Pack.from_bytes(bytes(damaged), name="damaged.gpack")
    assert e.value.code == "PACK" and "damaged.gpack" in e.value.message
    with pytest.raises(guardvm.GuardError) as e:
        pack.save(tmp_path / "no" / "dir" / "x.gpack")
    assert e.value.code == "IO"


def test_errors(tmp_path):
    with pytest.raises(guardvm.GuardError) as e:
        guardvm.compile_text("rule r {\n  a == \n}\n", name="r.guard")
    assert e.value.code == "RULES"
    assert e.value.message.startswith("r.guard:") and "^" in e.value.message
    with pytest.raises(guardvm.GuardError) as e:
        guardvm.compile([str(tmp_path / "absent")])
    assert e.value.code == "IO"
    pack = guardvm.compile_text(RULES)
    with pytest.raises(guardvm.GuardError) as e:
        pack.validate("Resources: [1,\n", name="t.yaml")
    assert e.value.code == "DATA"
    assert e.value.message.startswith("Parser Error when parsing `Error encountered while parsing data file: t.yaml")
    with pytest.raises(guardvm.GuardError) as e:
        pack.validate(b"Resources: {a: '\xff'}")
    assert e.value.code == "DATA" and "valid UTF-8" in e.value.message
    with pytest.raises(guardvm.GuardError) as e:
        pack.evaluate_file(tmp_path / "absent.yaml")
    assert e.value.code == "IO" and e.value.message.endswith("absent.yaml` does not exist")
    with pytest.raises(guardvm.GuardError) as e:
        pack.evaluate_file(tmp_path / "absent.yaml", name="absent.yaml")
    assert e.value.code == "IO" and e.value.message.startswith("I/O error when reading ")


def test_list_data_files(tmp_path):
    (tmp_path / "b.yaml").write_text("a: 1")
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "skip.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.template").write_text("a: 1")
    names = [n for _, n in guardvm.list_data_files(str(tmp_path))]
    base = os.path.realpath(tmp_path)
    assert names == [base + "/a.json", base + "/b.yaml", base + "/sub/c.template"]
    with pytest.raises(guardvm.GuardError) as e:
        guardvm.list_data_files([str(tmp_path / "absent")])
    assert e.value.message == "The path `%s` does not exist" % (tmp_path / "absent")


def test_threads_share_one_pack():
    """Many threads on one Pack get single-threaded answers; they overlap
    because ctypes releases the GIL for each call into the engine."""
    pack = guardvm.compile_text(RULES)
    docs = [GOOD, BAD, "Resources: {}"]
    expected = [pack.evaluate(d).text for d in docs]
    wrong = []

    def work(t):
        for i in range(100):
            k = (t + i) % len(docs)
            if pack.evaluate(docs[k]).text != expected[k]:
                wrong.append((t, i))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []
