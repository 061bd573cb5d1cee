"""Reads back what slip_escpos writes, as a printer would: commands and raster bands."""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

ESC, GS = 0x1B, 0x1D


@dataclass
class Stream:
    commands: list[str] = field(default_factory=list)  # in order: "init", "raster", ...
    bands: list[tuple[int, int]] = field(default_factory=list)  # (bytes per row, rows)
    rows: list[bytes] = field(default_factory=list)
    feed: int = 0

    @property
    def width_bytes(self) -> int:
        widths = {w for w, _ in self.bands}
        assert len(widths) == 1, f"bands of different widths: {widths}"
        return widths.pop()

    @property
    def height(self) -> int:
        return sum(rows for _, rows in self.bands)

    def image(self) -> Image.Image:
        """The raster as a 1-bit image, dark where the printer burns a dot."""
        width = self.width_bytes * 8
        # The printer's bit 1 is a dark dot; in PIL's mode "1" a set bit is white.
        bits = bytes(b ^ 0xFF for b in b"".join(self.rows))
        return Image.frombytes("1", (width, self.height), bits)


def parse(data: bytes) -> Stream:
    """Split an ESC/POS stream into the commands this package uses; fail on anything else."""
    out = Stream()
    i = 0
    while i < len(data):
        if data[i:i + 2] == b"\x1b@":
            out.commands.append("init")
            i += 2
        elif data[i:i + 4] == b"\x1dv0\x00":
            xl, xh, yl, yh = data[i + 4:i + 8]
            width, rows = xl + 256 * xh, yl + 256 * yh
            body = data[i + 8:i + 8 + width * rows]
            assert len(body) == width * rows, "raster band cut short"
            out.rows.extend(body[r * width:(r + 1) * width] for r in range(rows))
            out.bands.append((width, rows))
            out.commands.append("raster")
            i += 8 + width * rows
        elif data[i:i + 2] == b"\x1bd":
            out.feed += data[i + 2]
            out.commands.append("feed")
            i += 3
        elif data[i:i + 2] == b"\x1dV":
            out.commands.append("cut")
            i += 3
        else:
            raise AssertionError(f"unexpected byte {data[i]:#04x} at {i}")
    return out
