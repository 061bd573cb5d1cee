"""`recall import his`, `recall export xml14|fhir`, `recall import fhir` as a hospital uses
them, on SQLite and PostgreSQL: orders, patients and reports that come out of the
standard's files; resends, corrections, refusals; round trips; statistics by diagnosis
group and insurance; no diagnosis in anything meant for the patient."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from recall_tui.entry import main
from recall_tui.store.rows import appointment as appt_t
from recall_tui.store.rows import event, his_slip, order, outreach_task, patient, patient_phone
from tests.conftest import TEST_TOML
from tests.interop import builders as b

pytestmark = pytest.mark.storage
NOW = "2026-11-25T09:00"
LICENCE = "000111/HCM-CCHN"  # BS1's practising certificate, as the HIS writes MA_BAC_SI


def his_toml(db_url: str, **extra: str) -> str:
    lines = [f"{k} = {v}" for k, v in extra.items()]
    return (TEST_TOML + f'\n[database]\nurl = "{db_url}"\n'
            '\n[his]\nma_cskcb = "79024"\nma_ttdv = "7901234567"\n' + "\n".join(lines) +
            '\n[his.clinics]\nK01 = "NOI"\nK03 = "TM"\n'
            f'\n[his.doctors]\n"{LICENCE}" = "BS1"\n')


@pytest.fixture
def make_config(tmp_path, db_url):
    def make(**extra: str):
        path = tmp_path / "recall.toml"
        path.write_text(his_toml(db_url, **extra), encoding="utf-8")
        return path
    return make


@pytest.fixture
def recall(make_config, capsys):
    cfg = {"path": make_config()}

    def run(*args: str, now: str = NOW) -> tuple[int, dict | list | None, str]:
        code = main([*args, "--config", str(cfg["path"]), "--now", now, "--json"])
        out = capsys.readouterr()
        try:
            data = json.loads(out.out) if out.out.strip() else None
        except json.JSONDecodeError:
            data = None
        return code, data, out.err

    run.reconfigure = lambda **extra: cfg.__setitem__("path", make_config(**extra))
    run.config_path = lambda: cfg["path"]
    return run


def also_map(recall, *, clinics: str = "", doctors: str = "") -> None:
    """More lines in [his.clinics] and [his.doctors] of the test's recall.toml."""
    path = recall.config_path()
    text = path.read_text(encoding="utf-8").replace('K03 = "TM"\n', 'K03 = "TM"\n' + clinics)
    path.write_text(text + doctors, encoding="utf-8")


def count(ctx, table, *where) -> int:
    with ctx.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where))
                   .scalar_one())


def three_visits():
    return b.envelope(
        b.visit("LK2611250001", x1={"MA_KHOA": "K01;K03", "MA_BN": "23001001"}),
        b.visit("LK2611250002",
                x1={"MA_BN": "23001002", "HO_TEN": "TRẦN THỊ BÍCH NGỌC",
                    "SO_CCCD": "079185001122", "NGAY_SINH": "198503150000", "GIOI_TINH": "2",
                    "DIEN_THOAI": "01662345678", "MA_THE_BHYT": "HT3797912345678",
                    "GT_THE_DEN": "20261130", "MA_BENH_CHINH": "E11.9", "MA_BENH_KT": None},
                x14={"HO_TEN": "TRẦN THỊ BÍCH NGỌC", "NGAY_SINH": "198503150000",
                     "GIOI_TINH": "2", "MA_THE_BHYT": "HT3797912345678",
                     "GT_THE_DEN": "20261130", "NGAY_HEN_KL": "20261216",
                     "MA_BENH_CHINH": "E11.9", "MA_BENH_KT": None}),
        b.visit("LK2611250003", with_slip=False,
                x1={"MA_BN": "23001003", "HO_TEN": "LÊ VĂN CƯỜNG"}))


# -- import ---------------------------------------------------------------------------------

