#!/usr/bin/env python3
"""Whole help and usage-error texts of the command line, checked byte for byte.

Each case of a texts file is a command line (run by bash in an empty scratch
directory, stdin /dev/null) and what it must print:

    ### cfn-guard validate -v -z -r x
    exit 2
    --- stdout
    --- stderr
    error: the argument '--verbose' cannot be used with '--structured'
    ...

The program is named `cfn-guard` or `guardvm` (both are the program under
test). tests/cli/clap-texts.txt holds cfn-guard 3.1.1's own answers, recorded
from the reference binary; tests/cli/guardvm-texts.txt holds guardvm's texts
under its own name (help with its flags), recorded from guardvm and reviewed.
An output that does not end with a newline ends with the line
`\\ no newline at end`.

    clap_texts.py check GUARDVM FILE...   compare (ctest cli_clap_texts); exit 1 on a difference
    clap_texts.py record BINARY FILE      rewrite FILE's expected texts with BINARY's answers
"""
import difflib
import os
import subprocess
import sys
import tempfile

NO_NEWLINE = "\\ no newline at end"


def read_cases(path):
    header, cases, current = [], [], None
    for line in open(path, encoding="utf-8").read().split("\n"):
        if line.startswith("### "):
            current = {"cmd": line[4:], "lines": []}
            cases.append(current)
        elif current is None:
            header.append(line)
        else:
            current["lines"].append(line)
    for case in cases:
        lines = case.pop("lines")
        if lines and lines[-1] == "":
            lines.pop()  # the file's final newline
        exit_line, out_at, err_at = lines[0], lines.index("--- stdout"), lines.index("--- stderr")
        case["exit"] = int(exit_line.split()[1])
        case["stdout"] = join(lines[out_at + 1:err_at])
        case["stderr"] = join(lines[err_at + 1:])
    return header, cases


def join(lines):
    if not lines:
        return ""
    if lines[-1] == NO_NEWLINE:
        return "\n".join(lines[:-1])
    return "\n".join(lines) + "\n"


def split(text):
    if not text:
        return []
    if text.endswith("\n"):
        return text[:-1].split("\n")
    return text.split("\n") + [NO_NEWLINE]


def write_cases(path, header, cases):
    out = ["\n".join(header)] if header else []
    for c in cases:
        out.append("\n".join(["### " + c["cmd"], "exit %d" % c["exit"], "--- stdout"] + split(c["stdout"]) +
                             ["--- stderr"] + split(c["stderr"])))
    open(path, "w", encoding="utf-8").write("\n".join(out) + "\n")


def run(binary, cmd, scratch):
    bin_dir = os.path.join(scratch, "bin")
    work = os.path.join(scratch, "work")
    if not os.path.isdir(bin_dir):
        os.makedirs(bin_dir)
        os.makedirs(work)
        for name in ("cfn-guard", "guardvm"):
            os.symlink(os.path.realpath(binary), os.path.join(bin_dir, name))
    env = {"PATH": bin_dir + ":/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": work,
           "TZ": "UTC"}
    p = subprocess.run(["bash", "--noprofile", "--norc", "-c", cmd], cwd=work, env=env,
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    return {"exit": p.returncode, "stdout": p.stdout.decode("utf-8", "replace"),
            "stderr": p.stderr.decode("utf-8", "replace")}


def check(binary, paths):
    failed = total = 0
    with tempfile.TemporaryDirectory() as scratch:
        for path in paths:
            for case in read_cases(path)[1]:
                total += 1
                got = run(binary, case["cmd"], scratch)
                bad = [k for k in ("exit", "stdout", "stderr") if got[k] != case[k]]
                if not bad:
                    continue
                failed += 1
                print("DIFF %s: %s (%s)" % (case["cmd"], ", ".join(bad), os.path.basename(path)))
                for k in bad:
                    if k == "exit":
                        print("  exit: expected %d, got %d" % (case[k], got[k]))
                        continue
                    sys.stdout.writelines(difflib.unified_diff(
                        split(case[k]) and [l + "\n" for l in split(case[k])],
                        [l + "\n" for l in split(got[k])], "expected/" + k, "got/" + k))
    print("%d cases, %d differ" % (total, failed))
    return 1 if failed else 0


def record(binary, path):
    header, cases = read_cases(path)
    with tempfile.TemporaryDirectory() as scratch:
        for case in cases:
            case.update(run(binary, case["cmd"], scratch))
    write_cases(path, header, cases)
    print("recorded %d cases in %s" % (len(cases), path))
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3:]))
    if len(sys.argv) == 4 and sys.argv[1] == "record":
        sys.exit(record(sys.argv[2], sys.argv[3]))
    sys.exit(__doc__)
