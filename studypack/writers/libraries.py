"""Loads WeasyPrint without running a compiler for every library name it guesses.

WeasyPrint asks for each system library under several platform names. On Linux, cffi looks up
a name it cannot open with `ctypes.util.find_library`, which asks ldconfig's cache and then
runs gcc and ld; the guesses that miss cost about 0.2 s per process (WeasyPrint issue #1125).
The compiler only ever answers with a library's soname, which the loader finds exactly where
ldconfig's cache and LD_LIBRARY_PATH say, and WeasyPrint's later guesses are those sonames, so
asking ldconfig alone finds the same libraries.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def found_by_ldconfig() -> Iterator[None]:
    """While inside, library lookups ask only ldconfig's cache (Linux; elsewhere unchanged)."""
    ask_ldconfig = getattr(ctypes.util, "_findSoname_ldconfig", None)
    if not sys.platform.startswith("linux") or ask_ldconfig is None:
        yield
        return
    usual = ctypes.util.find_library
    ctypes.util.find_library = ask_ldconfig
    try:
        yield
    finally:
        ctypes.util.find_library = usual
