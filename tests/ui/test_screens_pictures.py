"""The pictures in screens/ are what `make screens` draws today: each is drawn again (same
demo hospital, same seed, same clock) and compared with the one committed. A screen that
changed fails here until `make screens` is run and the new pictures are committed."""

from __future__ import annotations

from pathlib import Path

import pytest

from recall_tui.ui import screenshots

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.xdist_group("screens")


def test_the_committed_pictures_are_what_make_screens_draws(tmp_path):
    drawn = screenshots.make(tmp_path, config=str(ROOT / "recall.toml"))
    committed = ROOT / "screens"
    assert sorted(p.name for p in drawn) == sorted(p.name for p in committed.glob("*.svg")), \
        "screens/ holds other pictures than `make screens` draws"
    stale = [p.name for p in drawn
             if screenshots.stable((committed / p.name).read_text(encoding="utf-8"))
             != p.read_text(encoding="utf-8")]
    assert not stale, f"redraw with `make screens`: {stale}"


def test_every_screen_has_its_picture_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in screenshots.STEPS:
        assert f"(screens/{name}.svg)" in readme, name
