import socket
import threading

import pytest

from recall_tui.print import PrintError, send_to_printer, slip_escpos
from recall_tui.print.slip import sample_slip

from .escpos_stream import parse


class FakePrinter:
    """A raw-port printer on 127.0.0.1 (port 0 stands for 9100) that keeps what it gets."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(5)
        self.port = self.server.getsockname()[1]
        self.received = b""
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.server.accept()
        with conn:
            conn.settimeout(5)
            chunks = []
            while chunk := conn.recv(65536):
                chunks.append(chunk)
        self.received = b"".join(chunks)

    def close(self) -> None:
        self.thread.join(5)
        self.server.close()


@pytest.fixture
def printer():
    fake = FakePrinter()
    yield fake
    fake.close()


def test_receipt_reaches_a_network_printer(printer):
    data = slip_escpos(sample_slip(), width_dots=576)
    send_to_printer(data, f"tcp://127.0.0.1:{printer.port}")
    printer.thread.join(5)
    assert printer.received == data
    stream = parse(printer.received)
    assert stream.commands[0] == "init" and stream.commands[-1] == "cut"
    assert stream.width_bytes == 72 and stream.image().width == 576


def _closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as s:
        return s.getsockname()[1]


def test_refused_connection_is_a_print_error():
    with pytest.raises(PrintError) as caught:
        send_to_printer(b"\x1b@", f"tcp://127.0.0.1:{_closed_port()}", timeout=2)
    err = caught.value
    assert err.code == "print.refused"
    assert "từ chối kết nối" in err.vi and "refused" in err.en
    assert err.vi in str(err) and err.en in str(err)
    assert isinstance(err.__cause__, ConnectionRefusedError)


def test_timeout_is_a_print_error(monkeypatch):
    def slow(*args, **kwargs):
        raise TimeoutError("timed out")

    monkeypatch.setattr(socket, "create_connection", slow)
    with pytest.raises(PrintError) as caught:
        send_to_printer(b"x", "tcp://printer.local", timeout=1.5)
    assert caught.value.code == "print.timeout" and "1.5" in caught.value.en


@pytest.mark.parametrize("uri", ["lpt1", "http://printer/", "tcp://", "tcp://host:notaport",
                                 "file:"])
def test_bad_address_is_a_print_error(uri):
    with pytest.raises(PrintError) as caught:
        send_to_printer(b"x", uri)
    assert caught.value.code == "print.bad_uri"


def test_file_printer_gets_the_bytes(tmp_path):
    target = tmp_path / "lp0"
    send_to_printer(b"\x1b@hello", f"file:{target}")
    assert target.read_bytes() == b"\x1b@hello"
    send_to_printer(b"again", f"file://{target}")
    assert target.read_bytes() == b"again"


def test_unwritable_file_is_a_print_error(tmp_path):
    with pytest.raises(PrintError) as caught:
        send_to_printer(b"x", f"file:{tmp_path}/no/such/dir/lp0")
    assert caught.value.code == "print.failed"
