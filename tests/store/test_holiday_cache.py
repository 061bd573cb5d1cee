"""Holidays from the file cache are the package's holidays, and a bad cache heals."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from recall_tui.core.calendar import vietnam_year
from recall_tui.store.holiday_cache import vietnam_year_cached


def test_cache_gives_the_same_holidays_and_heals(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = vietnam_year_cached(2027)
    assert first == vietnam_year(2027) and first[date(2027, 2, 6)] == "Tết Nguyên Đán"
    files = list((tmp_path / "recall").glob("holidays-vn-2027-*.json"))
    assert len(files) == 1
    assert vietnam_year_cached(2027) == first
    files[0].write_text("{not json", encoding="utf-8")
    assert vietnam_year_cached(2027) == first


def test_a_desk_reading_the_cache_does_not_load_the_holidays_package(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    code = ("import sys; from recall_tui.store.holiday_cache import vietnam_year_cached as v;"
            " v(2026); print(sum(m.startswith('holidays') for m in sys.modules))")
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                         capture_output=True, text=True).stdout
    assert out.strip() == "0"
