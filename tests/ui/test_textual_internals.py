"""The Textual internals the desk relies on (recall_tui/ui/textual_internals.py) are still
there and still do what the desk needs. Each test FAILS when Textual renames or drops one
(the desk itself then falls back to Textual's stock behaviour): upgrade Textual, run these.
And no other module of the desk touches a name Textual keeps private."""

from __future__ import annotations

import ast
import inspect
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.app import App
from textual.cache import LRUCache
from textual.widgets import DataTable, Static

from recall_tui.ui import textual_internals as ti

pytestmark = pytest.mark.anyio
UI = Path(ti.__file__).parent


def test_textual_is_the_pinned_major_version():
    import textual

    assert textual.__version__.split(".")[0] == "8"
    pyproject = (UI.parents[1] / "pyproject.toml").read_text()
    assert '"textual>=8.0,<9"' in pyproject


# 1 -- a DataTable's render caches ------------------------------------------------------

def test_a_data_table_still_has_the_render_caches_the_desk_shrinks():
    table = DataTable()
    for name in ti.TABLE_CACHES:
        assert isinstance(getattr(table, name, None), LRUCache), name
    assert ti.shrink_table_caches(table)
    for name, size in ti.TABLE_CACHES.items():
        assert getattr(table, name).maxsize == size


class Rows(App):
    def compose(self):
        yield DataTable(id="t")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        ti.shrink_table_caches(table)
        table.add_columns("a", "b")
        for i in range(300):
            table.add_row(str(i), f"row {i}")


async def test_a_table_with_small_caches_draws_and_uses_them():
    app = Rows()
    async with app.run_test(size=(30, 10)) as pilot:
        table = app.query_one(DataTable)
        for _ in range(12):
            await pilot.press("pagedown")
        await pilot.pause()
        assert "row" in ti.screen_text(app)
        cache = table._row_render_cache  # the cache a drawn table fills, bounded
        assert 0 < len(cache) <= ti.TABLE_CACHES["_row_render_cache"]


# 2 -- the cursor hook ------------------------------------------------------------------

def test_a_data_table_still_brings_its_cursor_into_view_through_the_hook():
    assert ti.cursor_hook_present()
    source = inspect.getsource(DataTable)
    assert f"self.{ti.CURSOR_HOOK}(" in source  # called when the cursor moves


async def test_the_hook_runs_on_every_cursor_move_and_can_fall_back():
    calls = []

    class Hooked(DataTable):
        pass

    def scroll(table, animate) -> bool:
        calls.append(table.cursor_row)
        return table.cursor_row < 5  # from row 5 on, Textual's own scrolling

    assert ti.on_cursor_out_of_view(Hooked, scroll)

    class One(App):
        def compose(self):
            yield Hooked()

        def on_mount(self) -> None:
            t = self.query_one(Hooked)
            t.cursor_type = "row"
            t.add_column("n")
            for i in range(50):
                t.add_row(str(i))
            t.focus()

    app = One()
    async with app.run_test(size=(20, 8)) as pilot:
        for _ in range(10):
            await pilot.press("down")
        await pilot.pause()
        table = app.query_one(Hooked)
        assert calls[-1] == 10 and {1, 2, 3, 4, 5}.issubset(calls)
        assert table.scroll_y > 0  # the stock scrolling ran past row 5


# 3 -- the style-cache memo -------------------------------------------------------------

def test_the_style_cache_memo_is_still_there_and_clears():
    from textual._styles_cache import StylesCache

    assert callable(StylesCache.get_inner_outer.cache_clear)
    assert StylesCache.get_inner_outer.cache_info().maxsize == 1024
    assert ti.clear_style_memo()
    assert StylesCache.get_inner_outer.cache_info().currsize == 0


# 4 -- frames through Driver.write; the compositor ----------------------------------------

async def test_the_screen_reads_back_as_text_through_the_compositor():
    class Hello(App):
        def compose(self):
            yield Static("Xin chào, bàn tiếp đón")

    app = Hello()
    async with app.run_test(size=(40, 5)) as pilot:
        await pilot.pause()
        lines = ti.screen_lines(app)
        assert len(lines) == 5
        assert ti.screen_text(app).splitlines()[0] == "Xin chào, bàn tiếp đón"


_HELLO = """
import sys
from textual.app import App
from textual.widgets import Static
from recall_tui.ui.textual_internals import writing_through

class Hello(App):
    def get_driver_class(self):
        return writing_through(super().get_driver_class(),
                               lambda s: s.replace("HELLO", "HOWDY"))
    def compose(self):
        yield Static("HELLO")
    def on_mount(self):
        self.set_timer(0.5, self.exit)

Hello().run()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal")
def test_every_frame_reaches_the_terminal_through_driver_write():
    """In a real pseudo-terminal, the app's frames pass through the driver's ``write``: a
    word the write changes never reaches the terminal as it was drawn."""
    main, child = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "40", "LINES": "10"}
    proc = subprocess.Popen([sys.executable, "-c", _HELLO], stdin=child, stdout=child,
                            stderr=child, env=env, close_fds=True)
    os.close(child)
    out = b""
    end = time.monotonic() + 20
    while time.monotonic() < end:
        ready, _, _ = select.select([main], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(main, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
    proc.wait(timeout=10)
    os.close(main)
    text = out.decode("utf-8", "replace")
    assert "HOWDY" in text and "HELLO" not in text


# -- nothing else touches Textual's private names -------------------------------------------

def _textual_private_names() -> set[str]:
    """The private names of the Textual classes the desk builds on."""
    from textual.app import App as TApp
    from textual.driver import Driver
    from textual.screen import ModalScreen, Screen
    from textual.widget import Widget
    from textual.widgets import Input, Select, TabbedContent

    names: set[str] = set()
    for cls in (TApp, Screen, ModalScreen, Widget, DataTable, Static, Input, Select,
                TabbedContent, Driver):
        for klass in cls.__mro__:
            names.update(n for n in vars(klass) if n.startswith("_") and not n.startswith("__"))
    app = TApp()
    names.update(n for n in vars(app) if n.startswith("_") and not n.startswith("__"))
    for obj in (DataTable(), Static(), Input(), Screen()):
        names.update(n for n in vars(obj) if n.startswith("_") and not n.startswith("__"))
    return names


def test_no_other_desk_module_touches_a_textual_private_name():
    """Outside textual_internals.py, the desk neither imports Textual's private modules nor
    reads, sets or overrides a name Textual keeps private (its own private names must not
    clash with Textual's either: that would silently replace Textual's)."""
    private = _textual_private_names()
    found = []
    for path in sorted(UI.rglob("*.py")):
        if path.name == "textual_internals.py":
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and (
                    node.module.startswith("textual._") or ".._" in node.module
                    or any(p.startswith("_") for p in node.module.split(".")[1:])
                    and node.module.startswith("textual")):
                found.append(f"{path.name}:{node.lineno} from {node.module}")
            elif isinstance(node, ast.Attribute) and node.attr in private:
                found.append(f"{path.name}:{node.lineno} .{node.attr}")
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) \
                    and node.name in private:
                found.append(f"{path.name}:{node.lineno} def {node.name}")
    assert not found, found
