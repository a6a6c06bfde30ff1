#!/usr/bin/env python3
"""Benchmarks of the embedding layer (issue 19, docs/performance.md "Embedding"):

  1. fleet throughput: python3 -m guardvm.fleet's scan() on a local Dask
     cluster of 1 and 2 worker processes over W1 (the registry pack × 300
     templates of tools/bench.py), beside `guardvm validate -j 1` and `-j 2`
     on the same files; the fleet's output is checked byte-identical to the CLI's;
  2. per-call overhead: the C API (build-bench's bench_c_api, Google
     Benchmark), Python's Pack.evaluate, and one `guardvm validate` process,
     each on a one-rule pack and a tiny document.

Run by hand, never by ctest:

    python3 tools/bench-embedding.py --build build [--bench-build build-bench] [--work /tmp/guardvm-bench]
                                     [--pause PID,...]

Needs Debian's python3-distributed. Standard library otherwise.
"""
import argparse
import contextlib
import importlib.util
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def load_bench_module():
    spec = importlib.util.spec_from_file_location("guard_bench", os.path.join(HERE, "bench.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PAUSE = []  # --pause: processes stopped while a measurement runs


@contextlib.contextmanager
def paused():
    """Stops the --pause processes (say, long fuzz runs at nice 19, which this
    VM still lets take CPU time) for the length of one measurement. Keep each
    measurement well under their own timeouts (libFuzzer's is wall-clock)."""
    for pid in PAUSE:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in PAUSE:
            os.kill(pid, signal.SIGCONT)


def wall(cmd, runs, out=subprocess.DEVNULL):
    times = []
    for _ in range(runs):
        with paused():
            t = time.perf_counter()
            subprocess.run(cmd, stdout=out, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2]


def fleet_rows(args, pack_path, data):
    import logging
    from distributed import Client, LocalCluster

    import guardvm
    from guardvm import fleet

    pack = guardvm.load(pack_path)
    files = guardvm.list_data_files([data])
    cli_out = os.path.join(args.work, "embedding-cli.out")
    with open(cli_out, "wb") as f:
        subprocess.run([os.path.join(args.build, "guardvm"), "validate", "-r", pack_path, "-d", data, "-o", "json",
                        "-S", "none"], stdout=f)
    expected = open(cli_out, "rb").read()
    rows = []
    for jobs in (1, 2):
        s = wall([os.path.join(args.build, "guardvm"), "validate", "-j", str(jobs), "-r", pack_path, "-d", data,
                  "-o", "json", "-S", "none"], args.runs)
        rows.append(("guardvm validate -j %d" % jobs, "-", "%.2f" % s, "%.0f" % (len(files) / s), "-"))
    for workers in (1, 2):
        t0 = time.perf_counter()
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.ERROR)
        client = Client(cluster)
        startup = time.perf_counter() - t0
        scans = []
        identical = True
        for _ in range(args.runs):
            with tempfile.TemporaryFile() as out, paused():
                t = time.perf_counter()
                rc = fleet.scan(client, pack, files, out, chunk_files=args.chunk_files)
                scans.append(time.perf_counter() - t)
                out.seek(0)
                identical &= out.read() == expected and rc == 19
        client.close()
        cluster.close()
        scans.sort()
        s = scans[len(scans) // 2]
        rows.append(("fleet, %d worker%s" % (workers, "s" if workers > 1 else ""), "%.2f" % startup, "%.2f" % s,
                     "%.0f" % (len(files) / s), "yes" if identical else "**NO**"))
    return rows, len(files)


def per_call_rows(args):
    import guardvm

    rows = []
    bench = os.path.join(args.bench_build, "tests", "bench", "bench_c_api")
    if os.path.exists(bench):
        with paused():
            p = subprocess.run([bench, "--benchmark_format=csv", "--benchmark_min_time=0.5"], capture_output=True,
                               text=True, env=dict(os.environ, LD_LIBRARY_PATH=args.bench_build))
        for line in p.stdout.splitlines():
            if line.startswith('"BM_'):
                name, _, real, cpu, unit = line.split(",")[:5]
                rows.append(("C API: " + name.strip('"')[3:], "%.1f µs" % (float(cpu) / 1000.0)))
    pack = guardvm.compile_text("rule has_resources { Resources !empty }\n")
    doc = "Resources: {A: {Type: X}}\n"
    for report in (True, False):
        n = 20000
        with paused():
            t = time.process_time()
            for _ in range(n):
                pack.evaluate(doc, report=report)
        rows.append(("Python: Pack.evaluate%s" % ("" if report else "(report=False)"),
                     "%.1f µs" % ((time.process_time() - t) / n * 1e6)))
    with tempfile.TemporaryDirectory() as d:
        pack.save(os.path.join(d, "one.gpack"))
        with open(os.path.join(d, "doc.yaml"), "w") as f:
            f.write(doc)
        s = wall([os.path.join(args.build, "guardvm"), "validate", "-r", os.path.join(d, "one.gpack"), "-d",
                  os.path.join(d, "doc.yaml"), "-o", "json", "-S", "none"], 200)
        rows.append(("CLI: one `guardvm validate` process (wall)", "%.0f µs" % (s * 1e6)))
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--bench-build", default=os.path.join(ROOT, "build-bench"),
                   help="a -DGUARD_BENCHMARKS=ON build holding tests/bench/bench_c_api")
    p.add_argument("--work", default="/tmp/guardvm-bench")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--chunk-files", type=int, default=8)
    p.add_argument("--pause", default="", help="PIDs (comma-separated) to stop during each measurement")
    args = p.parse_args()
    PAUSE.extend(int(x) for x in args.pause.split(",") if x)
    os.environ.setdefault("GUARDVM_LIBRARY", os.path.join(args.build, "libguardvm.so.0"))
    sys.path.insert(0, os.path.join(ROOT, "python"))
    os.environ["PYTHONPATH"] = os.path.join(ROOT, "python") + os.pathsep + os.environ.get("PYTHONPATH", "")

    bench = load_bench_module()
    bargs = argparse.Namespace(work=args.work, guardc=os.path.join(args.build, "guardc"),
                               gen_template=os.path.join(bench.SHARED, "tools", "gen-template"))
    os.makedirs(args.work, exist_ok=True)
    data = bench.w1_templates(bargs)
    pack_path = bench.registry_pack(bargs)

    rows, nfiles = fleet_rows(args, pack_path, data)
    print("### Fleet scans: W1 (%d templates, registry pack), median of %d\n" % (nfiles, args.runs))
    print("| run | cluster start (s) | scan wall (s) | files/s | output identical to the CLI |")
    print("|---|---|---|---|---|")
    for r in rows:
        print("| %s |" % " | ".join(r))
    print("\n### Per-call overhead: one-rule pack, tiny document\n")
    print("| call | CPU per call |")
    print("|---|---|")
    for r in per_call_rows(args):
        print("| %s |" % " | ".join(r))


if __name__ == "__main__":
    main()
