"""`recall report noshows`: the day's no-shows and the open call list, mailed to the staff
through a real SMTP server (aiosmtpd) with the list attached as CSV, and as an A4 PDF; the
daemon's daily job; on SQLite and PostgreSQL. Staff mail names patients, never diagnoses."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest

from recall_tui.config import ConfigError, ReportSettings, parse
from recall_tui.core.calendar import Part
from recall_tui.entry import main
from recall_tui.services import attendance, booking, messaging, noshow_report, orders, patients
from recall_tui.services.patients import PhoneIn
from recall_tui.store import outreach
from tests.conftest import TEST_TOML

pytestmark = pytest.mark.storage
DAY = date(2026, 11, 25)
DIAGNOSIS = "Đái tháo đường type 2"
STAFF = ("dieuduong@benhvien.test", "letan@benhvien.test")


def at(hh: int, mm: int = 0, day: date = DAY):
    from tests.conftest import TZ

    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=TZ)


@pytest.fixture
def day_of_visits(ctx):
    """25/11: Hồng (NOI morning) and Đức (NOI afternoon) do not come, Lan (TM) does; Mai's
    reply was not understood yesterday (an open task without a visit today). Every order
    carries a diagnosis as its reason, and instructions."""
    early = at(6, 30)

    def visit(name, phone, clinic, part, doctor=None, **kw):
        p = patients.add(ctx, name=name, phones_in=[PhoneIn(phone)], now=early, **kw)
        o = orders.add(ctx, patient=p.mrn, clinic=clinic, doctor=doctor, target=DAY,
                       reason=DIAGNOSIS, instructions="Nhịn ăn sáng", now=early)
        return p, booking.book(ctx, patient=p.mrn, clinic=clinic, day=DAY, part=part,
                               doctor=doctor, order_id=o.id, now=early)

    hong = visit("Nguyễn Thị Hồng", "0912 345 678", "NOI", Part.MORNING,
                 birth_date=date(1962, 3, 5))
    duc = visit("Trần Văn Đức", "0987 654 321", "NOI", Part.AFTERNOON, birth_year=1950)
    lan = visit("Lê Thị Lan", "0903 111 222", "TM", Part.MORNING, doctor="BS1")
    attendance.check_in(ctx, code=lan[1].code, now=at(8))
    mai = patients.add(ctx, name="Phạm Thị Mai", phones_in=[PhoneIn("0934 555 666")],
                       now=early)
    with ctx.db.write() as conn:
        pid = patients.resolve(conn, mai.mrn).id
        outreach.open_task(conn, {
            "patient_id": pid, "reason": "reply_unclear", "created_at": at(9, day=date(2026,
                                                                                       11, 24)),
            "next_action_on": DAY, "note": f"Tin nhắn: tôi bị {DIAGNOSIS}, đổi lịch được không",
            "open_key": f"reply_unclear|test|{pid}"})
    attendance.sweep(ctx, now=at(17, 45))  # the afternoon has ended, with its grace
    return hong, duc, lan, mai


def _no_diagnosis(text: str) -> None:
    for words in (DIAGNOSIS, "Đái tháo đường", "Nhịn ăn", "Tim mạch", "Khám Nội"):
        assert words not in text, words


def test_the_report_of_the_day(ctx, day_of_visits):
    hong, duc, lan, mai = day_of_visits
    report = noshow_report.build(ctx, day=DAY)
    # By clinic, then session: the morning's no-show first.
    assert [x.patient for x in report.no_shows] == ["Nguyễn Thị Hồng", "Trần Văn Đức"]
    first = next(x for x in report.no_shows if x.patient == "Nguyễn Thị Hồng")
    assert (first.clinic, first.part, first.phone, first.born, first.mrn) == (
        "Khu A", "morning", "0912 345 678", "05/03/1962", hong[0].mrn)
    assert first.code == hong[1].display_code
    tasks = {(t.patient, t.reason) for t in report.tasks}
    assert tasks == {("Nguyễn Thị Hồng", "no_show"), ("Trần Văn Đức", "no_show"),
                     ("Phạm Thị Mai", "reply_unclear")}
    assert "Lê Thị Lan" not in {x.patient for x in report.no_shows}


def test_mailed_to_the_staff_with_the_list_attached(day_of_visits, msg_config, smtp, capsys):
    hong, duc, _lan, mai = day_of_visits
    msg_config.write_text(msg_config.read_text(encoding="utf-8")
                          + f'\n[reports]\nstaff_email = ["{STAFF[0]}", "{STAFF[1]}"]\n',
                          encoding="utf-8")
    code = main(["report", "noshows", "--date", "2026-11-25", "--send", "--config",
                 str(msg_config), "--now", "2026-11-25T18:00"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "Trần Văn Đức" in out.out and "dieuduong@benhvien.test" in out.out
    (mail,) = smtp.box.mails
    assert sorted(smtp.box.recipients[0]) == sorted(STAFF)
    assert mail["Subject"] == "Báo cáo không đến ngày 25/11/2026: 2 bệnh nhân, 3 việc cần gọi"
    assert mail["Message-ID"] == "<noshow-report-2026-11-25@phongkham.test>"
    body = mail.get_body(("plain",)).get_content()
    assert "Nguyễn Thị Hồng" in body and "0912 345 678" in body and "Khu A" in body
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_filename() == "khong-den-2026-11-25.csv"
    assert attachment.get_content_type() == "text/csv"
    raw = attachment.get_payload(decode=True)
    assert raw.startswith("\ufeff".encode())  # spreadsheet programs read UTF-8 right
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    missed = [r for r in rows if r["Danh sách"] == "Không đến"]
    to_call = [r for r in rows if r["Danh sách"] == "Cần gọi"]
    assert {r["Họ tên"] for r in missed} == {"Nguyễn Thị Hồng", "Trần Văn Đức"}
    hong_row = next(r for r in missed if r["Họ tên"] == "Nguyễn Thị Hồng")
    assert (hong_row["Mã BN"], hong_row["Điện thoại"], hong_row["Ngày hẹn"],
            hong_row["Buổi"], hong_row["STT"], hong_row["Mã hẹn"], hong_row["Nơi khám"]) == (
        hong[0].mrn, "0912 345 678", "2026-11-25", "Sáng", str(hong[1].queue_no),
        hong[1].display_code, "Khu A")
    assert {(r["Họ tên"], r["Lý do"]) for r in to_call} == {
        ("Nguyễn Thị Hồng", "Không đến"), ("Trần Văn Đức", "Không đến"),
        ("Phạm Thị Mai", "Trả lời khó hiểu")}
    mai_row = next(r for r in to_call if r["Họ tên"] == "Phạm Thị Mai")
    assert (mai_row["Từ ngày"], mai_row["Gọi ngày"], mai_row["Đã gọi"]) == (
        "2026-11-24", "2026-11-25", "0")
    _no_diagnosis(mail.as_string() + body + raw.decode("utf-8-sig"))


def test_a_printable_pdf(ctx, day_of_visits, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    done = noshow_report.write_pdf(ctx, day=DAY, now=at(18), pdf=tmp_path / "r.pdf")
    assert (done.no_shows, done.open_tasks) == (2, 3)
    pages = [p.extract_text() for p in pypdf.PdfReader(tmp_path / "r.pdf").pages]
    text = "\n".join(pages)
    for words in ("BÁO CÁO KHÔNG ĐẾN NGÀY 25/11/2026", "Không đến ngày 25/11/2026",
                  "Danh sách cần gọi (còn mở)", "Nguyễn Thị Hồng", "Trần Văn Đức",
                  "Phạm Thị Mai", "Trả lời khó hiểu", "0934 555 666", "Tổng: 2", "Tổng: 3"):
        assert words in text, words
    _no_diagnosis(text)
    en = noshow_report.write_pdf(ctx, day=DAY, now=at(18), pdf=tmp_path / "en.pdf",
                                 language="en")
    text = pypdf.PdfReader(en.where).pages[0].extract_text()
    assert "NO-SHOW REPORT 25/11/2026" in text


def test_the_daemon_job_sends_once_after_the_last_session(ctx, cfg, day_of_visits, smtp):
    from dataclasses import replace

    cfg = replace(cfg, reports=ReportSettings(staff_email=(STAFF[0],)))
    staffed = type(ctx)(cfg=cfg, db=ctx.db, actor="daemon")
    mailer = messaging.build_channels(cfg, {})["email"]
    # NOI's afternoon ends at 16:30; no-shows are marked an hour later (the grace).
    assert noshow_report.send_if_due(staffed, now=at(16, 45), mailer=mailer) is None
    assert noshow_report.send_if_due(staffed, now=at(17, 29), mailer=mailer) is None
    sent = noshow_report.send_if_due(staffed, now=at(17, 31), mailer=mailer)
    assert sent is not None and (sent.no_shows, sent.open_tasks) == (2, 3)
    assert sent.to == (STAFF[0],) and len(smtp.box.mails) == 1
    assert noshow_report.send_if_due(staffed, now=at(17, 32), mailer=mailer) is None
    assert noshow_report.send_if_due(staffed, now=at(21), mailer=mailer) is None
    assert len(smtp.box.mails) == 1  # once a day
    # The next day has no session at all (none booked): nothing is sent.
    assert noshow_report.send_if_due(staffed, now=at(18, day=date(2026, 11, 26)),
                                     mailer=mailer) is None


def test_settings_are_checked_and_named(ctx, cfg, msg_config, capsys):
    """[reports] is read and checked with the file: a wrong value is named with its line."""
    def reports(table: str):
        return parse(TEST_TOML + "\n[reports]\n" + table, None, env={}).reports

    assert cfg.reports.staff_email == ()
    assert reports('staff_email = "a@b.vn"').staff_email == ("a@b.vn",)
    assert reports('staff_email = ["a@b.vn", "c@d.vn"]').staff_email == ("a@b.vn", "c@d.vn")
    for table, key in (('staff_email = "not-an-address"', "reports.staff_email"),
                       ("staff_email = [1]", "reports.staff_email"),
                       ('noshows_daily = "yes"', "reports.noshows_daily"),
                       ('staf_email = "a@b.vn"', "reports.staf_email")):
        with pytest.raises(ConfigError) as caught:
            reports(table)
        assert caught.value.key == key and caught.value.line is not None
    # No staff address: --send says what to set, and sends nothing.
    code = main(["report", "noshows", "--send", "--config", str(msg_config),
                 "--now", "2026-11-25T18:00"])
    err = capsys.readouterr().err
    assert code == 1 and "staff_email" in err and "Traceback" not in err
    # A mistyped [reports] in recall.toml is named (file, line, key) as the file is read,
    # as every other setting is.
    msg_config.write_text(msg_config.read_text(encoding="utf-8")
                          + '\n[reports]\nstaff_email = "nobody"\n', encoding="utf-8")
    code = main(["report", "noshows", "--config", str(msg_config), "--now", "2026-11-25T18:00",
                 "--send"])
    err = capsys.readouterr().err
    line = len(msg_config.read_text(encoding="utf-8").splitlines())
    assert code == 4 and f"recall.toml:{line}: reports.staff_email:" in err and "nobody" in err


def test_a_mail_server_that_is_down_is_exit_4_and_nothing_recorded(ctx, day_of_visits,
                                                                   msg_config, capsys):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    text = msg_config.read_text(encoding="utf-8")
    old = next(ln for ln in text.splitlines() if ln.startswith("port = "))
    msg_config.write_text(text.replace(old, f"port = {closed}")
                          + f'\n[reports]\nstaff_email = "{STAFF[0]}"\n', encoding="utf-8")
    code = main(["report", "noshows", "--send", "--config", str(msg_config),
                 "--now", "2026-11-25T18:00"])
    err = capsys.readouterr().err
    assert code == 4 and "25/11/2026" in err and "Traceback" not in err
    from recall_tui.store import reports as repo

    with ctx.db.read() as conn:
        assert not repo.report_sent(conn, DAY, since=at(0))


def test_json_and_pdf_from_the_command_line(day_of_visits, msg_config, tmp_path, capsys):
    import json

    target = tmp_path / "bao-cao.pdf"
    code = main(["report", "noshows", "--date", "25/11/2026", "--pdf", str(target), "--json",
                 "--config", str(msg_config), "--now", "2026-11-25T18:00"])
    out = capsys.readouterr()
    assert code == 0, out.err
    data = json.loads(out.out)
    assert [x["patient"] for x in data["report"]["no_shows"]] == ["Nguyễn Thị Hồng",
                                                                 "Trần Văn Đức"]
    assert len(data["report"]["tasks"]) == 3 and data["pdf"]["where"] == str(target)
    assert target.read_bytes().startswith(b"%PDF-") and "sent" not in data
    _no_diagnosis(out.out)
