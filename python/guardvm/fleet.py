"""Fleet scans on Dask: many data files against one rule pack, on a cluster.

    python3 -m guardvm.fleet --rules PACK --data DIR... [--scheduler ADDRESS | --workers N]

Writes to stdout exactly what `guardvm validate -r PACK -d DIR... -o json -S none`
writes, with the same exit code (0, 19 when a rule failed, 255 on errors),
while the evaluation runs on Dask workers (Debian's python3-distributed):

- the data files are listed as guardvm validate lists them (same walk, order
  and names) and cut into chunks of a few files, one task each;
- the pack is shipped to each worker once (scattered, broadcast) and loaded
  there once; tasks refer to it;
- each worker reads its files itself (a shared file system, as on most
  clusters), or, with --ship-data, receives their bytes from this process;
- reports are streamed in guardvm's order: rules file by rules file, each over
  every data file. The first rules file's reports are written as their chunks
  complete in order; the others wait in temporary files (on this machine)
  until the first is done, so memory stays bounded by the chunks in flight.

With no --scheduler a local cluster of --workers processes is started; with
one, the scan joins that cluster (its workers need this package and
libguardvm installed). Progress goes to stderr when it is a terminal.
docs/embedding.md has the details and how to run it on a real cluster.
"""

import argparse
import os
import sys
import tempfile
import time
import uuid

import guardvm

# Exit codes of guardvm validate (tools/cli/common.h).
EXIT_OK, EXIT_FAIL, EXIT_ERROR, EXIT_USAGE = 0, 19, 255, 2


def _scan_chunk(pack, items, shipped):
    """Runs on a worker: evaluates each (path, name[, bytes]) of a chunk.
    Returns one outcome per file: ("ok", failed, [report per rules file]) or
    (code, message) for a file that could not be evaluated."""
    out = []
    for item in items:
        try:
            if shipped:
                path, name, data, unreadable = item
                if unreadable:  # this process could not read it; the message says why
                    out.append(("IO", unreadable))
                    continue
                result = pack.evaluate(data, name)
            else:
                path, name = item
                result = pack.evaluate_file(path, name)
        except guardvm.GuardError as e:
            out.append((e.code, e.message))
            continue
        out.append(("ok", result.status == "FAIL", [f.report_text for f in result.files]))
    return out


def _read_for_shipping(path, name):
    """(path, name, bytes, None), or (path, name, None, message) when unreadable."""
    try:
        with open(path, "rb") as f:
            return (path, name, f.read(), None)
    except OSError as e:
        return (path, name, None, "I/O error when reading %s: %s (os error %d)" % (path, e.strerror, e.errno))


def _load_rules(paths):
    if len(paths) == 1 and paths[0].endswith(".gpack"):
        return guardvm.load(paths[0])
    if any(p.endswith(".gpack") for p in paths):
        raise guardvm.GuardError("ARGUMENT", "--rules takes one .gpack, or .guard files and directories")
    return guardvm.compile(paths)


class _OrderedWriter:
    """Writes chunk outcomes in chunk order and in guardvm's rules-major order."""

    def __init__(self, out):
        self.out = out
        self.spools = []  # one temporary file per rules file after the first
        self.failed = False
        self.unreadable = False

    def _spool(self, k):
        while len(self.spools) < k:
            self.spools.append(tempfile.TemporaryFile())
        return self.spools[k - 1]

    def write_chunk(self, outcomes):
        """Writes one chunk's outcomes; returns the message that stops the run, if any."""
        for outcome in outcomes:
            if outcome[0] != "ok":
                code, message = outcome
                sys.stdout.flush()
                sys.stderr.write("Error occurred %s\n" % message)
                if code != "IO":
                    return message  # a file that does not parse stops the run, as in guardvm
                self.unreadable = True  # left out; the exit code says so
                continue
            _, failed, reports = outcome
            self.failed |= failed
            for k, text in enumerate(reports):
                if k == 0:
                    self.out.write(text.encode("utf-8"))
                else:
                    self._spool(k).write(text.encode("utf-8"))
        return None

    def finish(self):
        for spool in self.spools:
            spool.seek(0)
            while True:
                block = spool.read(1 << 20)
                if not block:
                    break
                self.out.write(block)
            spool.close()
        self.out.flush()


