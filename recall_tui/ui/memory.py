"""Giving freed memory back to the system after a screen is dropped.

Python keeps freed objects' memory for reuse, and glibc keeps freed heap pages; on a server
where twenty desks run, what one desk no longer needs is worth handing back. Harmless
elsewhere: without glibc the trim is skipped.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc

_libc = None


def _trim() -> None:
    global _libc
    if _libc is None:
        name = ctypes.util.find_library("c")
        try:
            _libc = ctypes.CDLL(name) if name else False
        except OSError:
            _libc = False
    trim = getattr(_libc, "malloc_trim", None) if _libc else None
    if trim is not None:
        trim(0)


def release() -> None:
    """Collect unreachable objects (a dropped screen's widgets form cycles), then return
    free heap pages to the system."""
    gc.collect()
    _trim()
