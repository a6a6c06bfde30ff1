"""ctypes bindings of libguardvm's C API (include/guardvm/guardvm.h).

Used by guardvm/__init__.py only. ctypes, not a compiled extension: the
package is then plain Python that works with every Python 3 Debian ships,
needs no compiler or headers to install, and ctypes releases the GIL for the
duration of every foreign call, so evaluations on several threads run in
parallel (docs/embedding.md says more).

The library is found, in order: $GUARDVM_LIBRARY; the path `cmake --install`
wrote into _libpath.py (relative to this folder); the soname through the
dynamic linker's search path.
"""

import ctypes
import os

_HERE = os.path.dirname(os.path.abspath(__file__))
SONAME = "libguardvm.so.0"


def _candidates():
    env = os.environ.get("GUARDVM_LIBRARY")
    if env:
        yield env
        return
    try:
        from . import _libpath  # written at install time

        yield os.path.normpath(os.path.join(_HERE, _libpath.LIBRARY))
    except ImportError:
        pass
    yield SONAME


def _load():
    errors = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            errors.append("%s: %s" % (path, e))
    raise ImportError("guardvm: cannot load libguardvm (" + "; ".join(errors) + ")")


lib = _load()

c_size_p = ctypes.POINTER(ctypes.c_size_t)
c_void_pp = ctypes.POINTER(ctypes.c_void_p)


class Source(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("text", ctypes.c_char_p), ("length", ctypes.c_size_t)]


def _sig(name, restype, *argtypes):
    fn = getattr(lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)


_sig("guardvm_version", ctypes.c_char_p)
_sig("guardvm_api_version", ctypes.c_int)
_sig("guardvm_error_code", ctypes.c_int, ctypes.c_void_p)
_sig("guardvm_error_message", ctypes.c_char_p, ctypes.c_void_p)
_sig("guardvm_error_free", None, ctypes.c_void_p)
_sig("guardvm_compile", ctypes.c_int, ctypes.POINTER(Source), ctypes.c_size_t, c_void_pp, c_void_pp)
_sig("guardvm_compile_files", ctypes.c_int, ctypes.POINTER(ctypes.c_char_p), ctypes.c_size_t, c_void_pp, c_void_pp)
_sig("guardvm_pack_read", ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, c_void_pp, c_void_pp)
_sig("guardvm_pack_load", ctypes.c_int, ctypes.c_char_p, c_void_pp, c_void_pp)
_sig("guardvm_pack_save", ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, c_void_pp)
_sig("guardvm_pack_bytes", ctypes.c_int, ctypes.c_void_p, c_void_pp, c_size_p, c_void_pp)
_sig("guardvm_bytes_free", None, ctypes.c_void_p)
_sig("guardvm_pack_file_count", ctypes.c_size_t, ctypes.c_void_p)
_sig("guardvm_pack_file_name", ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t)
_sig("guardvm_pack_free", None, ctypes.c_void_p)
_sig("guardvm_list_data_files", ctypes.c_int, ctypes.POINTER(ctypes.c_char_p), ctypes.c_size_t, ctypes.c_int,
     c_void_pp, c_void_pp)
_sig("guardvm_file_list_count", ctypes.c_size_t, ctypes.c_void_p)
_sig("guardvm_file_list_path", ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t)
_sig("guardvm_file_list_name", ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t)
_sig("guardvm_file_list_free", None, ctypes.c_void_p)
_sig("guardvm_validate", ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p,
     ctypes.c_uint, c_void_pp, c_void_pp)
_sig("guardvm_validate_file", ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint,
     c_void_pp, c_void_pp)
_sig("guardvm_result_status", ctypes.c_int, ctypes.c_void_p)
_sig("guardvm_result_file_count", ctypes.c_size_t, ctypes.c_void_p)
_sig("guardvm_result_file_name", ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t)
_sig("guardvm_result_file_status", ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t)
_sig("guardvm_result_rule_count", ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t)
_sig("guardvm_result_rule_name", ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t)
_sig("guardvm_result_rule_status", ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t)
# The reports are read with their length (ctypes.string_at), never as C strings.
_sig("guardvm_result_file_report", ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, c_size_p)
_sig("guardvm_result_structured_report", ctypes.c_void_p, ctypes.c_void_p, c_size_p)
_sig("guardvm_result_free", None, ctypes.c_void_p)

STATUS_ONLY = 1
STRUCTURED = 2
STATUS_NAMES = {0: "SKIP", 1: "PASS", 2: "FAIL"}
