"""The follow-up slip (giấy hẹn khám lại): an A5 PDF and a thermal (ESC/POS) receipt.

Pure rendering from a plain ``Slip``; no database. The renderers load fpdf2 / Pillow, so
they are imported on first use, keeping start-up light for code that only builds a Slip.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .slip import Slip

if TYPE_CHECKING:
    from .escpos import slip_escpos
    from .pdf import slip_pdf
    from .printer import PrintError, send_to_printer

__all__ = ["PrintError", "Slip", "send_to_printer", "slip_escpos", "slip_pdf"]

_LAZY = {
    "slip_pdf": "pdf",
    "slip_escpos": "escpos",
    "send_to_printer": "printer",
    "PrintError": "printer",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