class _Progress:
    def __init__(self, total, enabled):
        self.total, self.done, self.enabled = total, 0, enabled
        self.start = time.monotonic()

    def add(self, n):
        self.done += n
        if self.enabled:
            rate = self.done / max(time.monotonic() - self.start, 1e-6)
            sys.stderr.write("\rguardvm.fleet: %d/%d files (%.0f/s)" % (self.done, self.total, rate))
            sys.stderr.flush()

    def close(self):
        if self.enabled:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _chunks(items, size):
    return [items[i:i + size] for i in range(0, len(items), size)]


def scan(client, pack, files, out, chunk_files=8, ship_data=False, window=None, progress=False):
    """Evaluates `files` ([(path, name)]) against `pack` on `client`'s cluster
    and writes guardvm's JSON stream to `out` (a binary file); returns the
    exit code. Used by main() and by tests."""
    from distributed import wait

    nthreads = max(1, sum(client.nthreads().values()))
    window = window or max(8, 4 * nthreads)
    chunks = _chunks(files, max(1, chunk_files))
    shipped_pack = client.scatter(pack, broadcast=True, hash=False)
    writer = _OrderedWriter(out)
    scan_id = uuid.uuid4().hex  # task keys unique to this scan: a cluster caches results by key
    meter = _Progress(len(files), progress)
    running = {}   # future -> chunk index
    done = {}      # chunk index -> outcomes, waiting for its turn
    next_submit = next_write = 0
    stop = None
    try:
        while next_write < len(chunks) and stop is None:
            while next_submit < len(chunks) and next_submit - next_write < window:
                items = chunks[next_submit]
                if ship_data:
                    items = [_read_for_shipping(p, n) for p, n in items]
                future = client.submit(_scan_chunk, shipped_pack, items, ship_data, pure=False,
                                       key="guardvm-scan-%s-%d" % (scan_id, next_submit))
                running[future] = next_submit
                next_submit += 1
            finished = wait(list(running), return_when="FIRST_COMPLETED").done
            for future in finished:
                index = running.pop(future)
                done[index] = future.result()
                meter.add(len(chunks[index]))
            while next_write in done and stop is None:
                stop = writer.write_chunk(done.pop(next_write))
                next_write += 1
    finally:
        for future in running:
            future.cancel()
        meter.close()
    if stop is not None:
        out.flush()
        return EXIT_ERROR
    writer.finish()
    if writer.failed:
        return EXIT_FAIL
    return EXIT_ERROR if writer.unreadable else EXIT_OK


def _parser():
    p = argparse.ArgumentParser(
        prog="python3 -m guardvm.fleet",
        description="Validate many data files against a rule pack on a Dask cluster; the output and exit code "
                    "are those of `guardvm validate -r RULES -d DATA... -o json -S none`.")
    p.add_argument("--rules", "-r", nargs="+", required=True,
                   help="a .gpack, or .guard files and directories (compiled here, once)")
    p.add_argument("--data", "-d", nargs="+", required=True, help="data files and directories")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", help="address of a running Dask scheduler (tcp://host:8786) to join")
    where.add_argument("--workers", type=int, default=None,
                       help="processes of the local cluster started when no scheduler is given (default: CPUs)")
    p.add_argument("--threads-per-worker", type=int, default=1, help="threads of each local worker (default 1)")
    p.add_argument("--chunk-files", type=int, default=8, help="data files per task (default 8)")
    p.add_argument("--last-modified", "-m", action="store_true",
                   help="order files by last modification, as guardvm validate -m")
    p.add_argument("--ship-data", action="store_true",
                   help="read the files here and send their bytes (workers without the file system)")
    p.add_argument("--progress", choices=["auto", "always", "never"], default="auto",
                   help="progress on stderr (auto: when stderr is a terminal)")
    return p


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        pack = _load_rules(args.rules)
        files = guardvm.list_data_files(args.data, by_modified=args.last_modified)
    except guardvm.GuardError as e:
        sys.stderr.write("Error occurred %s\n" % e.message)
        return EXIT_ERROR
    import logging
    from distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.ERROR)
    progress = args.progress == "always" or (args.progress == "auto" and sys.stderr.isatty())
    if args.scheduler:
        client = Client(args.scheduler)
        cluster = None
    else:
        workers = args.workers or os.cpu_count() or 1
        cluster = LocalCluster(n_workers=workers, threads_per_worker=args.threads_per_worker, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        return scan(client, pack, files, sys.stdout.buffer, chunk_files=args.chunk_files, ship_data=args.ship_data,
                    progress=progress)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


if __name__ == "__main__":
    sys.exit(main())
