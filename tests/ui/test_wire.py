"""The compacted frames (ui/wire.py) leave every cell of the screen as Textual's own frames
do: same letters, colours and attributes, in a terminal emulator (pyte)."""

from __future__ import annotations

import pyte
from hypothesis import given, settings
from hypothesis import strategies as st

from recall_tui.ui.wire import compact

COLS, ROWS = 30, 12
LOOKS = ["\x1b[38;5;253;48;5;235m", "\x1b[1;38;5;253;48;5;23m", "\x1b[48;5;17m",
         "\x1b[7;38;5;23;48;5;234m", "\x1b[38;2;224;224;224;48;2;30;30;30m"]


@st.composite
def frames(draw) -> str:
    """Frames as Textual writes them: each line a cursor move and styled runs (each ending
    with a reset) or plain text; lines joined by line feeds, never on the last row."""
    rows = draw(st.lists(st.integers(1, ROWS - 1), min_size=1, max_size=8))
    parts = []
    for i, y in enumerate(rows):
        parts.append(f"\x1b[{y};{draw(st.integers(1, 12))}H")
        for _ in range(draw(st.integers(1, 4))):
            look = draw(st.sampled_from([*LOOKS, None]))
            text = draw(st.text(alphabet="ab Đếy—", min_size=0, max_size=5))
            parts.append(text if look is None else f"{look}{text}\x1b[0m")
        if i < len(rows) - 1:
            parts.append(draw(st.sampled_from(["\n", "\r\n", ""])))
    return "".join(parts)


def shown(*writes: str) -> list:
    screen = pyte.Screen(COLS, ROWS)
    stream = pyte.Stream(screen)
    for w in writes:
        stream.feed(w)
    return [[(c.data, c.fg, c.bg, c.bold, c.reverse) for c in
             (screen.buffer[y][x] for x in range(COLS))] for y in range(ROWS)]


@settings(max_examples=300, deadline=None)
@given(st.lists(frames(), min_size=1, max_size=3))
def test_compacted_frames_show_the_same_screen(writes):
    assert shown(*(compact(w) for w in writes)) == shown(*writes)


def test_a_list_line_that_looks_like_the_last_costs_no_colours_again():
    line = "\x1b[{};1H\x1b[38;5;253;48;5;235m CXK  10   07:00  Trần Minh Sơn \x1b[0m"
    frame = "\n".join(line.format(y) for y in range(5, 15))
    out = compact(frame)
    # The first line is paid twice: what the terminal showed before the write is unknown.
    assert out.count("\x1b[38;5;253;48;5;235m") == 2 and out.count("\x1b[0m") == 2
    assert len(out.encode()) < 0.8 * len(frame.encode())
