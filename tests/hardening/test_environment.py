"""Issue 11, item 5: a broken environment is exit 4 with what to do, in our words (never a
driver's text); a busy database says it waits, then gives up naming the lock; a full disk
leaves nothing half-written."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest

from recall_tui.entry import main
from tests.conftest import TEST_TOML, pg_admin_url, pg_problem

from .conftest import NOW


def _run(config: Path, *args: str, capsys) -> tuple[int, dict | None, str]:
    code = main([*args, "--config", str(config), "--json"])
    out = capsys.readouterr()
    doc = json.loads(out.out) if out.out.strip() else None
    return code, doc, out.err


def _config(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "recall.toml"
    path.write_text(TEST_TOML + f'\n[database]\nurl = "{url}"\n', encoding="utf-8")
    return path


def _pg_url(name: str) -> str:
    return pg_admin_url().rsplit("/", 1)[0] + "/" + name


def _cases(tmp_path: Path) -> list[tuple[str, str]]:
    (tmp_path / "folder.db").mkdir()
    (tmp_path / "notes.db").write_text("not a database, just text\n" * 50)
    cases = [("postgresql://nobody@127.0.0.1:1/recall", "db.unavailable"),
             ("mysql://root@127.0.0.1/recall", "db.url"),
             (f"sqlite:///{tmp_path / 'folder.db'}", "db.is_folder"),
             (f"sqlite:///{tmp_path / 'notes.db'}", "db.not_sqlite")]
    if pg_problem() is None:
        cases.append((_pg_url("recall_no_such_database_here"), "db.missing"))
    return cases


def test_init_against_a_broken_environment_says_what_to_do(tmp_path, capsys):
    cases = _cases(tmp_path)
    for url, want in cases:
        config = _config(tmp_path, url)
        for command in (["init"], ["today"]):
            code, doc, err = _run(config, *command, capsys=capsys)
            assert code == 4, (url, doc, err)
            e = doc["error"]
            assert e["code"] == want, (url, e)
            assert "unexpected" not in e["message"] and "Traceback" not in err
            assert "run `recall init`" not in e["message"] or want == "db.missing", e
    if pg_problem() is None:
        code, doc, _ = _run(_config(tmp_path, _pg_url("recall_no_such_database_here")),
                            "init", capsys=capsys)
        assert "createdb recall_no_such_database_here" in doc["error"]["message"]


# -- busy ------------------------------------------------------------------------------------

@pytest.fixture
def short_wait(monkeypatch):
    from recall_tui.store import database

    monkeypatch.setattr(database, "BUSY_TIMEOUT_S", 2.0)


def _patient(config: Path, capsys) -> str:
    code, doc, err = _run(config, "patient", "add", "--name", "Lê Văn Chờ", "--now", NOW,
                          capsys=capsys)
    assert code == 0, err
    return doc["mrn"]


def _booked(config: Path, mrn: str, capsys) -> int:
    code, doc, _ = _run(config, "patient", "show", mrn, capsys=capsys)
    return len(doc["appointments"])


@pytest.mark.storage
def test_a_held_write_lock_makes_book_wait_say_so_and_give_up_clearly(
        config_file, db_url, short_wait, capsys):
    mrn = _patient(config_file, capsys)
    if db_url.startswith("sqlite"):
        holder = sqlite3.connect(db_url.split("///", 1)[1], isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        release = holder.rollback
    else:
        import psycopg

        holder = psycopg.connect(db_url, application_name="desk 7")
        holder.execute("LOCK TABLE appointment IN EXCLUSIVE MODE")
        release = holder.rollback
    try:
        code, doc, err = _run(config_file, "book", "--patient", mrn, "--clinic", "NOI",
                              "--date", "2026-11-26", "--session", "morning", "--now", NOW,
                              capsys=capsys)
    finally:
        release()
        holder.close()
    assert code == 4, (doc, err)
    e = doc["error"]
    assert e["code"] == "db.busy"
    assert "Waiting for another desk" in err and "Traceback" not in err
    assert "locked" not in e["message"] and "SELECT" not in e["message"]
    assert "INSERT" not in e["message"]
    if db_url.startswith("sqlite"):
        assert "khoá ghi" in e["message"] and e["details"]["lock"] == "the write lock"
    else:
        assert "desk 7" in e["details"]["holder"] and "appointment" in e["details"]["holder"]
    assert _booked(config_file, mrn, capsys) == 0
    code, doc, _ = _run(config_file, "book", "--patient", mrn, "--clinic", "NOI", "--date",
                        "2026-11-26", "--session", "morning", "--now", NOW, capsys=capsys)
    assert code == 0 and _booked(config_file, mrn, capsys) == 1


@pytest.mark.storage
def test_a_write_waiting_under_a_second_says_nothing(config_file, db_url, capsys):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock (PostgreSQL locks rows, not the database)")
    mrn = _patient(config_file, capsys)
    holder = sqlite3.connect(db_url.split("///", 1)[1], isolation_level=None,
                             check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    threading.Timer(0.3, holder.rollback).start()
    try:
        code, doc, err = _run(config_file, "book", "--patient", mrn, "--clinic", "NOI",
                              "--date", "2026-11-26", "--session", "morning", "--now", NOW,
                              capsys=capsys)
    finally:
        holder.close()
    assert code == 0 and "Waiting" not in err


# -- a full disk -------------------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A folder on a tmpfs of a given size (in KiB): ``small_disk(kib) -> Path``. Mounting
    needs root (CI's containers run as root); elsewhere these tests skip."""
    mounted: list[Path] = []

    def make(kib: int) -> Path:
        where = tmp_path / f"disk{len(mounted)}"
        where.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs",
                               str(where)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip()}")
        mounted.append(where)
        return where

    yield make
    for where in mounted:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def _fill(folder: Path) -> None:
    """Leave no free block."""
    try:
        with open(folder / "filler", "wb") as fh:
            while True:
                fh.write(b"\0" * 4096)
                fh.flush()
    except OSError:
        pass