def test_several_visits_become_orders_with_their_patients(recall, ctx, tmp_path):
    f = b.write(tmp_path, "GDHS_20261125_0001.xml", three_visits())
    code, rep, err = recall("import", "his", str(f))
    assert code == 0, err
    assert (rep["created"], rep["patients_created"], rep["refused"]) == (2, 2, 0)
    [fr] = rep["files"]
    assert (fr["visits"], fr["without_slip"]) == (3, 1)
    first, second = fr["slips"]
    # the last mapped department of the visit (K03 -> TM), the doctor by MA_BAC_SI
    assert (first["clinic"], first["doctor"], first["target"]) == ("TM", "BS1", "2026-12-10")
    assert first["patient_mrn"] == "23001001" and first["patient_name"] == "Nguyễn Văn An"
    # BS1 does not work in NOI: the order has no doctor, and the report says why
    assert (second["clinic"], second["doctor"]) == ("NOI", None)
    assert [n["code"] for n in second["notes"]] == ["doctor.elsewhere"]
    with ctx.db.read() as conn:
        ngoc = conn.execute(select(patient).where(patient.c.mrn == "23001002")).one()
        phone = conn.execute(select(patient_phone.c.e164)
                             .where(patient_phone.c.patient_id == ngoc.id)).scalar_one()
        o = conn.execute(select(order).where(order.c.id == second["order_id"])).one()
        slip = conn.execute(select(his_slip).where(his_slip.c.order_id == o.id)).one()
    assert ngoc.full_name == "Trần Thị Bích Ngọc" and ngoc.birth_date == date(1985, 3, 15)
    assert (ngoc.sex, ngoc.cccd, ngoc.bhyt) == ("F", "079185001122", "HT3797912345678")
    assert phone == "+84362345678"  # the old 11-digit 0166 234 5678, in today's plan
    assert (o.target_date, o.earliest, o.latest) == (
        date(2026, 12, 16), date(2026, 12, 16), date(2026, 12, 30))  # 10 working days
    assert (o.status, o.reason, o.instructions) == ("open", "", "")
    assert (slip.ma_cskcb, slip.ma_lk, slip.so_giayhen_kl) == ("79024", "LK2611250002",
                                                                "GH250002")
    # kept for statistics: the chapter, and that the card ends before the visit
    assert (slip.icd_main, slip.icd_chapter, slip.insurance) == ("E11.9", "IV", "lapses")
    # the visit without a slip: no order, no patient
    assert count(ctx, patient, patient.c.mrn == "23001003") == 0


def test_a_resend_changes_nothing(recall, ctx, tmp_path):
    f = b.write(tmp_path, "a.xml", three_visits())
    assert recall("import", "his", str(f))[0] == 0
    before = [count(ctx, t) for t in (order, patient, his_slip, event)]
    code, rep, _ = recall("import", "his", str(f))
    assert code == 0 and (rep["created"], rep["unchanged"], rep["moved"]) == (0, 2, 0)
    assert [count(ctx, t) for t in (order, patient, his_slip, event)] == before
    assert all(s["notes"] == [] for s in rep["files"][0]["slips"])


def test_a_corrected_resend_moves_the_order_and_says_so(recall, ctx, tmp_path):
    f = b.write(tmp_path, "a.xml", b.envelope(b.visit("LK1")))
    _, rep, _ = recall("import", "his", str(f))
    oid = rep["files"][0]["slips"][0]["order_id"]
    fixed = b.write(tmp_path, "a-corrected.xml",
                    b.envelope(b.visit("LK1", x14={"NGAY_HEN_KL": "20261223"})))
    code, rep, _ = recall("import", "his", str(fixed))
    assert code == 0 and (rep["moved"], rep["created"]) == (1, 0)
    [s] = rep["files"][0]["slips"]
    assert (s["order_id"], s["previous_target"], s["target"]) == (oid, "2026-12-10",
                                                                   "2026-12-23")
    [moved] = [n for n in s["notes"] if n["code"] == "order.moved"]
    assert "10/12/2026" in moved["en"] and "23/12/2026" in moved["en"]
    with ctx.db.read() as conn:
        o = conn.execute(select(order).where(order.c.id == oid)).one()
        moved = conn.execute(select(event).where(event.c.kind == "order.moved")).one()
    assert (o.target_date, o.earliest) == (date(2026, 12, 23), date(2026, 12, 23))
    assert json.loads(moved.details)["to"] == "2026-12-23"
    assert count(ctx, order) == 1


