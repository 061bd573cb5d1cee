"""The follow-up slip of a booked appointment: built from the database, written as a PDF,
sent to a thermal printer at a real local TCP listener; on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import socket
import threading
from datetime import date, time

import pytest

from recall_tui.core.errors import NotFound, Refused
from recall_tui.entry import main
from recall_tui.services import booking, orders, patients, slips
from recall_tui.services.patients import PhoneIn

from .escpos_stream import parse

pytestmark = pytest.mark.storage
NOW_ARG = "2026-11-25T08:00"
ESC_INIT = b"\x1b@"


class Listener:
    """A raw-port printer on 127.0.0.1 that keeps the bytes of one job."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(10)
        self.port = self.server.getsockname()[1]
        self.received = b""
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self.server.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(10)
            chunks = []
            while chunk := conn.recv(65536):
                chunks.append(chunk)
        self.received = b"".join(chunks)

    def wait(self) -> bytes:
        self.thread.join(10)
        return self.received

    def close(self) -> None:
        self.server.close()
        self.thread.join(10)


@pytest.fixture
def listener():
    item = Listener()
    yield item
    item.close()


def _closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as s:
        return s.getsockname()[1]


@pytest.fixture
def booked(ctx, now):
    """Nguyễn Thị Hồng, ordered back in 2 weeks to cardiology (BS1) with instructions."""
    p = patients.add(ctx, name="Nguyễn Thị Hồng", phones_in=[PhoneIn("0912 345 678")],
                     birth_date=date(1962, 3, 5), bhyt="HC4797938123456", now=now)
    o = orders.add(ctx, patient=p.mrn, clinic="TM", doctor="BS1", interval="2 tuần",
                   instructions="Nhịn ăn sáng để xét nghiệm máu; Mang theo đơn thuốc cũ.",
                   now=now)
    b = booking.book_suggested(ctx, order_id=o.id, now=now)
    return p, o, b


def test_slip_of_a_booked_appointment(ctx, now, booked):
    p, o, b = booked
    s = slips.slip_for(ctx, code=b.display_code, now=now)
    assert s.patient_name == "Nguyễn Thị Hồng" and s.mrn == p.mrn
    assert s.birth == date(1962, 3, 5) and s.bhyt_number == "HC4797938123456"
    assert s.appointment_date == b.day == date(2026, 12, 9) and s.weekday == "Thứ Tư"
    assert s.part_label == "Sáng" and (s.session_start, s.session_end) == (time(7), time(11, 30))
    assert s.queue_number == b.queue_no == 1
    # The clinic by its public name (TM has none: the default), never "Tim mạch".
    assert s.clinic_name == "Phòng khám TM" and s.doctor_name == "BS Một"
    assert s.where is None
    assert s.instructions == ("Nhịn ăn sáng để xét nghiệm máu", "Mang theo đơn thuốc cũ.")
    assert s.validity_note == f"Giấy hẹn có giá trị đến {o.latest:%d/%m/%Y}."
    assert o.latest > b.day
    assert s.code == b.display_code and s.scan_value == b.code
    assert s.facility_name == "Phòng khám Thử nghiệm"

    en = slips.slip_for(ctx, code=b.code.lower(), now=now, language="en")
    assert en.part_label == "Morning" and en.weekday == "Wednesday"
    assert en.validity_note.startswith("This slip is valid until ")


def test_no_slip_for_an_unknown_or_cancelled_appointment(ctx, now, booked):
    _p, _o, b = booked
    with pytest.raises(NotFound):
        slips.slip_for(ctx, code="0000000", now=now)
    booking.cancel(ctx, code=b.code, by="patient", reason="Đi xa", now=now)
    with pytest.raises(Refused) as caught:
        slips.slip_for(ctx, code=b.code, now=now)
    assert caught.value.code == "slip.inactive"


@pytest.fixture
def recall(config_file, capsys):
    def run(*args: str, config=None) -> tuple[int, str, str]:
        code = main([*args, "--config", str(config or config_file), "--now", NOW_ARG])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_cli_writes_a_pdf_with_the_patient_name(recall, booked, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    _p, _o, b = booked
    target = tmp_path / "out" / "slip.pdf"
    code, out, err = recall("slip", b.display_code, "--pdf", str(target))
    assert code == 0, err
    assert b.display_code in out and str(target) in out
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Nguyễn Thị Hồng" in text and "Nơi khám: Phòng khám TM" in text
    assert "Tim mạch" not in text


def test_cli_sends_escpos_to_a_network_printer(recall, booked, listener):
    _p, _o, b = booked
    code, out, err = recall("slip", b.code, "--printer", f"tcp://127.0.0.1:{listener.port}",
                            "--width", "576", "--json")
    assert code == 0, err
    data = listener.wait()
    assert data.startswith(ESC_INIT)
    stream = parse(data)
    assert stream.commands[0] == "init" and stream.commands[-1] == "cut"
    assert stream.width_bytes == 72  # 576 dots
    assert f'"size": {len(data)}' in out


def test_refused_printer_is_a_message_not_a_traceback(recall, booked):
    _p, _o, b = booked
    port = _closed_port()
    code, out, err = recall("slip", b.code, "--printer", f"tcp://127.0.0.1:{port}")
    assert code == 4
    assert f"127.0.0.1:{port}" in err and "Traceback" not in err + out


def test_unknown_code_and_bad_options_exit_1(recall, booked, tmp_path):
    _p, _o, b = booked
    code, _out, err = recall("slip", "0000000", "--pdf", str(tmp_path / "x.pdf"))
    assert code == 1 and "0000000" in err and not (tmp_path / "x.pdf").exists()
    code, _out, err = recall("slip", "ZZZZ", "--pdf", str(tmp_path / "x.pdf"))
    assert code == 1 and "Traceback" not in err
    code, _out, err = recall("slip", b.code, "--printer", "lpt1")
    assert code == 1 and "tcp://" in err
    code, _out, err = recall("slip", b.code, "--printer", "file:/dev/null", "--width", "100")
    assert code == 1 and "576" in err


def test_configured_printer_is_the_default(recall, booked, config_file, listener):
    _p, _o, b = booked
    config_file.write_text(config_file.read_text(encoding="utf-8") + (
        f'\n[printing]\nprinter = "tcp://127.0.0.1:{listener.port}"\nwidth = 576\n'),
        encoding="utf-8")
    code, out, err = recall("slip", b.code)
    assert code == 0, err
    data = listener.wait()
    assert data.startswith(ESC_INIT) and parse(data).width_bytes == 72
    assert f"127.0.0.1:{listener.port}" in out


def test_without_a_printer_a_pdf_goes_to_the_slips_folder(recall, booked, config_file,
                                                          tmp_path):
    _p, _o, b = booked
    config_file.write_text(config_file.read_text(encoding="utf-8") + (
        '\n[printing]\nfolder = "giay-hen"\n'), encoding="utf-8")
    code, _out, err = recall("slip", b.code)
    assert code == 0, err
    written = tmp_path / "giay-hen" / f"giay-hen-{b.display_code}.pdf"
    assert written.read_bytes().startswith(b"%PDF-")
