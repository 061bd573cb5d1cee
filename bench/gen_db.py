"""The benchmark databases: generated once with services.demo.generate, then reused.

SQLite: ``bench/work/recall-<size>.db``. PostgreSQL: the database ``recall_bench``. A
database is reused when its ``demo.generated`` event says it was made with the same size;
the generation time is kept beside it (``bench/work/<db>-<size>.json``) for the report.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import psycopg
from benchlib import NOW, PG_ADMIN, PG_DB, WORK, Size, context, libpq, pg_url

from recall_tui.services import demo, setup


def _stamp_file(kind: str, size: Size) -> Path:
    return WORK / f"{kind}-{size.tag}.json"


def _made_with(url: str) -> dict | None:
    """The details of the database's demo.generated event, or None."""
    try:
        ctx = context(url)
        try:
            with ctx.db.read() as conn:
                row = conn.exec_driver_sql(
                    "SELECT details FROM event WHERE kind = 'demo.generated' "
                    "ORDER BY id DESC LIMIT 1").first()
        finally:
            ctx.db.dispose()
        return json.loads(row[0]) if row else None
    except Exception:  # noqa: BLE001 - no such database / table: not made yet
        return None


def _matches(url: str, size: Size) -> bool:
    made = _made_with(url)
    return bool(made) and made.get("patients") == size.patients and made.get("days") == \
        size.days and made.get("seed") == size.seed and made.get("per_patient") == size.per_patient


def _generate(url: str, size: Size, kind: str) -> dict:
    ctx = context(url)
    try:
        t0 = time.perf_counter()
        setup.init(ctx)
        res = demo.generate(ctx, patients=size.patients, days=size.days, seed=size.seed,
                            now=NOW, per_patient=size.per_patient)
        # Tag the run with the size asked for (generate's own event omits per_patient).
        with ctx.db.write() as conn:
            from recall_tui.store import events

            events.append(conn, at=NOW, actor="bench", kind="demo.generated",
                          details={"patients": size.patients, "days": size.days,
                                   "seed": size.seed, "per_patient": size.per_patient,
                                   "appointments": res.appointments})
        if not ctx.db.is_sqlite:  # what autovacuum would soon do after a bulk load
            with psycopg.connect(libpq(url), autocommit=True) as conn:
                conn.execute("ANALYZE")
        secs = time.perf_counter() - t0
    finally:
        ctx.db.dispose()
    info = {"seconds": round(secs, 1), "patients": res.patients,
            "appointments": res.appointments, "orders": res.orders, "sessions": res.sessions,
            "messages": res.messages, "from": res.start.isoformat(), "to": res.end.isoformat()}
    _stamp_file(kind, size).write_text(json.dumps(info, indent=1))
    return info


def _info(kind: str, size: Size, cached: bool, info: dict | None, url: str) -> dict:
    if info is None:
        f = _stamp_file(kind, size)
        info = json.loads(f.read_text()) if f.exists() else {}
    return {**info, "cached": cached, "url": url}


def _upgrade(url: str) -> None:
    """A cached database made by an older schema: `recall init` brings it up to date."""
    ctx = context(url)
    try:
        setup.init(ctx)
    finally:
        ctx.db.dispose()


def sqlite_path(size: Size) -> Path:
    return WORK / f"recall-{size.tag}.db"


def ensure_sqlite(size: Size, log=print) -> dict:
    WORK.mkdir(parents=True, exist_ok=True)
    path = sqlite_path(size)
    url = f"sqlite:///{path}"
    if path.exists() and _matches(url, size):
        _upgrade(url)
        return _info("sqlite", size, True, None, url)
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)
    log(f"  generating {path.name} ({size.patients:,} patients) ...")
    info = _generate(url, size, "sqlite")
    log(f"  generated in {info['seconds']:.0f} s: {info['appointments']:,} appointments")
    return _info("sqlite", size, False, info, url)


def ensure_pg(size: Size, log=print) -> dict:
    url = pg_url(PG_DB)
    if _matches(url, size):
        _upgrade(url)
        return _info("postgres", size, True, None, url)
    with psycopg.connect(libpq(PG_ADMIN), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_DB}"')
    log(f"  generating PostgreSQL {PG_DB} ({size.patients:,} patients) ...")
    info = _generate(url, size, "postgres")
    log(f"  generated in {info['seconds']:.0f} s: {info['appointments']:,} appointments")
    return _info("postgres", size, False, info, url)


def scratch_sqlite(size: Size) -> str:
    """A throw-away copy of the SQLite database (bookings change it)."""
    src = sqlite_path(size)
    dst = WORK / "scratch.db"
    for p in (dst, Path(f"{dst}-wal"), Path(f"{dst}-shm")):
        p.unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    # Written back now, or the first fsyncs of the benchmark wait behind the whole copy.
    fd = os.open(dst, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return f"sqlite:///{dst}"


def scratch_pg() -> str:
    """A throw-away copy of recall_bench (CREATE DATABASE ... TEMPLATE)."""
    name = f"{PG_DB}_scratch"
    with psycopg.connect(libpq(PG_ADMIN), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{PG_DB}"')
    return pg_url(name)


def drop_scratch(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
        return
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(libpq(PG_ADMIN), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