def test_a_bad_file_is_refused_whole_and_the_folder_goes_on(recall, ctx, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    b.write(folder, "1-good.xml", b.envelope(b.visit("LK1")))
    corrupt = b.envelope(b.visit("LK2", x1={"MA_BN": "BN2"}), b.visit("LK3"))
    part = __import__("base64").b64encode(b.xml14("LK3")).decode()
    b.write(folder, "2-corrupt.xml", corrupt.replace(
        part.encode(), (part[:100] + "%%" + part[102:]).encode()))
    b.write(folder, "3-date.xml", b.envelope(
        [("XML1", b.xml1("LK4")), ("XML14", b.xml14("LK4", check=False,
                                                      NGAY_HEN_KL="2026-12-10"))]))
    code, rep, _ = recall("import", "his", str(folder))
    assert code == 1  # bad input: said, and the good file is in
    assert (rep["imported"], rep["refused"], rep["created"]) == (1, 2, 1)
    refused = {f["files"][0].rsplit("/", 1)[-1]: f["errors"] for f in rep["files"]
               if not f["ok"]}
    [e] = refused["2-corrupt.xml"]
    assert (e["visit"], e["table"], e["field"]) == ("LK3", "GIAMDINHHS", "NOIDUNGFILE (XML14)")
    [e] = refused["3-date.xml"]
    assert (e["visit"], e["table"], e["field"]) == ("LK4", "XML14", "NGAY_HEN_KL")
    # nothing half-imported: the good visit of the corrupt file is not in either
    assert count(ctx, patient, patient.c.mrn == "BN2") == 0
    assert count(ctx, order) == 1


def test_bare_xml14_and_xml1_files_of_a_visit(recall, ctx, tmp_path):
    folder = tmp_path / "bare"
    folder.mkdir()
    b.write(folder, "LK7_1.xml", b.xml1("LK7", DIEN_THOAI="0988 123 456", MA_BN="BN7"))
    b.write(folder, "LK7_14.xml", b.xml14("LK7"))
    code, rep, _ = recall("import", "his", str(folder))
    assert code == 0 and rep["created"] == 1 and rep["files"][0]["slips"][0][
        "patient_mrn"] == "BN7"


def test_the_patient_the_desk_knows_is_found_not_duplicated(recall, ctx, tmp_path):
    code, p, _ = recall("patient", "add", "--name", "Nguyễn Văn An", "--phone", "0903111222",
                        "--cccd", "079070001234")
    assert code == 0
    f = b.write(tmp_path, "a.xml", b.envelope(b.visit("LK1", x1={"MA_BN": "77777"})))
    code, rep, _ = recall("import", "his", str(f))
    [s] = rep["files"][0]["slips"]
    assert (s["patient_mrn"], s["patient_created"], s["patient_found_by"]) == (
        p["mrn"], False, "cccd")
    assert count(ctx, patient) == 1
    # her phone is kept (nothing known is overwritten); the birth date and card are filled in
    with ctx.db.read() as conn:
        row = conn.execute(select(patient).where(patient.c.mrn == p["mrn"])).one()
        phones = conn.execute(select(patient_phone.c.e164)
                              .where(patient_phone.c.patient_id == row.id)).scalars().all()
    assert phones == ["+84903111222"] and row.birth_date == date(1970, 1, 2)
    assert row.bhyt == "DN4797915123456"
    # the next visit of the same hospital number finds him by it
    f2 = b.write(tmp_path, "b.xml", b.envelope(b.visit("LK2", x1={
        "MA_BN": "77777", "SO_CCCD": None, "MA_THE_BHYT": None}, x14={"MA_THE_BHYT": None})))
    _, rep, _ = recall("import", "his", str(f2))
    assert rep["files"][0]["slips"][0]["patient_found_by"] == "number"


def test_two_records_claiming_one_patient_are_refused(recall, ctx, tmp_path):
    recall("patient", "add", "--name", "Nguyễn Văn An", "--cccd", "079070001234")
    recall("patient", "add", "--name", "Nguyễn Văn Ân", "--bhyt", "DN4797915123456")
    f = b.write(tmp_path, "a.xml", b.envelope(b.visit("LK1")))
    code, rep, _ = recall("import", "his", str(f))
    assert code == 1
    [e] = rep["files"][0]["errors"]
    assert e["visit"] == "LK1" and "TS0000001" in e["en"] and "TS0000002" in e["en"]
    assert count(ctx, patient) == 2 and count(ctx, order) == 0


def test_same_name_and_birth_date_is_that_patient(recall, ctx, tmp_path):
    recall("patient", "add", "--name", "nguyễn văn an", "--born", "1970-01-02")
    f = b.write(tmp_path, "a.xml", b.envelope(b.visit("LK1", x1={
        "SO_CCCD": None, "MA_THE_BHYT": None}, x14={"MA_THE_BHYT": None})))
    _, rep, _ = recall("import", "his", str(f))
    assert rep["files"][0]["slips"][0]["patient_found_by"] == "name_birth"
    assert count(ctx, patient) == 1


def test_refusals_name_the_field(recall, ctx, tmp_path):
    past = b.write(tmp_path, "past.xml", b.envelope(b.visit("LK1", x14={
        "NGAY_HEN_KL": "20261120"})))
    code, rep, _ = recall("import", "his", str(past))
    assert code == 1 and rep["files"][0]["errors"][0]["field"] == "NGAY_HEN_KL"
    unmapped = b.write(tmp_path, "khoa.xml", b.envelope(b.visit("LK2", x1={"MA_KHOA": "K19"})))
    code, rep, _ = recall("import", "his", str(unmapped))
    [e] = rep["files"][0]["errors"]
    assert code == 1 and (e["table"], e["field"]) == ("XML1", "MA_KHOA") and "K19" in e["en"]
    assert count(ctx, order) == 0 and count(ctx, patient) == 0


def test_dry_run_writes_nothing(recall, ctx, tmp_path):
    f = b.write(tmp_path, "a.xml", three_visits())
    code, rep, _ = recall("import", "his", str(f), "--dry-run")
    assert code == 0 and rep["created"] == 2 and rep["dry_run"]
    assert count(ctx, order) == 0 and count(ctx, patient) == 0


# -- corrections of booked orders ------------------------------------------------------------

def test_auto_book_then_a_correction_moves_the_appointment(recall, ctx, tmp_path):
    recall.reconfigure(auto_book="true")
    f = b.write(tmp_path, "a.xml", b.envelope(b.visit("LK1", x1={"MA_KHOA": "K01"})))
    code, rep, _ = recall("import", "his", str(f))
    [s] = rep["files"][0]["slips"]
    assert code == 0 and rep["booked"] == 1 and s["booked"]
    fixed = b.write(tmp_path, "b.xml", b.envelope(b.visit("LK1", x1={"MA_KHOA": "K01"}, x14={
        "NGAY_HEN_KL": "20270111"})))
    code, rep, _ = recall("import", "his", str(fixed))
    [s2] = rep["files"][0]["slips"]
    assert code == 0 and s2["outcome"] == "moved" and s2["booked"] != s["booked"]
    with ctx.db.read() as conn:
        old = conn.execute(select(appt_t).where(appt_t.c.code == s["booked"])).one()
        new = conn.execute(select(appt_t).where(appt_t.c.code == s2["booked"])).one()
    assert old.status == "rescheduled" and new.previous_id == old.id
    assert date(2027, 1, 11) <= new.day and new.status == "booked"


def test_a_correction_without_auto_book_puts_the_appointment_on_the_call_list(recall, ctx,
                                                                             tmp_path):
    f = b.write(tmp_path, "a.xml", b.envelope(b.visit("LK1", x1={"MA_KHOA": "K01"})))
    _, rep, _ = recall("import", "his", str(f), "--book")
    code = rep["files"][0]["slips"][0]["booked"]
    fixed = b.write(tmp_path, "b.xml", b.envelope(b.visit("LK1", x1={"MA_KHOA": "K01"}, x14={
        "NGAY_HEN_KL": "20270111"})))
    _, rep, _ = recall("import", "his", str(fixed))
    [s] = rep["files"][0]["slips"]
    assert [n["code"] for n in s["notes"]] == ["order.moved", "appointment.outside"]
    assert count(ctx, outreach_task, outreach_task.c.reason == "change_requested") == 1
    assert code in s["notes"][1]["en"]


def booked_row(ctx, code: str):
    with ctx.db.read() as conn:
        return conn.execute(select(appt_t).where(appt_t.c.code == code)).one()


def test_a_slip_corrected_to_another_clinic_puts_its_appointment_on_the_call_list(
        recall, ctx, tmp_path):
    f = b.write(tmp_path, "a.xml", b.envelope(b.visit("LK1", x1={"MA_KHOA": "K01"})))
    _, rep, _ = recall("import", "his", str(f), "--book")
    code = rep["files"][0]["slips"][0]["booked"]
    # the same date, the visit now in K03 (TM): the appointment in NOI no longer holds
    fixed = b.write(tmp_path, "b.xml", b.envelope(b.visit("LK1", x1={"MA_KHOA": "K03"})))
    _, rep, _ = recall("import", "his", str(fixed))
    [s] = rep["files"][0]["slips"]
    assert [n["code"] for n in s["notes"]] == ["order.changed", "appointment.outside"]
    assert code in s["notes"][1]["en"] and "another clinic" in s["notes"][1]["en"]
    assert "phòng khám khác" in s["notes"][1]["vi"]
    with ctx.db.read() as conn:
        task = conn.execute(select(outreach_task)).one()
    assert task.reason == "change_requested" and "TM" in task.note
    assert "another clinic" in task.note and "phòng khám khác" in task.note


def test_auto_book_moves_an_appointment_to_the_corrected_clinic_even_one_booked_by_time(
        recall, ctx, tmp_path):
    recall.reconfigure(auto_book="true")
    also_map(recall, clinics='K05 = "MAT"\n')
    f = b.write(tmp_path, "a.xml", b.envelope(b.visit("LK1", x1={"MA_KHOA": "K01"})))
    _, rep, _ = recall("import", "his", str(f))
    first = rep["files"][0]["slips"][0]["booked"]
    assert booked_row(ctx, first).clinic_id == ctx.clinic_id("NOI")
    fixed = b.write(tmp_path, "b.xml", b.envelope(b.visit("LK1", x1={"MA_KHOA": "K05"})))
    code, rep, err = recall("import", "his", str(fixed))
    [s] = rep["files"][0]["slips"]
    assert code == 0, err
    assert "appointment.moved" in [n["code"] for n in s["notes"]], s["notes"]
    new = booked_row(ctx, s["booked"])
    # MAT books by time: the move takes the session's first free time
    assert new.clinic_id == ctx.clinic_id("MAT") and new.at_time is not None
    assert booked_row(ctx, first).status == "rescheduled" and new.previous_id is not None
    assert count(ctx, outreach_task) == 0


def test_auto_book_puts_an_appointment_it_cannot_move_on_the_call_list(recall, ctx, tmp_path):
    recall.reconfigure(auto_book="true")
    also_map(recall, clinics='K05 = "MAT"\n', doctors='\n[[closures]]\nfrom = "2026-12-01"\n'
             'to = "2027-01-31"\nclinic = "MAT"\nreason = "Sửa phòng"\n')
    f = b.write(tmp_path, "a.xml", b.envelope(b.visit("LK1", x1={"MA_KHOA": "K01"})))
    _, rep, _ = recall("import", "his", str(f))
    first = rep["files"][0]["slips"][0]["booked"]
    fixed = b.write(tmp_path, "b.xml", b.envelope(b.visit("LK1", x1={"MA_KHOA": "K05"})))
    code, rep, _ = recall("import", "his", str(fixed))
    [s] = rep["files"][0]["slips"]
    codes = [n["code"] for n in s["notes"]]
    assert code == 0 and codes[-2:] == ["booking.refused", "appointment.outside"], codes
    refused = s["notes"][-2]
    assert "No free session" in refused["en"] and "Không còn buổi trống" in refused["vi"]
    assert booked_row(ctx, first).status == "booked" and s["booked"] is None
    assert count(ctx, outreach_task, outreach_task.c.reason == "change_requested") == 1


def test_auto_book_moves_an_appointment_to_the_corrected_doctor(recall, ctx, tmp_path):
    recall.reconfigure(auto_book="true")
    also_map(recall, doctors='"000222/HCM-CCHN" = "BS2"\n')
    f = b.write(tmp_path, "a.xml", b.envelope(b.visit("LK1", x1={"MA_KHOA": "K03"})))
    _, rep, _ = recall("import", "his", str(f))
    first = rep["files"][0]["slips"][0]["booked"]
    assert booked_row(ctx, first).doctor_id == ctx.doctor_id("BS1")
    fixed = b.write(tmp_path, "b.xml", b.envelope(b.visit(
        "LK1", x1={"MA_KHOA": "K03"}, x14={"MA_BAC_SI": "000222/HCM-CCHN"})))
    _, rep, _ = recall("import", "his", str(fixed))
    [s] = rep["files"][0]["slips"]
    assert s["doctor"] == "BS2" and s["booked"] != first
    assert booked_row(ctx, s["booked"]).doctor_id == ctx.doctor_id("BS2")
    assert booked_row(ctx, first).status == "rescheduled"


# -- round trips -------------------------------------------------------------------------------

def test_exported_xml14_reimports_to_the_same_orders(recall, ctx, tmp_path):
    code, p, _ = recall("patient", "add", "--name", "Phạm Thị Mai", "--born", "1958",
                        "--bhyt", "HT3797912345678")
    recall("order", "add", "--patient", p["mrn"], "--clinic", "TM", "--doctor", "BS1",
           "--target", "2026-12-09")
    recall("import", "his", str(b.write(tmp_path, "a.xml", b.envelope(b.visit("LK1")))))
    out = tmp_path / "export.xml"
    code, res, err = recall("export", "xml14", "--from", "2026-11-25", "--to", "2026-11-25",
                            "--out", str(out))
    assert code == 0, err
    assert res["slips"] == 2 and res["skipped"] == []
    from recall_tui.interop import his_xml
    [u] = his_xml.read_units([out])
    assert u.errors == [] and len(u.visits) == 2
    mine = next(v for v in u.visits if v.ma_lk.startswith("RECALL-"))
    [s] = mine.slips
    assert (s.ho_ten, s.birth_year, s.ma_bac_si, s.ngay_hen_kl) == (
        "Phạm Thị Mai", 1958, LICENCE, date(2026, 12, 9))
    assert s.chan_doan_rv is None  # no diagnosis text leaves recall
    before = [count(ctx, t) for t in (order, patient, his_slip)]
    code, rep, _ = recall("import", "his", str(out))
    assert code == 0 and (rep["unchanged"], rep["created"], rep["moved"]) == (2, 0, 0)
    assert [count(ctx, t) for t in (order, patient, his_slip)] == before
    # exported again: the same keys
    code, res2, _ = recall("export", "xml14", "--from", "2026-11-25", "--to", "2026-11-25",
                           "--out", str(tmp_path / "again.xml"))
    [u2] = his_xml.read_units([tmp_path / "again.xml"])
    assert {v.ma_lk for v in u2.visits} == {v.ma_lk for v in u.visits}


def test_export_skips_an_order_without_a_licensed_doctor(recall, tmp_path):
    code, p, _ = recall("patient", "add", "--name", "Phạm Thị Mai")
    recall("order", "add", "--patient", p["mrn"], "--clinic", "NOI", "--target", "2026-12-09")
    code, res, _ = recall("export", "xml14", "--from", "2026-11-25", "--to", "2026-11-25",
                          "--out", str(tmp_path / "x.xml"))
    assert code == 0 and res["slips"] == 0 and "MA_BAC_SI" in res["skipped"][0]["en"]


def test_fhir_export_validates_and_reimports_to_the_same_orders_and_appointments(
        recall, ctx, tmp_path):
    recall("import", "his", str(b.write(tmp_path, "a.xml", three_visits())), "--book")
    out = tmp_path / "bundle.json"
    code, res, err = recall("export", "fhir", "--from", "2026-11-25", "--to", "2026-11-25",
                            "--out", str(out))
    assert code == 0, err
    assert (res["patients"], res["orders"], res["appointments"]) == (2, 2, 2)
    from fhir.resources.R4B.bundle import Bundle
    bundle = Bundle.model_validate_json(out.read_text(encoding="utf-8"))
    kinds = sorted(e.resource.__resource_type__ for e in bundle.entry)
    assert kinds == ["Appointment"] * 2 + ["Patient"] * 2 + ["ServiceRequest"] * 2
    text = out.read_text(encoding="utf-8")
    assert "E11" not in text and "I10" not in text and "huyết áp" not in text
    before = [count(ctx, t) for t in (order, patient, appt_t)]
    code, rep, _ = recall("import", "fhir", str(out))
    assert code == 0 and rep["ok"]
    assert (rep["orders_created"], rep["appointments_booked"], rep["unchanged"]) == (0, 0, 4)
    assert [count(ctx, t) for t in (order, patient, appt_t)] == before


def foreign_bundle(target: str, start: str) -> dict:
    return {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:uuid:11111111-1111-4111-8111-111111111111", "resource": {
            "resourceType": "Patient", "identifier": [
                {"system": "https://his.bv-a.vn/patient", "value": "P-9001"}],
            "name": [{"family": "Hoàng", "given": ["Thị", "Lan"]}], "gender": "female",
            "birthDate": "1990-07-01",
            "telecom": [{"system": "phone", "value": "0168 234 5678"}]}},
        {"fullUrl": "urn:uuid:22222222-2222-4222-8222-222222222222", "resource": {
            "resourceType": "ServiceRequest", "identifier": [
                {"system": "https://his.bv-a.vn/order", "value": "SR-77"}],
            "status": "active", "intent": "order",
            "subject": {"reference": "urn:uuid:11111111-1111-4111-8111-111111111111"},
            "occurrenceDateTime": target,
            "locationCode": [{"coding": [{"system": "https://his.bv-a.vn/khoa",
                                          "code": "K01"}]}]}},
        {"fullUrl": "urn:uuid:33333333-3333-4333-8333-333333333333", "resource": {
            "resourceType": "Appointment", "identifier": [
                {"system": "https://his.bv-a.vn/appt", "value": "A-5"}],
            "status": "booked", "start": start, "end": start.replace("T07", "T08"),
            "basedOn": [{"reference": "urn:uuid:22222222-2222-4222-8222-222222222222"}],
            "participant": [{"actor": {
                "reference": "urn:uuid:11111111-1111-4111-8111-111111111111"},
                "status": "accepted"}]}}]}


