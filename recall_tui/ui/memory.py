"""Giving freed memory back to the system after a screen is dropped.

Python keeps freed objects' memory for reuse, and glibc keeps freed heap pages; on a server
where twenty desks run, what one desk no longer needs is worth handing back. Harmless
elsewhere: without glibc the trim is skipped.
"""

from __future__ import annotations

import ctypes
import gc
import sys

_libc = None
M_ARENA_MAX = -8  # glibc's mallopt parameter


def _glibc(fn: str):
    """A glibc function, or None. The process's own symbols (which include the C
    library's) are asked directly: ``ctypes.util.find_library`` runs ``ldconfig``, ~6 ms
    at every start."""
    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL(None) if sys.platform.startswith("linux") else False
        except OSError:
            _libc = False
    return getattr(_libc, fn, None) if _libc else None


def _trim() -> None:
    trim = _glibc("malloc_trim")
    if trim is not None:
        trim(0)


def one_heap() -> None:
    """Before any thread starts: one malloc arena for all threads. glibc gives each thread
    that allocates its own arena, whose freed pages are rarely given back; a desk's workers
    are short and few, and sharing one heap keeps ~3 MB off each desk."""
    mallopt = _glibc("mallopt")
    if mallopt is not None:
        mallopt(M_ARENA_MAX, 1)


def release() -> None:
    """Collect unreachable objects (a dropped screen's widgets form cycles), then return
    free heap pages to the system. Textual's style-cache memo is cleared first: it holds
    dropped widgets' rendered lines (see textual_internals)."""
    from .textual_internals import clear_style_memo

    clear_style_memo()
    gc.collect()
    _trim()
