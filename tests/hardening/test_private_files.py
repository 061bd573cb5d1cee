"""Issue 11, item 3: files holding patient data are created 0600 and their folders 0700,
whatever the umask; a backup keeps (or tightens) the mode of the file it replaces."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from recall_tui.entry import main
from tests.conftest import NOW as NOW_DT
from tests.conftest import TEST_TOML

NOW = "2026-11-25T08:00"


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def home(tmp_path, open_umask, capsys):
    """A clinic whose database does not exist yet, in a folder not made yet."""
    db = tmp_path / "data" / "recall.db"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = tmp_path / "recall.toml"
    config.write_text(TEST_TOML + f'\n[messages]\ninbox_dir = "{inbox}"\n'
                      f'\n[database]\nurl = "sqlite:///{db}"\n', encoding="utf-8")

    def recall(*args: str) -> dict:
        code = main([*args, "--config", str(config), "--json"])
        out = capsys.readouterr()
        assert code == 0, out
        return json.loads(out.out) if out.out.strip() else {}

    return tmp_path, db, recall


def test_the_database_its_folder_and_its_wal_are_private(home):
    root, db, recall = home
    recall("init")
    assert mode(db.parent) == 0o700 and mode(db) == 0o600
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("INSERT INTO event (at, actor, kind) VALUES ('2026-11-25', 'x', 'test')")
        conn.commit()
        for suffix in ("-wal", "-shm"):
            assert mode(Path(f"{db}{suffix}")) == 0o600, suffix
    finally:
        conn.close()


def test_backups_are_private_and_keep_or_tighten_a_replaced_files_mode(home):
    root, db, recall = home
    recall("init")
    fresh = root / "backups" / "b1.db"
    recall("backup", str(fresh))
    assert mode(fresh) == 0o600 and mode(fresh.parent) == 0o700
    tight = root / "tight.db"
    tight.write_bytes(b"old")
    os.chmod(tight, 0o600)
    recall("backup", str(tight))
    assert mode(tight) == 0o600
    shared = root / "shared.db"
    shared.write_bytes(b"old")
    os.chmod(shared, 0o644)
    recall("backup", str(shared))
    assert mode(shared) == 0o640  # the group kept, others dropped
    assert not list(root.rglob("*.part"))


def test_slips_day_lists_exports_the_risk_model_and_inbox_done_are_private(home):
    root, db, recall = home
    recall("init")
    mrn = recall("patient", "add", "--name", "Lê Văn A", "--phone", "0912345678",
                 "--now", NOW)["mrn"]
    booked = recall("book", "--patient", mrn, "--clinic", "NOI", "--date", "2026-11-26",
                    "--session", "morning", "--now", NOW)
    slip = root / "slips" / "slip.pdf"
    recall("slip", booked["code"], "--pdf", str(slip))
    assert mode(slip) == 0o600 and mode(slip.parent) == 0o700
    day_list = root / "lists" / "day.pdf"
    recall("today", "--date", "2026-11-26", "--pdf", str(day_list), "--now", NOW)
    assert mode(day_list) == 0o600 and mode(day_list.parent) == 0o700

    from recall_tui.config import parse
    from recall_tui.services import risk_model, statistics, stats_export
    from recall_tui.services.context import Context
    from recall_tui.store.database import Database

    cfg = parse(root.joinpath("recall.toml").read_text(), None, env={})
    ctx = Context(cfg=cfg, db=Database(cfg.database_url), actor="lan")
    try:
        stats = statistics.compute(ctx, now=NOW_DT)
        csv_path = stats_export.export_csv(cfg, stats, now=NOW_DT, where=root / "exports")
        assert mode(csv_path) == 0o600 and mode(csv_path.parent) == 0o700
        model = risk_model.Model(trained_at=NOW, features=["x"], coefficients=[0.1],
                                 intercept=0.0, high_risk=0.5, visits=1, no_shows=0,
                                 time_cutoff=NOW, auc={"random": 0.5})
        saved = risk_model.save(cfg, model)
        assert mode(saved) == 0o600
    finally:
        ctx.db.dispose()

    inbox = root / "inbox"
    (inbox / "a.csv").write_text("channel,sender,text,received_at,id\n"
                                 "sms,0912345678,OK,2026-11-25T09:00:00+07:00,r1\n")
    recall("inbox", "--now", NOW)
    assert mode(inbox / "done") == 0o700
