"""`make bench-his`: importing the hospital's follow-up slips, against a floor.

10,000 GIAMDINHHS envelope files (one visit each: XML1 and XML14 in base64, as a hospital's
system writes them), each a new patient and a new follow-up order, imported into an empty
database by `recall import his` (``services.his_import.import_paths``). Beside it the floor:
the same files parsed with the standard library (``xml.etree.ElementTree``, ``base64``)
and the same rows written with the raw driver (``sqlite3`` / ``psycopg``): per visit the
slip's keys looked up, the hospital number looked up, the patient, its phone, its name
words, its event, the number link, the order, its event, the slip, its event; one
transaction per 100 files on both sides (recall: a SAVEPOINT per file inside it), durable
commits (SQLite WAL with ``synchronous=FULL`` and ``BEGIN IMMEDIATE``). The floor checks
nothing and decides nothing (no field formats, no patient matching beyond the number, no
working-day window, no phone library).

    python bench/his_bench.py                  # both databases, 10,000 files; updates README
    python bench/his_bench.py --db sqlite --files 2000 --no-readme
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import sqlite3
import sys
import time
import unicodedata
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import NOW, PG_ADMIN, README, WORK, context, libpq, pg_url  # noqa: E402

from recall_tui.config import HisSettings  # noqa: E402
from recall_tui.interop import his_xml, qd130  # noqa: E402

FACILITY = "79024"
KHOA = {"K01": "NOI", "K02": "NTIET", "K03": "TM", "K04": "NHI", "K05": "MAT"}
BATCH = 100
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Thu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hùng", "Lan", "Mai", "Nam", "Phúc", "Quân",
         "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến"]
ICD = ["I10", "E11.9", "J45.9", "K29.7", "M17.0", "N18.3", "E78.5", "I25.1"]


# -- the files ---------------------------------------------------------------------------------

def _visit(i: int) -> bytes:
    name = f"{FAMILY[i % 10]} {MIDDLE[(i // 10) % 8]} {GIVEN[(i // 80) % 17]}".upper()
    ma_lk = f"LK{i:010d}"
    born = date(1940, 1, 1) + timedelta(days=(i * 37) % 25000)
    target = NOW.date() + timedelta(days=7 + i % 50)
    khoa = f"K0{1 + i % 5}"
    phone = f"09{i % 10}{i:07d}"[-10:] if i % 7 else f"016{2 + i % 8}{i:07d}"  # old plan too
    card = f"DN4797915{i:06d}"
    common = {"MA_LK": ma_lk, "HO_TEN": name, "NGAY_SINH": qd130.format_date8(born) + "0000",
              "GIOI_TINH": str(1 + i % 2), "DIA_CHI": "12 Lý Thường Kiệt, Quận 10, TP. HCM",
              "MA_THE_BHYT": card, "GT_THE_DEN": "20271231", "MA_BENH_CHINH": ICD[i % 8],
              "MA_DOITUONG_KCB": "1", "NGAY_VAO": "202611250730", "NGAY_RA": "202611251015",
              "CHAN_DOAN_RV": "Chẩn đoán ra viện"}
    x1 = his_xml.table_xml(qd130.XML1, {
        **common, "STT": "1", "MA_BN": f"BN{i:08d}", "SO_CCCD": f"0790{i:08d}",
        "MA_QUOCTICH": "000", "MA_DANTOC": "01", "MA_NGHE_NGHIEP": "00000",
        "DIEN_THOAI": phone, "MA_DKBD": FACILITY, "GT_THE_TU": "20260101",
        "LY_DO_VV": "Khám bệnh", "CHAN_DOAN_VAO": "Khám bệnh", "SO_NGAY_DTRI": "0",
        "KET_QUA_DTRI": "2", "MA_LOAI_RV": "1", "T_THUOC": "125000", "T_VTYT": "0",
        "T_TONGCHI_BV": "163500", "T_TONGCHI_BH": "163500", "T_BNTT": "0",
        "T_BNCCT": "32700", "T_BHTT": "130800", "T_NGUONKHAC": "0", "T_BHTT_GDV": "0",
        "NAM_QT": "2026", "THANG_QT": "11", "MA_LOAI_KCB": "01", "MA_KHOA": khoa,
        "MA_CSKCB": FACILITY, "NGAY_TAI_KHAM": qd130.format_date8(target),
        "MA_TTDV": "7901234567"})
    x14 = his_xml.table_xml(qd130.XML14, {
        **common, "SO_GIAYHEN_KL": f"GH{i:08d}", "MA_CSKCB": FACILITY,
        "NGAY_HEN_KL": qd130.format_date8(target), "MA_BAC_SI": f"{i % 40:06d}/HCM-CCHN",
        "MA_TTDV": "7901234567", "NGAY_CT": "20261125"})
    return his_xml.envelope(facility=FACILITY, made_on=NOW.date(),
                            visits=[[("XML1", x1), ("XML14", x14)]])


def files(n: int) -> Path:
    folder = WORK / f"his-files-{n}"
    if not (folder / "done.txt").exists():
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(1, n + 1):
            (folder / f"GDHS_{i:06d}.xml").write_bytes(_visit(i))
        (folder / "done.txt").write_text(str(n))
    return folder


# -- recall -----------------------------------------------------------------------------------

def settings() -> HisSettings:
    return HisSettings(clinics=dict(KHOA), default_clinic="NOI", batch=BATCH)


def fresh(db: str, tag: str) -> str:
    """An empty recall database (schema and clinics), new for each run."""
    from recall_tui.services.setup import init

    if db == "sqlite":
        path = WORK / f"his-{tag}.db"
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            p.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        import psycopg

        name = f"recall_bench_his_{tag}"
        with psycopg.connect(libpq(PG_ADMIN), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        url = pg_url(name)
    ctx = context(url)
    init(ctx)
    ctx.db.dispose()
    return url


def run_recall(url: str, folder: Path) -> dict:
    from recall_tui.services import his_import

    ctx = context(url)
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        rep = his_import.import_paths(ctx, paths=[str(folder)], now=NOW, book=False,
                                      settings=settings())
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    finally:
        ctx.db.dispose()
    assert rep.refused == 0 and rep.created == len(rep.files), (rep.refused, rep.created)
    return {"files": len(rep.files), "secs": secs, "cpu": cpu}


# -- the floor ---------------------------------------------------------------------------------

_FOLD = str.maketrans({"đ": "d", "Đ": "d"})
_OLD = {"162": "32", "163": "33", "164": "34", "165": "35", "166": "36", "167": "37",
        "168": "38", "169": "39"}


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFD", s.translate(_FOLD))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", s)).strip()


def _e164(raw: str) -> str:
    d = re.sub(r"\D", "", raw)[1:]
    return "+84" + (_OLD.get(d[:3], d[:3]) + d[3:] if len(d) == 10 else d)


def _ts(dt: datetime) -> str:
    return dt.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def _visits(path: Path):
    """The standard library's reading of one envelope: (facility, XML1, XML14) per visit."""
    root = ET.fromstring(path.read_bytes())
    facility = root.findtext("THONGTINDONVI/MACSKCB")
    for hoso in root.iter("HOSO"):
        t = {fh.findtext("LOAIHOSO"): ET.fromstring(base64.b64decode(fh.findtext("NOIDUNGFILE")))
             for fh in hoso.iter("FILEHOSO")}
        yield facility, t["XML1"], t["XML14"]