def test_backup_onto_a_full_disk_says_so_and_leaves_the_old_copy_and_no_part(
        config_file, small_disk, capsys):
    if "sqlite" not in config_file.read_text():
        pytest.skip("SQLite")
    disk = small_disk(256)
    old = disk / "recall-backup.db"
    old.write_bytes(b"the previous backup")
    os.chmod(old, 0o600)
    _fill(disk)
    code, doc, err = _run(config_file, "backup", str(old), capsys=capsys)
    assert code == 4, (doc, err)
    assert doc["error"]["code"] == "disk.full" and "Traceback" not in err
    assert old.read_bytes() == b"the previous backup"
    assert not [p for p in os.listdir(disk) if p.endswith(".part")]


def test_a_database_on_a_full_disk_writes_nothing_and_says_so(
        sqlite_template, small_disk, tmp_path, capsys):
    import shutil

    size_kib = sqlite_template.stat().st_size // 1024
    disk = small_disk(size_kib + 96)
    db = disk / "recall.db"
    shutil.copy(sqlite_template, db)
    config = _config(tmp_path, f"sqlite:///{db}")
    mapping = tmp_path / "p.toml"
    mapping.write_text('kind = "patients"\n[columns]\nmrn = "MRN"\nfull_name = "Name"\n'
                       'address = "Address"\n', encoding="utf-8")
    rows = "\n".join(f"BV{i:06d},Nguyễn Văn {i},{'Số ' + str(i) + ' Đường Láng ' * 12}"
                     for i in range(6000))
    data = tmp_path / "p.csv"
    data.write_text("MRN,Name,Address\n" + rows + "\n", encoding="utf-8")
    code, doc, err = _run(config, "import", "patients", str(data), "--mapping", str(mapping),
                          "--now", NOW, capsys=capsys)
    assert code == 4, (doc, err)
    assert doc["error"]["code"] == "disk.full" and "Traceback" not in err
    assert "INSERT" not in json.dumps(doc) and "Nguyễn" not in json.dumps(doc)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM patient").fetchone()[0] == 0
    code, doc, err = _run(config, "patient", "add", "--name", "Lê Văn Sau", "--now", NOW,
                          capsys=capsys)
    assert code in (0, 4) and "Traceback" not in err  # room again once the WAL is reset
