"""pytest set-up of the Python package's tests (tests/python/), run by ctest
(tests/CMakeLists.txt sets the environment):

  GUARDVM_LIBRARY   the built libguardvm.so.0    PYTHONPATH  python/ (the package)
  GUARDVM_PROGRAM   the built guardvm            GUARDC_PROGRAM  the built guardc
  GUARD_SHARED      ../shared (registry; tests needing it skip without it)
"""
import os
import subprocess

import pytest


@pytest.fixture(scope="session")
def guardvm_program():
    return os.environ["GUARDVM_PROGRAM"]


@pytest.fixture(scope="session")
def shared_dir():
    path = os.environ.get("GUARD_SHARED", "")
    if not os.path.isdir(os.path.join(path, "corpus", "registry")):
        pytest.skip("../shared is absent")
    return path


def run_cli(program, *args, stdin=None):
    """(stdout bytes, stderr text, exit code) of the guardvm program."""
    p = subprocess.run([program, *args], capture_output=True, input=stdin)
    return p.stdout, p.stderr.decode("utf-8", "replace"), p.returncode