def test_a_bundle_of_another_system_becomes_an_order_and_a_booking(recall, ctx, tmp_path):
    f = tmp_path / "in.json"
    f.write_text(json.dumps(foreign_bundle("2026-12-10", "2026-12-10T07:30:00+07:00")),
                 encoding="utf-8")
    code, rep, err = recall("import", "fhir", str(f))
    assert code == 0, err
    assert (rep["orders_created"], rep["appointments_booked"], rep["patients_created"]) == (
        1, 1, 1)
    with ctx.db.read() as conn:
        a = conn.execute(select(appt_t)).one()
        p = conn.execute(select(patient)).one()
    assert (a.day, a.part, p.full_name) == (date(2026, 12, 10), "morning", "Hoàng Thị Lan")
    code, rep, _ = recall("import", "fhir", str(f))
    assert code == 0 and (rep["orders_created"], rep["unchanged"]) == (0, 2)
    assert count(ctx, appt_t) == 1 and count(ctx, order) == 1


def test_a_bundle_that_is_not_valid_fhir_is_refused(recall, ctx, tmp_path):
    doc = foreign_bundle("2026-12-10", "2026-12-10T07:30:00+07:00")
    doc["entry"][1]["resource"]["status"] = "perhaps"
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(doc), encoding="utf-8")
    code, rep, _ = recall("import", "fhir", str(f))
    assert code == 1 and not rep["ok"] and "status" in " ".join(e["en"] for e in rep["errors"])
    assert all(e["vi"] and e["en"] for e in rep["errors"])
    assert count(ctx, order) == 0 and count(ctx, patient) == 0