def _rows(facility, x1, x14, clinic_ids: dict, now: datetime):
    name = " ".join(w[:1].upper() + w[1:].lower()
                    for w in unicodedata.normalize("NFC", x1.findtext("HO_TEN")).split())
    born = x1.findtext("NGAY_SINH")
    bd = date(int(born[:4]), int(born[4:6]), int(born[6:8]))
    h = x14.findtext("NGAY_HEN_KL")
    target = date(int(h[:4]), int(h[4:6]), int(h[6:8]))
    return {"name": name, "key": _fold(name), "bd": bd, "by": bd.year,
            "sex": "M" if x1.findtext("GIOI_TINH") == "1" else "F",
            "cccd": x1.findtext("SO_CCCD"), "bhyt": x1.findtext("MA_THE_BHYT"),
            "address": x1.findtext("DIA_CHI"), "phone": _e164(x1.findtext("DIEN_THOAI")),
            "ma_bn": x1.findtext("MA_BN"), "facility": facility,
            "clinic_id": clinic_ids[KHOA.get(x1.findtext("MA_KHOA"), "NOI")],
            "target": target, "latest": target + timedelta(days=14),
            "keys": (x14.findtext("MA_CSKCB"), x14.findtext("MA_LK"),
                     x14.findtext("SO_GIAYHEN_KL")),
            "ma_bac_si": x14.findtext("MA_BAC_SI"), "ma_ttdv": x14.findtext("MA_TTDV"),
            "icd": x14.findtext("MA_BENH_CHINH"), "now": _ts(now)}


