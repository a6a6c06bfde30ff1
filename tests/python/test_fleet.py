"""python3 -m guardvm.fleet on a real 2-worker local Dask cluster against
`guardvm validate -r PACK -d DIR -o json -S none`: the same bytes on stdout
and the same exit code; with --ship-data too; a file that does not parse
stops both with the same message."""
import os
import shutil
import subprocess
import sys

import pytest

pytest.importorskip("distributed")

from conftest import run_cli


def fleet(*args):
    p = subprocess.run([sys.executable, "-m", "guardvm.fleet", "--progress", "never", *args], capture_output=True,
                       timeout=600)
    return p.stdout, p.stderr.decode("utf-8", "replace"), p.returncode


@pytest.fixture(scope="module")
def scan_inputs(tmp_path_factory, shared_dir):
    """A pack of every registry rules file (209 rules files: the reports of all
    but the first wait in spool files) and 60 generated templates."""
    work = tmp_path_factory.mktemp("fleet")
    rules = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(shared_dir, "corpus", "registry", "rules"))
                   for f in fs if f.endswith(".guard"))
    pack = work / "registry.gpack"
    subprocess.run([os.environ["GUARDC_PROGRAM"], "-o", str(pack), *rules], check=True, capture_output=True)
    data = work / "data"
    data.mkdir()
    gen = os.path.join(shared_dir, "tools", "gen-template")
    for i in range(60):
        fmt = "json" if i % 3 == 0 else "yaml"
        subprocess.run([sys.executable, gen, "-n", str(3 + i % 25), "-s", str(9100 + i), "-f", fmt,
                        "-o", str(data / ("t%02d.%s" % (i, fmt)))], check=True)
    (data / "sub").mkdir()
    shutil.copy(data / "t01.yaml", data / "sub" / "copy.yaml")
    return pack, data


def test_fleet_matches_the_cli(scan_inputs, guardvm_program):
    pack, data = scan_inputs
    out, err, rc = run_cli(guardvm_program, "validate", "-r", str(pack), "-d", str(data), "-o", "json", "-S", "none")
    assert rc == 19 and len(out) > 100000
    f_out, f_err, f_rc = fleet("--rules", str(pack), "--data", str(data), "--workers", "2", "--chunk-files", "5")
    assert f_rc == rc, f_err
    assert f_out == out
    s_out, s_err, s_rc = fleet("--rules", str(pack), "--data", str(data), "--workers", "2", "--ship-data",
                               "--progress", "always")
    assert (s_rc, s_out) == (rc, out), s_err
    assert "guardvm.fleet: 61/61 files" in s_err


def test_fleet_joins_a_running_cluster(scan_inputs, guardvm_program):
    """--scheduler: the scan runs on an existing cluster's workers (started
    here as a local cluster of 2 processes, reached by its address)."""
    from distributed import LocalCluster

    pack, data = scan_inputs
    out, _, rc = run_cli(guardvm_program, "validate", "-r", str(pack), "-d", str(data), "-o", "json", "-S", "none")
    with LocalCluster(n_workers=2, threads_per_worker=2, processes=True, dashboard_address=None) as cluster:
        f_out, f_err, f_rc = fleet("--rules", str(pack), "--data", str(data), "--scheduler",
                                   cluster.scheduler_address)
    assert (f_rc, f_out) == (rc, out), f_err


def test_fleet_stops_where_the_cli_stops(scan_inputs, guardvm_program, tmp_path):
    pack, data = scan_inputs
    bad = tmp_path / "data"
    shutil.copytree(data, bad)
    (bad / "t30.yaml").write_text("Resources: [1,\n")
    out, err, rc = run_cli(guardvm_program, "validate", "-r", str(pack), "-d", str(bad), "-o", "json", "-S", "none")
    f_out, f_err, f_rc = fleet("--rules", str(pack), "--data", str(bad), "--workers", "2")
    assert rc == f_rc == 255
    message = [l for l in err.splitlines() if l.startswith("Error occurred ")][0]
    assert message in f_err
    f_out, f_err, f_rc = fleet("--rules", str(pack), "--data", str(tmp_path / "absent"), "--workers", "2")
    assert f_rc == 255 and "The path `%s` does not exist" % (tmp_path / "absent") in f_err
