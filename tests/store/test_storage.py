"""Storage guarantees a clinic relies on, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from recall_tui.services import booking, patients, setup
from recall_tui.services.patients import PhoneIn
from recall_tui.store import migrate
from tests import status_guard

pytestmark = pytest.mark.storage


def test_init_is_safe_to_run_again(ctx):
    res = setup.init(ctx)
    assert res.before == res.after == migrate.head()
    assert setup.is_initialised(ctx)


def test_event_log_is_append_only(ctx, now):
    patients.add(ctx, name="Lê Văn Tám", phones_in=[PhoneIn("0912345678")], now=now)
    for sql in ("UPDATE event SET actor = 'someone else'", "DELETE FROM event"):
        with pytest.raises(DBAPIError, match="append-only"):
            with ctx.db.write() as conn:
                conn.execute(text(sql))
    with ctx.db.read() as conn:
        assert conn.execute(text("SELECT actor FROM event")).scalar_one() == "lan"


def test_queue_number_and_active_appointment_are_constraints(ctx, now):
    p = patients.add(ctx, name="Lê Văn Tám", phones_in=[PhoneIn("0912345678")], now=now)
    b = booking.book(ctx, patient=p.mrn, clinic="NOI", day=date(2026, 11, 26), part="morning",
                     now=now)
    with pytest.raises(IntegrityError), status_guard.off(), ctx.db.write() as conn:
        if True:
            conn.execute(text("UPDATE appointment SET code = 'X' WHERE code = :c"), {"c": b.code})
            conn.execute(text(
                "INSERT INTO appointment (code, order_id, patient_id, clinic_id, session_id, day,"
                " part, queue_no, status, source, version, booked_at, booked_by, status_at,"
                " late_cancel, overbooked, active_key) SELECT 'Y', order_id, patient_id,"
                " clinic_id, session_id, day, part, queue_no, status, source, version,"
                " booked_at, booked_by, status_at, late_cancel, overbooked, 'other'"
                " FROM appointment"))


def test_instants_keep_their_zone_and_dates_do_not_shift(ctx, now):
    p = patients.add(ctx, name="Lê Văn Tám", phones_in=[PhoneIn("0912345678")], now=now)
    b = booking.book(ctx, patient=p.mrn, clinic="NOI", day=date(2026, 11, 26), part="morning",
                     now=now)
    f = patients.show(ctx, mrn=p.mrn)
    a = f.appointments[0]
    assert a.code == b.code and a.day == date(2026, 11, 26)
    assert a.booked_at == now and a.booked_at.utcoffset() is not None


def test_backup_of_a_live_database(ctx, now, tmp_path, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's online backup; PostgreSQL is backed up with pg_dump")
    from recall_tui.services.backup import backup
    from recall_tui.store.database import Database

    patients.add(ctx, name="Lê Văn Tám", phones_in=[PhoneIn("0912345678")], now=now)
    res = backup(ctx, dest=str(tmp_path / "b" / "copy.db"))
    copy = Database(f"sqlite:///{res.path}")
    with copy.read() as conn:
        assert conn.execute(text("SELECT full_name FROM patient")).scalar_one() == "Lê Văn Tám"
    copy.dispose()


def test_a_light_database_reads_and_writes_with_small_caches(cfg, now, db_url):
    """The desk's database (few connections, small SQLite caches) does the same work."""
    from recall_tui.services.context import Context
    from recall_tui.services.today import day_list
    from recall_tui.store.database import LIGHT_CACHE_KIB, Database

    db = Database(db_url, light=True)
    try:
        ctx = Context(cfg=cfg, db=db, actor="lan")
        p = patients.add(ctx, name="Lê Thị Nhẹ", phones_in=[PhoneIn("0912345679")], now=now)
        b = booking.book(ctx, patient=p.mrn, clinic="NOI", day=date(2026, 11, 26),
                         part="morning", now=now)
        assert [r.code for r in day_list(ctx, day=date(2026, 11, 26)).rows] == [b.code]
        if db.is_sqlite:
            with db.read() as conn:
                assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == \
                    -LIGHT_CACHE_KIB
    finally:
        db.dispose()