SQL = {
    "slip?": "SELECT 1 FROM his_slip WHERE ma_cskcb = ? AND ma_lk = ? AND so_giayhen_kl = ?",
    "number?": "SELECT patient_id FROM his_patient WHERE ma_cskcb = ? AND ma_bn = ?",
    "patient": "INSERT INTO patient (mrn, full_name, name_key, sex, birth_date, birth_year, "
               "language, preferred_channels, consent, preferred_parts, bhyt, cccd, address, "
               "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'vi', '', '', '', ?, ?, ?, ?, ?)"
               " RETURNING id",
    "phone": "INSERT INTO patient_phone (patient_id, e164, label, name, position) "
             "VALUES (?, ?, 'self', '', 0)",
    "token": "INSERT INTO name_token (patient_id, position, token) VALUES (?, ?, ?)",
    "event": "INSERT INTO event (at, actor, kind, patient_id, order_id, to_state, details) "
             "VALUES (?, 'bench', ?, ?, ?, ?, ?)",
    "number": "INSERT INTO his_patient (ma_cskcb, ma_bn, patient_id, created_at) "
              "VALUES (?, ?, ?, ?)",
    "order": "INSERT INTO follow_up_order (patient_id, clinic_id, ordered_at, visit_date, "
             "target_date, earliest, latest, series_index, reason, instructions, status, "
             "created_by) VALUES (?, ?, ?, ?, ?, ?, ?, 1, '', '', 'open', 'bench') RETURNING id",
    "slip": "INSERT INTO his_slip (ma_cskcb, ma_lk, so_giayhen_kl, order_id, patient_id, "
            "origin, ma_bac_si, ma_ttdv, icd_main, insurance, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, 'his', ?, ?, ?, 'covered', ?, ?)",
}


def _write(cur, r: dict, ph: str) -> None:
    q = {k: v.replace("?", ph) for k, v in SQL.items()}
    if cur.execute(q["slip?"], r["keys"]).fetchone():
        return
    row = cur.execute(q["number?"], (r["facility"], r["ma_bn"])).fetchone()
    if row is None:
        pid = cur.execute(q["patient"], (r["ma_bn"], r["name"], r["key"], r["sex"], r["bd"],
                                         r["by"], r["bhyt"], r["cccd"], r["address"], r["now"],
                                         r["now"])).fetchone()[0]
        cur.execute(q["phone"], (pid, r["phone"]))
        cur.executemany(q["token"], [(pid, i, t) for i, t in enumerate(r["key"].split())])
        cur.execute(q["event"], (r["now"], "patient.added", pid, None, None,
                                 json.dumps({"mrn": r["ma_bn"]})))
        cur.execute(q["number"], (r["facility"], r["ma_bn"], pid, r["now"]))
    else:
        pid = row[0]
    oid = cur.execute(q["order"], (pid, r["clinic_id"], r["now"], NOW.date(), r["target"],
                                   r["target"], r["latest"])).fetchone()[0]
    cur.execute(q["event"], (r["now"], "order.added", pid, oid, "open",
                             json.dumps({"target": r["target"].isoformat()})))
    cur.execute(q["slip"], (*r["keys"], oid, pid, r["ma_bac_si"], r["ma_ttdv"], r["icd"],
                            r["now"], r["now"]))
    cur.execute(q["event"], (r["now"], "his.slip", pid, oid, None,
                             json.dumps({"slip": r["keys"][2]})))


