"""Tables at 80 columns and beyond: no header or code cut, lower-ranked columns left out
rather than squeezed, names ending in "…" when cut, every column on a wide terminal; the day
in time order with a doctor column where a clinic's doctors share queue numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from recall_tui.ui.widgets.table import Col, Table, fit, layout
from tests.ui.conftest import make_app, settle, type_text
from tests.ui.screen_text import screen_text

# -- the layout, as a rule -----------------------------------------------------------------

words = st.text(alphabet="aăbcdđeêghiklmnoôơpqrstuưvxyÀ ", min_size=0, max_size=30)


@st.composite
def tables(draw):
    n = draw(st.integers(1, 8))
    cols = [Col(f"c{i}", width=draw(st.integers(0, 12)), max=draw(st.sampled_from([0, 10, 30])),
                drop=0 if i == 0 else draw(st.integers(0, 5)), grow=draw(st.booleans()))
            for i in range(n)]
    labels = [draw(st.text(alphabet="ABCĐ", min_size=1, max_size=10)) for _ in range(n)]
    rows = draw(st.lists(st.tuples(*[words] * n), max_size=6))
    return cols, labels, rows, draw(st.integers(20, 160))


@given(tables())
def test_a_layout_never_cuts_a_header_and_keeps_what_it_must(table):
    cols, labels, rows, room = table
    shape = layout(cols, labels, rows, room)
    shown = dict(shape)
    assert [i for i, _w in shape] == sorted(shown)  # in the columns' own order
    for i, w in shape:
        assert w >= cell_len(labels[i])  # a header is never cut
        widest = max((cell_len(r[i]) for r in rows), default=0)
        if not cols[i].grow and not cols[i].max:
            assert w >= widest  # a code or a date is never cut
    assert all(i in shown for i, c in enumerate(cols) if not c.drop)  # never left out
    if sum(w + 1 for _i, w in shape) > room:  # too wide only when nothing more can go
        assert all(i in shown for i, c in enumerate(cols) if not c.drop)
        assert not [i for i, c in enumerate(cols) if c.drop and i in shown]
    wider = layout(cols, labels, rows, room + 200)
    assert len(wider) == len(cols)  # room enough: every column


def test_a_cut_text_ends_with_an_ellipsis_in_its_width():
    assert fit("Nguyễn Thị Ngọc Ánh", 12) == "Nguyễn Thị…"
    assert cell_len(fit("Nguyễn Thị Ngọc Ánh", 12)) <= 12
    assert fit("Lê Hà", 12) == "Lê Hà"


# -- the screens ---------------------------------------------------------------------------

def _tables(app) -> list[Table]:
    return [t for t in app.screen.query(Table) if t.display and t.region.width]


def _headers_whole(app) -> list[str]:
    """The headers of the tables on screen that do not show whole."""
    from recall_tui.ui.i18n import t

    lines = screen_text(app).splitlines()
    bad = []
    for table in _tables(app):
        head = lines[table.region.y]
        for key in table.shown_columns():
            if f" {t(key)}" not in f" {head} ":
                bad.append(t(key))
    return bad


async def _visit(pilot, *keys):
    for k in keys:
        if " " in k or (len(k) > 2 and k.islower() and k.isalpha()):
            await type_text(pilot, k)
        else:
            await pilot.press(k)
        await settle(pilot.app, pilot)


VISITS = {"today": (), "booking": ("f3", "pham van khoa", "enter", "enter", "2 tuan", "enter"),
          "checkin": ("f4", "0901222333", "enter"), "noshow": ("f5",),
          "patient": ("f6", "pham van khoa", "enter"), "sessions": ("f7",),
          "statistics": ("f9",)}


@pytest.mark.anyio
@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("screen", list(VISITS))
async def test_at_80_columns_no_header_or_code_is_cut(screen, lang, ui_cfg):
    app = make_app(ui_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        if lang == "en":
            await _visit(pilot, "f8")
        await _visit(pilot, *VISITS[screen])
        assert _tables(app)
        assert not _headers_whole(app), screen_text(app)
        for table in _tables(app):
            assert sum(w + 1 for _i, w in table.desk_layout) <= table.region.width
            for row in range(table.row_count):  # every code shows whole (names may be cut)
                cells = table.row_cells(row)
                for (i, w) in table.desk_layout:
                    if not table.desk_cols[i].grow and not table.desk_cols[i].max:
                        assert cell_len(cells[i]) <= w, (table.desk_cols[i].key, cells[i])


@pytest.mark.anyio
async def test_today_uses_the_width_of_a_wide_terminal_and_names_end_with_an_ellipsis(ui_cfg):
    app = make_app(ui_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(Table)
        narrow = table.shown_columns()
        assert "col.mrn" not in narrow and "col.code" in narrow
        await pilot.resize_terminal(120, 40)
        await settle(app, pilot)
        wide = table.shown_columns()
        assert {"col.mrn", "col.born", "col.reminder"} <= set(wide)
        assert set(narrow) < set(wide)
        await pilot.resize_terminal(50, 24)
        await settle(app, pilot)
        text = screen_text(app)
        assert "…" in text  # names cut short say so
        assert "col.queue" in table.shown_columns() and "col.status" in table.shown_columns()


@pytest.mark.anyio
async def test_today_is_in_time_order_with_the_doctor_where_a_clinic_has_two(ui_cfg, ui_ctx):
    from recall_tui.services.today import day_list
    from tests.conftest import NOW

    rows = day_list(ui_ctx, day=NOW.date()).rows
    starts = [r.starts for r in rows]
    assert starts == sorted(starts)  # morning before afternoon
    assert {r.doctor for r in rows if r.clinic == "TM"} == {"BS1", "BS2"}
    app = make_app(ui_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(Table)
        assert "col.doctor" in table.shown_columns()  # TM's two doctors share queue no. 1
        lines = screen_text(app).splitlines()
        assert any("TM" in ln and "BS1" in ln for ln in lines)
        assert any("TM" in ln and "BS2" in ln for ln in lines)
        await pilot.press("c")  # NOI alone: one doctor, no column
        await settle(app, pilot)
        assert "col.doctor" not in table.shown_columns()


@pytest.mark.anyio
async def test_sessions_are_in_time_order_each_day(ui_cfg):
    app = make_app(ui_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f7")
        await settle(app, pilot)
        loads = app.screen.loads
        keys = [(x.day, x.starts) for x in loads]
        assert keys == sorted(keys) and len({x.part for x in loads}) > 1


def test_every_form_label_fits_its_column_in_both_languages():
    """A dialog's labels are 22 cells wide (app.tcss): none wraps onto a second line."""
    from recall_tui.ui.i18n import S

    long = [(k, v) for k, pair in S.items() if k.startswith("f.") for v in pair
            if cell_len(v) > 21]
    assert not long, long
