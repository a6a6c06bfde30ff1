"""Runs guardvm and cfn-guard on rules/data files and splits their output into per-pair results.

Called by difftest.py (batched runs of generated pairs) and reduce.py (single-pair runs while
minimising). One invocation is `validate -r R -d D1 -d D2 ... -o json --show-summary none`;
the tool prints one pretty JSON report per data file, concatenated with no separator
(cli-and-reports.md 9.1), in data-file order, and exits 19 if any report FAILs, else 0.
An invocation that ends otherwise (5 parse error, 255 evaluation error, 101 panic, a signal)
cannot be attributed to one data file, so its pairs are run again one by one.
"""

import json
import os
import subprocess
import time

EXIT_OK, EXIT_FAIL, EXIT_PARSE, EXIT_ERROR, EXIT_PANIC = 0, 19, 5, 255, 101
NAN_ERROR = "Could not convert float"


def excluded(ref):
    """Why a reference result is not compared (None: it is): a panic, or the JSON report's
    error on a NaN or infinite value (a listed difference: docs/compatibility.md)."""
    if ref["exit"] == EXIT_PANIC:
        return "panic"
    if ref["exit"] == EXIT_ERROR and NAN_ERROR in ref.get("stderr_text", ""):
        return "nan"
    return None


def run_tool(binary, rules, datas, timeout=30, params=()):
    """(exit code, stdout text, stderr text); exit -9 on a timeout. params: --input-params files."""
    argv = [binary, "validate", "-r", rules]
    for d in datas:
        argv += ["-d", d]
    for p in params:
        argv += ["--input-params", p]
    argv += ["-o", "json", "--show-summary", "none"]
    for attempt in range(3):
        try:
            p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
            break
        except subprocess.TimeoutExpired:
            return -9, "", "timeout"
        except OSError as e:   # e.g. the binary is being rebuilt: wait and try again
            if attempt == 2:
                return -1, "", "cannot run %s: %s" % (binary, e)
            time.sleep(2)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def split_reports(text, spans=None):
    """The concatenated JSON documents of an output, or None if the text does not parse.

    spans, if given, receives the text of each document."""
    dec = json.JSONDecoder()
    objs, i, n = [], 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return objs
        try:
            obj, end = dec.raw_decode(text, i)
        except ValueError:
            return None
        objs.append(obj)
        if spans is not None:
            spans.append(text[i:end])
        i = end


def single_result(rc, out, err):
    """The result of a one-data-file invocation."""
    reports = split_reports(out)
    return {"exit": rc, "report": reports[0] if reports and len(reports) == 1 else None,
            "raw": out, "stderr": err.strip().splitlines()[-1:] if err.strip() else [],
            "stderr_text": err}


def batch_results(rc, out, err, n):
    """Per-data-file results of one invocation, or None when it cannot be split."""
    if rc == EXIT_PARSE and not out.strip():
        # The rules file did not parse: nothing was evaluated, every pair gets the same answer.
        return [single_result(rc, out, err) for _ in range(n)]
    if rc not in (EXIT_OK, EXIT_FAIL):
        return None
    spans = []
    reports = split_reports(out, spans)
    if reports is None:
        return None
    if not reports and rc == EXIT_OK:      # a rules file without rules prints nothing
        return [{"exit": 0, "report": None, "raw": "", "stderr": [], "stderr_text": err}
                for _ in range(n)]
    if len(reports) != n:
        return None
    res = []
    for rep, raw in zip(reports, spans):
        one = EXIT_FAIL if isinstance(rep, dict) and rep.get("status") == "FAIL" else EXIT_OK
        res.append({"exit": one, "report": rep, "raw": raw, "stderr": [],
                    "stderr_text": ""})
    if rc != (EXIT_FAIL if any(r["exit"] == EXIT_FAIL for r in res) else EXIT_OK):
        return None
    return res


def _complete_prefix(text):
    """(reports, their texts) of the complete JSON documents at the start of an output."""
    dec = json.JSONDecoder()
    objs, spans, i, n = [], [], 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        try:
            obj, end = dec.raw_decode(text, i)
        except ValueError:
            return objs, spans
        objs.append(obj)
        spans.append(text[i:end])
        i = end


def run_pairs(binary, rules, datas, max_error_runs=None, params=()):
    """Per-data-file results of `binary` on one rules file and several data files.

    When an invocation stops with an error, the reports printed before it belong to the data
    files before the one that failed (both tools write each report as soon as it is evaluated
    and stop at the first error); the data files after it are run again as a batch. A
    mismatch that comes from a wrong attribution would not survive the minimiser, whose first
    step runs the pair alone.

    Each error costs a process of its own, and some rules files error on nearly every
    document (an unbound capture, a type block over documents without Resources). With
    max_error_runs, the run stops after that many invocations that ended in an error and
    returns the results of the data files run so far: a prefix of datas, which the caller
    runs through the other tool so that both compare the same pairs."""
    results, start, error_runs = [], 0, 0
    while start < len(datas):
        rest = datas[start:]
        rc, out, err = run_tool(binary, rules, rest, params=params)
        res = batch_results(rc, out, err, len(rest))
        if res is not None:
            return results + res
        if len(rest) == 1:
            return results + [single_result(rc, out, err)]
        reports, spans = _complete_prefix(out)
        m = len(reports)
        if m >= len(rest) or rc in (EXIT_OK, EXIT_FAIL) or rc < 0:
            return results + [single_result(*run_tool(binary, rules, [d], params=params)) for d in rest]
        results += [{"exit": EXIT_FAIL if isinstance(r, dict) and r.get("status") == "FAIL"
                     else EXIT_OK, "report": r, "raw": t, "stderr": [], "stderr_text": ""}
                    for r, t in zip(reports, spans)]
        tail = out[sum(len(t) for t in spans):] if spans else out
        failed = single_result(rc, tail if tail.strip() else "", err)
        failed["report"] = None
        results.append(failed)
        start += m + 1
        error_runs += 1
        if max_error_runs is not None and error_runs >= max_error_runs:
            break
    return results


def write_pair_files(folder, rules_text, data_texts_fmts):
    """Write rules.guard and data files d0.yaml/d1.json... into folder; returns the paths."""
    os.makedirs(folder, exist_ok=True)
    rules = os.path.join(folder, "rules.guard")
    with open(rules, "w", encoding="utf-8") as f:
        f.write(rules_text)
    datas = []
    for i, (text, fmt) in enumerate(data_texts_fmts):
        p = os.path.join(folder, "d%d.%s" % (i, fmt))
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
        datas.append(p)
    return rules, datas