BULK = {
    "patient": "INSERT INTO patient (id, mrn, full_name, name_key, sex, birth_date, birth_year, "
               "language, preferred_channels, consent, preferred_parts, bhyt, cccd, address, "
               "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'vi', '', '', '', ?, ?, ?, "
               "?, ?)",
    "order": "INSERT INTO follow_up_order (id, patient_id, clinic_id, ordered_at, visit_date, "
             "target_date, earliest, latest, series_index, reason, instructions, status, "
             "created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, '', '', 'open', 'bench')",
}


def _write_bulk(cur, rows: list[dict], ph: str) -> None:
    """A batch's rows, a statement per table (executemany): the floor of a batched write."""
    q = {k: v.replace("?", ph) for k, v in {**SQL, **BULK}.items()}
    keys = [r["keys"] for r in rows]
    known = {tuple(k) for k in cur.execute(
        "SELECT ma_cskcb, ma_lk, so_giayhen_kl FROM his_slip WHERE ma_lk IN (" +
        ", ".join([ph] * len(keys)) + ")", [k[1] for k in keys]).fetchall()}
    numbers = dict(cur.execute(
        "SELECT ma_bn, patient_id FROM his_patient WHERE ma_bn IN (" +
        ", ".join([ph] * len(rows)) + ")", [r["ma_bn"] for r in rows]).fetchall())
    rows = [r for r in rows if tuple(r["keys"]) not in known]
    pid = cur.execute("SELECT COALESCE(MAX(id), 0) FROM patient").fetchone()[0]
    oid = cur.execute("SELECT COALESCE(MAX(id), 0) FROM follow_up_order").fetchone()[0]
    pats, phones, tokens, events, links, orders_, slips = [], [], [], [], [], [], []
    for r in rows:
        if r["ma_bn"] not in numbers:
            pid += 1
            numbers[r["ma_bn"]] = pid
            pats.append((pid, r["ma_bn"], r["name"], r["key"], r["sex"], r["bd"], r["by"],
                         r["bhyt"], r["cccd"], r["address"], r["now"], r["now"]))
            phones.append((pid, r["phone"]))
            tokens.extend((pid, i, t) for i, t in enumerate(r["key"].split()))
            events.append((r["now"], "patient.added", pid, None, None,
                           json.dumps({"mrn": r["ma_bn"]})))
            links.append((r["facility"], r["ma_bn"], pid, r["now"]))
        p = numbers[r["ma_bn"]]
        oid += 1
        orders_.append((oid, p, r["clinic_id"], r["now"], NOW.date(), r["target"],
                        r["target"], r["latest"]))
        events.append((r["now"], "order.added", p, oid, "open",
                       json.dumps({"target": r["target"].isoformat()})))
        slips.append((*r["keys"], oid, p, r["ma_bac_si"], r["ma_ttdv"], r["icd"], r["now"],
                      r["now"]))
        events.append((r["now"], "his.slip", p, oid, None, json.dumps({"slip": r["keys"][2]})))
    for name, data in (("patient", pats), ("phone", phones), ("token", tokens),
                       ("number", links), ("order", orders_), ("slip", slips),
                       ("event", events)):
        if data:
            cur.executemany(q[name], data)


def run_floor_bulk(db: str, url: str, folder: Path) -> dict:
    return run_floor(db, url, folder, bulk=True)


