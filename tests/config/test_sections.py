"""[his], [reports] and [messages] read once, as the file is read: typed values on
``Config`` (folders against the file's folder, codes in upper case), and each wrong value
named with its file, line and key by the configuration layer."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from recall_tui.config import (
    ConfigError,
    HisSettings,
    MessageSettings,
    ReportSettings,
    load,
    parse,
)
from recall_tui.services import messaging
from tests.conftest import TEST_TOML

FULL = TEST_TOML + """
[his]
inbox = "his-inbox"
auto_book = true
default_clinic = "noi"
scan_seconds = 5
settle_seconds = 1
batch = 50
ma_cskcb = "79024"
ma_ttdv = "7901234567"

[his.clinics]
K01 = "NOI"
" K03" = "tm"

[his.doctors]
"000111/HCM-CCHN" = "bs1"

[reports]
staff_email = ["dieuduong@benhvien.vn", "letan@benhvien.vn"]
noshows_daily = false

[messages]
templates_dir = "mau-tin"
two_way = ["sms"]
inbox_dir = "/srv/tra-loi"
lease_minutes = 5
batch = 7
max_attempts = 3
twilio_inbox = false

[messages.zalo_templates]
reminder = "231677"
confirmation = { id = "231678", params = ["patient_name", "date"] }

[messages.imap]
host = "imap.benhvien.vn"
user = "hen-kham"
tls = "starttls"
"""


def test_the_sections_are_typed_values_of_the_config(tmp_path):
    path = tmp_path / "recall.toml"
    path.write_text(FULL, encoding="utf-8")
    cfg = load(path)
    assert cfg.his == HisSettings(
        inbox=tmp_path / "his-inbox", auto_book=True, default_clinic="NOI", scan_seconds=5,
        settle_seconds=1.0, batch=50, ma_cskcb="79024", ma_ttdv="7901234567",
        clinics={"K01": "NOI", "K03": "TM"}, doctors={"000111/HCM-CCHN": "BS1"})
    assert cfg.his.done == tmp_path / "his-inbox" / "done"
    assert cfg.reports == ReportSettings(("dieuduong@benhvien.vn", "letan@benhvien.vn"), False)
    m = cfg.messages
    assert (m.templates_dir, m.inbox_dir) == (tmp_path / "mau-tin", Path("/srv/tra-loi"))
    assert (m.two_way, m.lease_minutes, m.batch, m.max_attempts) == (frozenset({"sms"}), 5, 7, 3)
    assert m.zalo_templates["confirmation"] == ("231678", ("patient_name", "date"))
    assert m.zalo_templates["reminder"][0] == "231677"
    assert (m.imap.host, m.imap.user, m.imap.tls, m.imap.port) == (
        "imap.benhvien.vn", "hen-kham", "starttls", None)
    run = messaging.settings(cfg)  # what a run of the outbox uses, from the same values
    assert (run.lease, run.batch, run.inbox_dir) == (timedelta(minutes=5), 7, Path("/srv/tra-loi"))


def test_without_the_tables_the_defaults():
    cfg = parse(TEST_TOML, None, env={})
    assert (cfg.his, cfg.reports, cfg.messages) == (HisSettings(), ReportSettings(),
                                                    MessageSettings())


@pytest.mark.parametrize(("table", "line", "key", "says"), [
    ('[his]\nma_cskcb = "7902"', 'ma_cskcb', "his.ma_cskcb", "5-character"),
    ('[his]\nma_ttdv = "79012345678"', "ma_ttdv", "his.ma_ttdv", "10 characters"),
    ('[his]\ndefault_clinic = "XYZ"', "default_clinic", "his.default_clinic",
     "unknown clinic 'XYZ'"),
    ('[his]\ninbox = ""', "inbox", "his.inbox", "empty"),
    ('[his.clinics]\nK01 = "NOI"\nK03 = "XYZ"', "K03", "his.clinics.K03",
     "unknown clinic 'XYZ'"),
    ('[his.doctors]\n"000999/HCM-CCHN" = "BS9"', '"000999', 'his.doctors."000999/HCM-CCHN"',
     "unknown doctor 'BS9'"),
    ('[reports]\nstaff_email = ["a@b.vn", "nobody"]', "staff_email", "reports.staff_email",
     "not an e-mail address: 'nobody'"),
    ('[messages]\nlease_minutes = 0', "lease_minutes", "messages.lease_minutes", "1 to 1440"),
])
def test_a_wrong_value_is_named_with_its_line(tmp_path, table, line, key, says):
    text = TEST_TOML + "\n" + table + "\n"
    path = tmp_path / "recall.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load(path)
    at = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith(line))
    assert (caught.value.key, caught.value.line) == (key, at)
    assert says in str(caught.value)
