"""`recall import fhir` with Bundles of other systems, on SQLite and PostgreSQL: instants
read as the clinic's local dates, an appointment booked at its time (in clinics that book
by time too) together with its link, refusals in both languages, and no diagnosis carried
into what the patient is told."""

from __future__ import annotations

import json
from datetime import date, time

import pytest
from sqlalchemy import select

from recall_tui.store.rows import appointment as appt_t
from recall_tui.store.rows import fhir_link, order
from tests.services import test_his_import as his
from tests.services.test_his_import import count, foreign_bundle

pytestmark = pytest.mark.storage
make_config, recall = his.make_config, his.recall  # the CLI fixtures of the HIS import


def write(tmp_path, doc: dict, name: str = "in.json"):
    f = tmp_path / name
    f.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return str(f)


def one(ctx, table):
    with ctx.db.read() as conn:
        return conn.execute(select(table)).one()


def request_of(doc: dict) -> dict:
    return doc["entry"][1]["resource"]


def test_an_instant_is_the_clinics_local_date(recall, ctx, tmp_path):
    doc = foreign_bundle("2026-12-09T17:30:00Z", "2026-12-10T07:30:00+07:00")
    del doc["entry"][2]  # the order alone
    code, rep, err = recall("import", "fhir", write(tmp_path, doc))
    assert code == 0, err
    # 17:30 UTC on 9 December is 00:30 on 10 December in Hanoi
    assert one(ctx, order).target_date == date(2026, 12, 10)


def test_an_appointment_is_booked_at_its_time(recall, ctx, tmp_path):
    code, rep, err = recall("import", "fhir", write(tmp_path, foreign_bundle(
        "2026-12-10", "2026-12-10T08:15:00+07:00")))
    assert code == 0 and rep["appointments_booked"] == 1, rep
    a = one(ctx, appt_t)
    assert (a.day, a.part, a.at_time) == (date(2026, 12, 10), "morning", time(8, 15))


def test_an_appointment_in_a_clinic_that_books_by_time_takes_its_slot(recall, ctx,
                                                                     tmp_path):
    doc = foreign_bundle("2026-12-10", "2026-12-10T07:00:00Z")  # Thursday 14:00 in Hanoi
    request_of(doc)["locationCode"] = [{"coding": [{"system": "urn:recall:clinic",
                                                    "code": "MAT"}]}]
    code, rep, err = recall("import", "fhir", write(tmp_path, doc))
    assert code == 0 and rep["appointments_booked"] == 1, rep
    a = one(ctx, appt_t)
    assert (a.clinic_id, a.day, a.at_time) == (ctx.clinic_id("MAT"), date(2026, 12, 10),
                                               time(14, 0))


def test_an_appointment_at_an_hour_no_session_holds_is_refused_and_said(recall, ctx,
                                                                       tmp_path):
    code, rep, _ = recall("import", "fhir", write(tmp_path, foreign_bundle(
        "2026-12-10", "2026-12-10T12:00:00+07:00")))
    assert code == 0 and rep["appointments_booked"] == 0
    [note] = [n for i in rep["items"] for n in i["notes"] if n["code"] == "booking.refused"]
    assert "12:00" in note["en"] and "12:00" in note["vi"]
    assert count(ctx, appt_t) == 0 and one(ctx, order).status == "open"


@pytest.fixture
def refusing_links(ctx):
    """The database refuses to link an Appointment's identifier (a fault of the disk or an
    administrator's trigger), after its booking."""
    with ctx.db.write() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(
                "CREATE FUNCTION test_refuse_link() RETURNS trigger LANGUAGE plpgsql AS $$ "
                "BEGIN IF NEW.resource = 'Appointment' THEN RAISE EXCEPTION 'refused' "
                "USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$")
            conn.exec_driver_sql("CREATE TRIGGER test_refuse_link BEFORE INSERT ON fhir_link "
                                 "FOR EACH ROW EXECUTE FUNCTION test_refuse_link()")
        else:
            conn.exec_driver_sql("CREATE TRIGGER test_refuse_link BEFORE INSERT ON fhir_link "
                                 "WHEN NEW.resource = 'Appointment' "
                                 "BEGIN SELECT RAISE(ABORT, 'refused'); END")
    yield
    with ctx.db.write() as conn:
        conn.exec_driver_sql("DROP TRIGGER test_refuse_link" + (
            " ON fhir_link" if conn.dialect.name == "postgresql" else ""))
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP FUNCTION test_refuse_link()")


def test_a_booking_and_its_link_are_one(recall, ctx, tmp_path, refusing_links):
    """Never an appointment without its link: sent again, it would be booked twice."""
    recall("import", "fhir", write(tmp_path, foreign_bundle(
        "2026-12-10", "2026-12-10T07:30:00+07:00")))
    assert count(ctx, appt_t) == 0
    assert count(ctx, fhir_link, fhir_link.c.resource == "Appointment") == 0
    assert one(ctx, order).status == "open"


def test_a_refusal_is_said_in_both_languages(recall, ctx, tmp_path):
    doc = foreign_bundle("2026-12-10", "2026-12-10T07:30:00+07:00")
    request_of(doc)["locationCode"] = [{"coding": [{"system": "https://his.bv-a.vn/khoa",
                                                    "code": "K19"}]}]
    code, rep, _ = recall("import", "fhir", write(tmp_path, doc))
    assert code == 1 and not rep["ok"]
    [e] = rep["errors"]
    assert "K19" in e["en"] and "K19" in e["vi"] and "phòng khám" in e["vi"]
    past = foreign_bundle("2026-11-20", "2026-12-10T07:30:00+07:00")
    _, rep, _ = recall("import", "fhir", write(tmp_path, past, "past.json"))
    [e] = rep["errors"]
    assert "20/11/2026" in e["vi"] and "đã qua" in e["vi"]
    assert count(ctx, order) == 0


@pytest.mark.parametrize("said", ["Nhịn ăn sáng. Chẩn đoán: I10", "Theo dõi E11.9",
                                  "Diagnosis: hypertension"])
def test_a_diagnosis_in_the_patients_instructions_is_not_kept(recall, ctx, tmp_path, said):
    doc = foreign_bundle("2026-12-10", "2026-12-10T07:30:00+07:00")
    request_of(doc)["patientInstruction"] = said
    code, rep, _ = recall("import", "fhir", write(tmp_path, doc))
    assert code == 0
    assert one(ctx, order).instructions == ""
    [n] = [n for i in rep["items"] for n in i["notes"] if n["code"] == "instructions.withheld"]
    assert n["en"] and n["vi"]


def test_plain_instructions_are_kept(recall, ctx, tmp_path):
    doc = foreign_bundle("2026-12-10", "2026-12-10T07:30:00+07:00")
    request_of(doc)["patientInstruction"] = "Nhịn ăn sáng, mang theo sổ khám."
    code, rep, _ = recall("import", "fhir", write(tmp_path, doc))
    assert code == 0 and one(ctx, order).instructions == "Nhịn ăn sáng, mang theo sổ khám."
    assert all(n["code"] != "instructions.withheld" for i in rep["items"] for n in i["notes"])