# -- statistics ------------------------------------------------------------------------------

def test_adherence_by_diagnosis_group_and_insurance_for_managers(recall, ctx, tmp_path):
    _, rep, _ = recall("import", "his", str(b.write(tmp_path, "a.xml", three_visits())),
                       "--book")
    hypertension, diabetes = rep["files"][0]["slips"]
    with ctx.db.read() as conn:
        day = conn.execute(select(appt_t.c.day)
                           .where(appt_t.c.code == hypertension["booked"])).scalar_one()
    code, _, err = recall("checkin", hypertension["booked"], now=f"{day}T07:30")
    assert code == 0, err
    later = "2027-02-01T09:00"
    recall.reconfigure(**{})  # roles: none configured -> everyone may
    code, res, err = recall("stats", "--by", "icd", now=later)
    assert code == 0, err
    groups = {g["key"].split()[0]: g["figures"] for g in res["groups"]}
    assert groups["IX"]["adherence"]["value"] == 1.0  # I10, seen in its window
    assert groups["IV"]["adherence"]["value"] == 0.0  # E11.9, no visit
    code, res, _ = recall("stats", "--by", "insurance", now=later)
    ins = {g["key"]: g["figures"]["adherence"]["value"] for g in res["groups"]}
    assert ins == {"covered": 1.0, "lapses": 0.0}


