"""guardvm for Python: compile Guard rules, load and save rule packs, and
validate JSON or YAML documents with the guardvm engine (libguardvm).

    import guardvm
    pack = guardvm.compile(["rules/"])            # .guard files and directories
    pack.save("rules.gpack")
    pack = guardvm.load("rules.gpack")
    reports = pack.validate(open("template.yaml").read(), name="template.yaml")
    reports[0]["status"]                          # 'PASS', 'FAIL' or 'SKIP'

`validate` returns, for each rules file of the pack that holds rules, the
object `guardvm validate -o json` prints for that rules file and document
(the same keys, values and order). The engine runs without the GIL, so
threads sharing one Pack evaluate in parallel. Fleet scans on Dask:
`python3 -m guardvm.fleet` (guardvm/fleet.py). docs/embedding.md has more.
"""

import ctypes
import json
import os

from . import _native

__all__ = [
    "GuardError", "Pack", "Result", "FileResult", "compile", "compile_text", "load", "list_data_files",
    "version",
]

_lib = _native.lib

# guardvm_code values (include/guardvm/guardvm.h) by name.
CODES = {1: "ARGUMENT", 2: "IO", 3: "RULES", 4: "PACK", 5: "DATA", 6: "EVAL", 7: "NOMEM", 8: "INTERNAL"}


