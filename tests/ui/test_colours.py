"""Readable in 16 colours (TERM=linux, the Linux console): every input stands out from what
is around it, in dialogs and on screens, focused or not. Read from the frame Textual draws,
each colour brought down to the 16 a console has, as Rich does for such a terminal."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.color import ColorSystem

from recall_tui.ui.textual_internals import screen_lines
from recall_tui.ui.widgets.field import Field
from tests.ui.conftest import make_app, settle

pytestmark = pytest.mark.anyio


def background_at(app, x: int, y: int) -> int | None:
    """The console colour (0-15) behind the cell at (x, y)."""
    at = 0
    for seg in screen_lines(app)[y]:
        width = cell_len(seg.text)
        if at <= x < at + width:
            bg = seg.style.bgcolor if seg.style else None
            return None if bg is None else bg.downgrade(ColorSystem.STANDARD).number
        at += width
    return None


def inputs_stand_out(app, around) -> list[str]:
    """The inputs whose colour is the colour around them (``around``: a cell outside)."""
    bad = []
    for field in app.screen.query(Field):
        r = field.region
        inside = background_at(app, r.x + r.width - 1, r.y)
        if inside == background_at(app, *around):
            bad.append(f"{field.id or field.name}: {inside}")
    return bad


async def test_dialog_inputs_stand_out_in_16_colours(ui_cfg):
    app = make_app(ui_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("r")  # the move dialog: a date, a part, a time, a reason
        await settle(app, pilot)
        box = app.screen.query_one(".dialog").region
        around = (box.x + 1, box.y + 1)  # inside the dialog's border, its own colour
        assert len(app.screen.query(Field)) >= 3
        assert not inputs_stand_out(app, around)
        focused = app.screen.focused
        assert isinstance(focused, Field)
        r = focused.region
        others = [f for f in app.screen.query(Field) if f is not focused]
        o = others[0].region
        assert background_at(app, r.x + r.width - 1, r.y) != \
            background_at(app, o.x + o.width - 1, o.y)  # the one being typed in shows


async def test_screen_inputs_stand_out_in_16_colours(ui_cfg):
    app = make_app(ui_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        assert not inputs_stand_out(app, (0, app.size.height - 3))  # the screen's colour