def test_statistics_by_diagnosis_are_for_managers_only(make_config, capsys, db_url, tmp_path):
    path = make_config()
    path.write_text(path.read_text(encoding="utf-8") + '\n[roles]\nmanager = ["nobody"]\n'
                    'desk = ["*"]\n', encoding="utf-8")
    code = main(["stats", "--by", "icd", "--config", str(path), "--now", NOW, "--json"])
    out = capsys.readouterr().out
    assert code == 3 and json.loads(out)["error"]["code"] == "role.missing"


def test_a_folder_mixing_new_repeated_and_resent_slips(recall, ctx, tmp_path):
    """One batch: a new patient, her second visit in another file, the first file sent
    again, and a namesake with another identity card."""
    folder = tmp_path / "in"
    folder.mkdir()
    import os
    files = [("1.xml", b.envelope(b.visit("LK1"))),
             ("2.xml", b.envelope(b.visit("LK2", x14={"NGAY_HEN_KL": "20261217"}))),
             ("3.xml", b.envelope(b.visit("LK1"))),
             ("4.xml", b.envelope(b.visit("LK4", x1={"MA_BN": "OTHER", "SO_CCCD": "079999999999",
                                                      "MA_THE_BHYT": "GD4797915999999"},
                                          x14={"MA_THE_BHYT": "GD4797915999999"})))]
    for n, (name, data) in enumerate(files):
        path = b.write(folder, name, data)
        os.utime(path, ns=(n * 10**9, n * 10**9))  # oldest first
    code, rep, _ = recall("import", "his", str(folder))
    assert code == 0, rep
    outcomes = [s["outcome"] for f in rep["files"] for s in f["slips"]]
    assert outcomes == ["created", "created", "unchanged", "created"]
    first, second, again, other = [s for f in rep["files"] for s in f["slips"]]
    assert first["patient_mrn"] == second["patient_mrn"] == again["patient_mrn"]
    assert (second["patient_created"], second["patient_found_by"]) == (False, "cccd")
    assert again["order_id"] == first["order_id"]
    assert other["patient_created"] and other["patient_mrn"] == "OTHER"
    assert count(ctx, patient) == 2 and count(ctx, order) == 3 and count(ctx, his_slip) == 3


