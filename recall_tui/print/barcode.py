"""The two machine-readable forms of the appointment code on a slip.

- a QR code (segno), for phones and 2D desk scanners;
- a Code 128 (code set B) barcode, for the 1D laser scanners many desks still have.

Both come out as rows of dark (True) / light (False) modules, without quiet zone; each
renderer draws them at its own scale (vector rectangles in the PDF, dots on a receipt).
"""

from __future__ import annotations

import segno

# Bar and space widths (in modules) of Code 128 symbol values 0..106, bar first.
# 103-105 are START A/B/C, 106 is STOP (followed by a final 2-module bar).
_C128 = (
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 "
    "221312 231212 112232 122132 122231 113222 123122 123221 223211 221132 "
    "221231 213212 223112 312131 311222 321122 321221 312212 322112 322211 "
    "212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 "
    "231113 231311 112133 112331 132131 113123 113321 133121 313121 211331 "
    "231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 "
    "314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 "
    "112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 "
    "111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 "
    "214121 412121 111143 111341 131141 114113 114311 411113 411311 113141 "
    "114131 311141 411131 211412 211214 211232 233111"
).split()
_START_B = 104
_STOP = 106
QUIET_MODULES = 10  # the quiet zone Code 128 needs on each side


def code128_values(text: str) -> list[int]:
    """Symbol values for ``text`` in code set B: start, data, check, stop."""
    if not text:
        raise ValueError("nothing to encode")
    data = []
    for ch in text:
        if not 32 <= ord(ch) <= 126:
            raise ValueError(f"Code 128 set B cannot encode {ch!r}")
        data.append(ord(ch) - 32)
    check = (_START_B + sum(i * v for i, v in enumerate(data, start=1))) % 103
    return [_START_B, *data, check, _STOP]


def code128_modules(text: str) -> list[bool]:
    """One row of modules, True for a bar, without quiet zones."""
    modules: list[bool] = []
    for value in code128_values(text):
        for i, width in enumerate(_C128[value]):
            modules.extend([i % 2 == 0] * int(width))
    modules.extend([True, True])  # the termination bar after STOP
    return modules


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR code's modules, True for dark, without quiet zone (4 modules are needed).

    Always a full QR code (never Micro QR, which phone cameras do not read), error
    correction M or better.
    """
    qr = segno.make_qr(text, error="m", boost_error=True)
    return [[bool(v) for v in row] for row in qr.matrix]


def runs(row: list[bool]) -> list[tuple[int, int]]:
    """(start, length) of each run of dark modules in a row, for drawing as rectangles."""
    out: list[tuple[int, int]] = []
    start = None
    for i, dark in enumerate([*row, False]):
        if dark and start is None:
            start = i
        elif not dark and start is not None:
            out.append((start, i - start))
            start = None
    return out