def run_floor(db: str, url: str, folder: Path, bulk: bool = False) -> dict:
    paths = sorted(p for p in folder.iterdir() if p.suffix == ".xml")
    if db == "sqlite":
        con = sqlite3.connect(url.split("///", 1)[1], isolation_level=None, timeout=30)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
            con.execute(f"PRAGMA {pragma}")
        cur, ph = con.cursor(), "?"
        begin, commit = (lambda: cur.execute("BEGIN IMMEDIATE")), (lambda: cur.execute("COMMIT"))
    else:
        import psycopg

        con = psycopg.connect(libpq(url))
        cur, ph = con.cursor(), "%s"
        begin = lambda: None  # noqa: E731 (psycopg opens the transaction itself)

        def commit():
            cur.execute("SELECT nextval('recall_change')")
            con.commit()
    clinic_ids = dict(cur.execute("SELECT code, id FROM clinic").fetchall())
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        for start in range(0, len(paths), BATCH):
            begin()
            if bulk:
                _write_bulk(cur, [_rows(facility, x1, x14, clinic_ids, NOW)
                                  for p in paths[start:start + BATCH]
                                  for facility, x1, x14 in _visits(p)], ph)
            else:
                for p in paths[start:start + BATCH]:
                    for facility, x1, x14 in _visits(p):
                        _write(cur, _rows(facility, x1, x14, clinic_ids, NOW), ph)
            commit()
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    finally:
        con.close()
    return {"files": len(paths), "secs": secs, "cpu": cpu}


# -- report ------------------------------------------------------------------------------------

def measure(db: str, n: int, rounds: int) -> dict:
    folder = files(n)
    best: dict = {}
    for r in range(rounds):  # interleaved, each on an empty database; the best kept
        got = {"recall": run_recall(fresh(db, f"recall{r}"), folder),
               "floor": run_floor(db, fresh(db, f"floor{r}"), folder),
               "bulk": run_floor_bulk(db, fresh(db, f"bulk{r}"), folder)}
        for k, v in got.items():
            if k not in best or v["secs"] < best[k]["secs"]:
                best[k] = v
        print(f"{db} round {r + 1}: " + ", ".join(
            f"{k} {v['files'] / v['secs']:,.0f} files/s" for k, v in got.items()), flush=True)
    return best


def table(results: dict, n: int, rounds: int) -> str:
    import os
    import platform

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    lines = [f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, "
             f"Python {platform.python_version()}, load {load:.1f}: {n:,} envelope files, one "
             f"visit each (XML1 + XML14), {BATCH} files per transaction, best of {rounds} "
             "rounds.", "",
             "| Database | floor | recall, files/s (CPU per file) | floor, files/s (CPU per "
             "file) | recall vs floor | target | met |", "|---|---|---|---|---|---|---|"]

    def rate(x: dict) -> str:
        return f"{x['files'] / x['secs']:,.0f} ({x['cpu'] / x['files'] * 1000:.2f} ms)"

    for db, r in results.items():
        mine = r["recall"]
        name = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[db]
        for kind, label in (("floor", "row by row"), ("bulk", "a statement per table")):
            floor = r[kind]
            ratio = (mine["files"] / mine["secs"]) / (floor["files"] / floor["secs"])
            lines.append(f"| {name} | {label} | {rate(mine)} | {rate(floor)} | {ratio:.0%} "
                         f"| ≥ 50% of floor | {'yes' if ratio >= 0.5 else 'no'} |")
    return "\n".join(lines)


def write_readme(text: str) -> None:
    readme = README.read_text(encoding="utf-8")
    begin, end = "<!-- his:begin -->", "<!-- his:end -->"
    if begin in readme:
        head, rest = readme.split(begin, 1)
        readme = head + begin + "\n" + text + "\n" + end + rest.split(end, 1)[1]
    else:
        readme += f"\n{begin}\n{text}\n{end}\n"
    README.write_text(readme, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="sqlite,postgres")
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--no-readme", action="store_true")
    a = ap.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    results = {db: measure(db, a.files, a.rounds) for db in a.db.split(",") if db}
    text = table(results, a.files, a.rounds)
    print(text)
    if not a.no_readme:
        write_readme(text)


if __name__ == "__main__":
    main()