def test_a_wrong_his_setting_is_named_with_its_line(tmp_path, db_url, capsys):
    path = tmp_path / "recall.toml"
    path.write_text(his_toml(db_url).replace('K03 = "TM"', 'K03 = "XYZ"'), encoding="utf-8")
    code = main(["config", "check", str(path)])
    err = capsys.readouterr().err
    line = next(i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if ln.startswith("K03"))
    assert code == 4 and f"recall.toml:{line}: his.clinics.K03: unknown clinic 'XYZ'" in err


# -- the store under an import ----------------------------------------------------------------

def order_events(ctx, order_id: int) -> list[tuple[str, dict | None]]:
    with ctx.db.read() as conn:
        rows = conn.execute(select(event.c.kind, event.c.details)
                            .where(event.c.order_id == order_id).order_by(event.c.id)).all()
    drop = ("file", "slip", "visit")
    return [(k, {x: y for x, y in json.loads(d).items() if x not in drop} if d else None)
            for k, d in rows]


def test_a_slip_leaves_the_same_events_in_a_batch_as_one_by_one(recall, ctx, tmp_path):
    # the desk knows her without a birth date: her slip goes the one-by-one way
    recall("patient", "add", "--name", "Nguyễn Văn An", "--cccd", "079070001234")
    _, rep, _ = recall("import", "his", str(b.write(tmp_path, "a.xml",
                                                     b.envelope(b.visit("LK1")))))
    slow = rep["files"][0]["slips"][0]["order_id"]
    # a new patient: the batch's way
    _, rep, _ = recall("import", "his", str(b.write(tmp_path, "b.xml", b.envelope(b.visit(
        "LK2", x1={"MA_BN": "OTHER", "SO_CCCD": "079999999999",
                   "MA_THE_BHYT": "GD4797915999999"}, x14={"MA_THE_BHYT": "GD4797915999999"})))))
    fast = rep["files"][0]["slips"][0]["order_id"]
    assert order_events(ctx, slow) == order_events(ctx, fast) == [
        ("order.added", {"target": "2026-12-10", "series": None, "source": "his"}),
        ("his.slip", {"facility": "79024", "outcome": "created"})]