class GuardError(Exception):
    """A call that failed: `code` is the C API's code name ('RULES', 'DATA', ...),
    `message` its message (for RULES, file:line:col diagnostics with carets)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def _call(fn, *args):
    """Calls a C API function whose last argument is `guardvm_error**`."""
    err = ctypes.c_void_p()
    rc = fn(*args, ctypes.byref(err))
    if rc == 0:
        return
    if err.value:
        message = _lib.guardvm_error_message(err).decode("utf-8", "replace")
        _lib.guardvm_error_free(err)
    else:
        message = "guardvm error %d" % rc
    raise GuardError(CODES.get(rc, str(rc)), message)


def _bytes(text):
    return text.encode("utf-8") if isinstance(text, str) else bytes(text)


def _fspath(path):
    return os.fsencode(path)


def version():
    """What `guardvm --version` prints (two lines)."""
    return _lib.guardvm_version().decode("utf-8")


class FileResult:
    """One rules file over one document: its name, status, rule statuses
    ({rule: 'PASS'|'FAIL'|'SKIP'} in evaluation order) and JSON report text."""

    __slots__ = ("name", "status", "rules", "report_text")

    def __init__(self, name, status, rules, report_text):
        self.name, self.status, self.rules, self.report_text = name, status, rules, report_text

    @property
    def report(self):
        """The report as Python objects (what `validate -o json` prints)."""
        return json.loads(self.report_text)

    def __repr__(self):
        return "FileResult(%r, %r, %r)" % (self.name, self.status, self.rules)


class Result:
    """A document's evaluation: `status` (FAIL over PASS over SKIP), one
    FileResult per evaluated rules file, in pack order, and (when asked for
    with structured=True) `structured_text`, the combined report."""

    __slots__ = ("status", "files", "structured_text")

    def __init__(self, status, files, structured_text=""):
        self.status, self.files, self.structured_text = status, files, structured_text

    @property
    def text(self):
        """The bytes `guardvm validate -r PACK -d FILE -o json -S none` writes, as text."""
        return "".join(f.report_text for f in self.files)

    @property
    def structured(self):
        """The combined report `validate --structured -o json` lists for this
        document, as Python objects (None unless evaluated with structured=True)."""
        return json.loads(self.structured_text) if self.structured_text else None

    def __repr__(self):
        return "Result(%r, %r)" % (self.status, self.files)


def _result(handle):
    try:
        files = []
        for i in range(_lib.guardvm_result_file_count(handle)):
            rules = {}
            for j in range(_lib.guardvm_result_rule_count(handle, i)):
                name = _lib.guardvm_result_rule_name(handle, i, j).decode("utf-8", "replace")
                rules[name] = _native.STATUS_NAMES[_lib.guardvm_result_rule_status(handle, i, j)]
            length = ctypes.c_size_t()
            ptr = _lib.guardvm_result_file_report(handle, i, ctypes.byref(length))
            text = ctypes.string_at(ptr, length.value).decode("utf-8") if length.value else ""
            files.append(FileResult(_lib.guardvm_result_file_name(handle, i).decode("utf-8", "replace"),
                                    _native.STATUS_NAMES[_lib.guardvm_result_file_status(handle, i)], rules, text))
        length = ctypes.c_size_t()
        ptr = _lib.guardvm_result_structured_report(handle, ctypes.byref(length))
        structured = ctypes.string_at(ptr, length.value).decode("utf-8") if length.value else ""
        return Result(_native.STATUS_NAMES[_lib.guardvm_result_status(handle)], files, structured)
    finally:
        _lib.guardvm_result_free(handle)


def _flags(report, structured):
    return (0 if report else _native.STATUS_ONLY) | (_native.STRUCTURED if structured else 0)


class Pack:
    """A compiled, verified rule pack. Immutable; safe to share between threads.
    Pickles as its bytes (so Dask ships it as a pack, not as a pointer)."""

    __slots__ = ("_handle", "__weakref__")

    def __init__(self, handle):
        self._handle = handle

    @classmethod
    def from_bytes(cls, data, name="pack"):
        handle = ctypes.c_void_p()
        data = bytes(data)
        _call(_lib.guardvm_pack_read, data, len(data), _bytes(name), ctypes.byref(handle))
        return cls(handle)

    def to_bytes(self):
        ptr, size = ctypes.c_void_p(), ctypes.c_size_t()
        _call(_lib.guardvm_pack_bytes, self._handle, ctypes.byref(ptr), ctypes.byref(size))
        try:
            return ctypes.string_at(ptr, size.value)
        finally:
            _lib.guardvm_bytes_free(ptr)

    def save(self, path):
        _call(_lib.guardvm_pack_save, self._handle, _fspath(path))

    @property
    def files(self):
        """The rules files of the pack, by reported name, in evaluation order."""
        return [_lib.guardvm_pack_file_name(self._handle, i).decode("utf-8", "replace")
                for i in range(_lib.guardvm_pack_file_count(self._handle))]

    def evaluate(self, data, name="STDIN", report=True, structured=False):
        """Evaluates a document (JSON or YAML, str or bytes) into a Result.
        `name` is the document's name in the report; report=False skips the
        JSON reports (statuses only, faster); structured=True adds the
        combined report of `validate --structured` (Result.structured)."""
        handle = ctypes.c_void_p()
        data = _bytes(data)
        _call(_lib.guardvm_validate, self._handle, data, len(data), _bytes(name), _flags(report, structured),
              ctypes.byref(handle))
        return _result(handle)

    def evaluate_file(self, path, name=None, report=True, structured=False):
        """As evaluate(), reading `path` as `guardvm validate -d` does; the
        report names it by its canonical path unless `name` is given."""
        handle = ctypes.c_void_p()
        _call(_lib.guardvm_validate_file, self._handle, _fspath(path), None if name is None else _bytes(name),
              _flags(report, structured), ctypes.byref(handle))
        return _result(handle)

    def validate(self, data, name="STDIN", structured=False):
        """The reports `guardvm validate -o json` prints for this document:
        one object per evaluated rules file, as Python objects. With
        structured=True, the one combined object `validate --structured -o
        json` lists for it instead."""
        if structured:
            return self.evaluate(data, name, report=False, structured=True).structured
        return [f.report for f in self.evaluate(data, name).files]

    def validate_file(self, path, name=None, structured=False):
        if structured:
            return self.evaluate_file(path, name, report=False, structured=True).structured
        return [f.report for f in self.evaluate_file(path, name).files]

    def __reduce__(self):
        return (Pack.from_bytes, (self.to_bytes(),))

    def __del__(self):
        handle, self._handle = getattr(self, "_handle", None), None
        if handle is not None and _lib is not None:
            _lib.guardvm_pack_free(handle)

    def __repr__(self):
        return "Pack(%r)" % (self.files,)


def _paths(paths):
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    encoded = [_fspath(p) for p in paths]
    return (ctypes.c_char_p * len(encoded))(*encoded), len(encoded)


def compile(paths):
    """Compiles rules files and directories (their .guard and .ruleset files)
    into one pack, as `guardc -o PACK PATH...` does."""
    array, count = _paths(paths)
    handle = ctypes.c_void_p()
    _call(_lib.guardvm_compile_files, array, count, ctypes.byref(handle))
    return Pack(handle)


def compile_text(sources, name="rules.guard"):
    """Compiles rules texts: one text (named `name`), or {name: text, ...}."""
    if isinstance(sources, (str, bytes)):
        sources = {name: sources}
    items = [(_bytes(n), _bytes(t)) for n, t in sources.items()]
    array = (_native.Source * len(items))(*[_native.Source(n, t, len(t)) for n, t in items])
    handle = ctypes.c_void_p()
    _call(_lib.guardvm_compile, array, len(items), ctypes.byref(handle))
    return Pack(handle)


def load(path):
    """Loads a .gpack file (checked like every pack: checksum, structure, verifier)."""
    handle = ctypes.c_void_p()
    _call(_lib.guardvm_pack_load, _fspath(path), ctypes.byref(handle))
    return Pack(handle)


def list_data_files(paths, by_modified=False):
    """[(path, name)] of the data files `guardvm validate -d PATH...` reads, in
    its order: `path` to read, `name` as reports give it (canonical)."""
    array, count = _paths(paths)
    handle = ctypes.c_void_p()
    _call(_lib.guardvm_list_data_files, array, count, 1 if by_modified else 0, ctypes.byref(handle))
    try:
        return [(os.fsdecode(_lib.guardvm_file_list_path(handle, i)),
                 _lib.guardvm_file_list_name(handle, i).decode("utf-8", "replace"))
                for i in range(_lib.guardvm_file_list_count(handle))]
    finally:
        _lib.guardvm_file_list_free(handle)
