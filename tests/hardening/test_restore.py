"""`recall backup` then `recall restore`: a live database round-trips with nothing lost
while another process books during the backup; restore checks the copy first, refuses
while a desk writes (unless --force), and keeps the database it replaces."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from recall_tui.entry import main
from tests.conftest import NOW as NOW_DT
from tests.conftest import TEST_TOML

NOW = "2026-11-25T08:00"

BOOKER = r'''
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from recall_tui.config import load
from recall_tui.core.calendar import Part
from recall_tui.services import booking, patients
from recall_tui.services.context import Context
from recall_tui.store.database import Database

config, stop = sys.argv[1], Path(sys.argv[2])
cfg = load(config)
ctx = Context(cfg=cfg, db=Database(cfg.database_url), actor="booker")
now = datetime(2026, 11, 25, 8, 0, tzinfo=ctx.tz)
days = [now.date() + timedelta(days=d) for d in range(1, 40)]
i = 0
while not stop.exists():
    i += 1
    card = patients.add(ctx, name=f"Người Đặt {i}", now=now)
    for day in days:
        try:
            b = booking.book(ctx, patient=card.mrn, clinic="TM", doctor="BS1", day=day,
                             part=Part.MORNING, now=now)
        except Exception:
            continue
        print(b.code, time.monotonic_ns(), flush=True)  # acknowledged: committed
        break
'''


@pytest.fixture
def clinic(tmp_path, sqlite_template, capsys):
    """A SQLite clinic with some history, and ``recall(*args) -> (code, json, stderr)``."""
    from recall_tui.config import parse
    from recall_tui.services import demo
    from recall_tui.services.context import Context
    from recall_tui.store.database import Database

    db = tmp_path / "recall.db"
    shutil.copy(sqlite_template, db)
    config = tmp_path / "recall.toml"
    config.write_text(TEST_TOML + f'\n[database]\nurl = "sqlite:///{db}"\n', encoding="utf-8")
    cfg = parse(config.read_text(), None, env={})
    ctx = Context(cfg=cfg, db=Database(cfg.database_url), actor="lan")
    demo.generate(ctx, patients=300, days=60, seed=3, now=NOW_DT)
    ctx.db.dispose()
    with sqlite3.connect(db) as conn:  # a long history: the copy takes a while
        conn.executemany(
            "INSERT INTO event (at, actor, kind, details) VALUES (?, 'lan', 'note', ?)",
            [(f"2026-0{1 + i % 9}-01 08:00:00", "x" * 400) for i in range(40_000)])

    def recall(*args: str):
        code = main([*args, "--config", str(config), "--json"])
        out = capsys.readouterr()
        return code, (json.loads(out.out) if out.out.strip() else None), out.err

    return db, config, recall


def _codes(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("SELECT code FROM appointment")}


def _dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [line for line in conn.iterdump() if not line.startswith("PRAGMA")]


def test_backup_during_bookings_then_restore_loses_nothing(clinic, tmp_path):
    db, config, recall = clinic
    stop = tmp_path / "stop"
    booker = subprocess.Popen([sys.executable, "-c", BOOKER, str(config), str(stop)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    acked: list[tuple[str, int]] = []

    def take() -> None:
        line = booker.stdout.readline()
        assert line, booker.stderr.read()
        code, at = line.split()
        acked.append((code, int(at)))

    try:
        while len(acked) < 5:  # the booker is booking
            take()
        for _ in range(5):  # until a booking lands while the copy is being made
            before = [c for c, _ in acked]
            started = time.monotonic_ns()
            code, doc, err = recall("backup", str(tmp_path / "backup.db"))
            ended = time.monotonic_ns()
            assert code == 0, err
            for _ in range(3):
                take()
            if any(started < at < ended for _, at in acked):
                break
        else:
            pytest.fail("no booking was made during any of five backups")
    finally:
        stop.touch()
        rest, err = booker.communicate(timeout=60)
    acked += [(c, 0) for c in rest.split()[::2]]
    assert booker.returncode == 0, err
    copy = tmp_path / "backup.db"
    in_copy = _codes(copy)
    assert set(before) <= in_copy  # every booking acknowledged before the backup is in it
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    live_codes = _codes(db)
    assert {c for c, _ in acked} <= live_codes

    code, doc, err = recall("restore", str(copy), "--now", NOW)
    assert code == 0, err
    assert _dump(db) == _dump(copy)  # the live database is the backup, row for row
    aside = Path(doc["kept_aside"])
    assert _codes(aside) == live_codes  # what it replaced, bookings after the backup too
    code, doc, err = recall("patient", "search", "nguoi dat")
    assert code == 0 and doc  # and the restored database works


def test_restore_checks_the_copy_first(clinic, tmp_path):
    db, config, recall = clinic
    good = tmp_path / "good.db"
    assert recall("backup", str(good))[0] == 0
    before = _dump(db)

    text_file = tmp_path / "notes.db"
    text_file.write_text("hello\n" * 100)
    damaged = tmp_path / "damaged.db"
    data = bytearray(good.read_bytes())
    for i in range(len(data) // 2, len(data) // 2 + 8192):
        data[i] = 0x5A
    damaged.write_bytes(bytes(data))
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(good.read_bytes()[: len(data) // 3])
    newer = tmp_path / "newer.db"
    shutil.copy(good, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")

    for path, exit_code, code_word in ((text_file, 1, "restore.not_sqlite"),
                                       (damaged, 1, "restore.damaged"),
                                       (truncated, 1, "restore.damaged"),
                                       (newer, 3, "restore.newer"),
                                       (foreign, 1, "restore.not_recall"),
                                       (tmp_path, 1, "restore.dir"),
                                       (tmp_path / "none.db", 1, "restore.missing"),
                                       (db, 1, "restore.same")):
        code, doc, err = recall("restore", str(path), "--now", NOW)
        assert code == exit_code, (path, doc, err)
        assert doc["error"]["code"] == code_word, (path, doc)
        assert "Traceback" not in err
    assert _dump(db) == before  # nothing was touched
    assert not list(tmp_path.glob("recall.db.before-restore-*"))


def test_restore_refuses_while_a_desk_writes_unless_forced(clinic, tmp_path, monkeypatch):
    from recall_tui.store import database

    monkeypatch.setattr(database, "BUSY_TIMEOUT_S", 5.0)
    db, config, recall = clinic
    copy = tmp_path / "copy.db"
    assert recall("backup", str(copy))[0] == 0
    desk = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    desk.execute("BEGIN IMMEDIATE")
    try:
        code, doc, err = recall("restore", str(copy), "--now", NOW)
    finally:
        import threading

        threading.Timer(1.0, desk.rollback).start()
    assert code == 3 and doc["error"]["code"] == "restore.busy", (doc, err)
    code, doc, err = recall("restore", str(copy), "--force", "--now", NOW)  # waits it out
    desk.close()
    assert code == 0 and doc["forced"], err


def test_restore_on_postgresql_points_to_pg_restore(config_file, capsys, db_url):
    if db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL")
    code = main(["restore", "x.dump", "--config", str(config_file), "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1 and "pg_restore" in doc["error"]["message"]