@pytest.fixture
def refusing_trigger(ctx):
    """The database refuses every new slip by a check that is no unique key (as a trigger
    an administrator added would): an integrity failure that no other import caused."""
    with ctx.db.write() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(
                "CREATE FUNCTION test_refuse_slip() RETURNS trigger LANGUAGE plpgsql AS $$ "
                "BEGIN RAISE EXCEPTION 'refused by a check' USING ERRCODE = 'check_violation'; "
                "END $$")
            conn.exec_driver_sql("CREATE TRIGGER test_refuse_slip BEFORE INSERT ON his_slip "
                                 "FOR EACH ROW EXECUTE FUNCTION test_refuse_slip()")
        else:
            conn.exec_driver_sql("CREATE TRIGGER test_refuse_slip BEFORE INSERT ON his_slip "
                                 "BEGIN SELECT RAISE(ABORT, 'refused by a check'); END")
    yield
    with ctx.db.write() as conn:
        conn.exec_driver_sql("DROP TRIGGER test_refuse_slip" + (
            " ON his_slip" if conn.dialect.name == "postgresql" else ""))
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP FUNCTION test_refuse_slip()")


def test_a_failure_no_other_import_caused_is_not_blamed_on_one(recall, ctx, tmp_path,
                                                                 refusing_trigger):
    f = b.write(tmp_path, "a.xml", b.envelope(b.visit("LK1")))
    code, rep, err = recall("import", "his", str(f))
    said = json.dumps(rep, ensure_ascii=False) + err
    assert "another import" not in said and "lần nhập khác" not in said
    assert code == 4 and rep["error"]["code"] == "internal"  # a fault, said as one
    assert count(ctx, order) == 0 and count(ctx, his_slip) == 0
