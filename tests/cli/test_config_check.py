"""`recall config check FILE` refuses every wrong setting with exit 4, naming its file, line
and key (issue 11, item 7): unknown keys at any depth, weekdays that are not weekdays,
templates without days, absurd numbers, clashing or unknown key bindings, secrets written
in the file, and the [channels], [messages], [printing], [desk] and [holidays] tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recall_tui.config import ConfigError, load, parse
from recall_tui.entry import main

ROOT = Path(__file__).resolve().parents[2]

BASE = """\
[facility]
name = "Phòng khám Thử"

[booking]
window_working_days = 10

[reminders]
offsets_days = [3, 1]

[[clinics]]
code = "NOI"
name = "Khám Nội"

[[clinics]]
code = "TM"
name = "Tim mạch"

[[doctors]]
code = "BS01"
name = "BS Một"
clinics = ["TM"]

[[templates]]
clinic = "NOI"
days = ["mon", "tue"]
part = "morning"
start = "07:00"
end = "11:30"
capacity = 40

[[templates]]
clinic = "TM"
doctor = "BS01"
days = ["wed"]
part = "afternoon"
start = "13:30"
end = "16:30"
capacity = 20
"""


def _check(tmp_path: Path, capsys, text: str) -> tuple[int, str]:
    f = tmp_path / "recall.toml"
    f.write_text(text, encoding="utf-8")
    code = main(["config", "check", str(f)])
    out = capsys.readouterr()
    return code, out.err + out.out


def _line(text: str, needle: str, nth: int = 0) -> int:
    hits = [i + 1 for i, ln in enumerate(text.splitlines()) if needle in ln]
    return hits[nth]


def _refused(tmp_path, capsys, text: str, key: str, needle: str, *words: str,
             nth: int = 0) -> str:
    """Exit 4, and the message names the file, the line holding ``needle``, and ``key``."""
    code, err = _check(tmp_path, capsys, text)
    where = f"{tmp_path / 'recall.toml'}:{_line(text, needle, nth)}: {key}: "
    assert code == 4, err
    assert where in err, err
    for w in words:
        assert w in err, err
    assert "Traceback" not in err
    return err


def test_the_base_file_is_valid(tmp_path, capsys):
    code, out = _check(tmp_path, capsys, BASE)
    assert code == 0 and "OK (2 clinics, 3 weekly sessions)" in out


@pytest.mark.parametrize("name", ["recall.toml", "bench/recall.bench.toml",
                                  "recall_tui/default.toml"])
def test_the_shipped_files_are_valid(name, capsys):
    assert main(["config", "check", str(ROOT / name)]) == 0, capsys.readouterr().err


# -- unknown keys, at any depth ------------------------------------------------------------------

def test_a_misspelt_key_in_a_template_is_named_with_the_known_ones(tmp_path, capsys):
    text = BASE.replace("capacity = 20", "capcity = 20")
    _refused(tmp_path, capsys, text, "templates[1].capcity", "capcity",
             "unknown setting", "capacity, clinic, days")


COLOUR = 'colour = "red"\n'


def _after(marker: str):
    return lambda text: text.replace(marker, marker + COLOUR, 1)


def _table(header: str):
    return lambda text: text + f"\n{header}\n" + COLOUR


@pytest.mark.parametrize(("key", "edit"), [
    ("colour", lambda text: COLOUR + text),
    ("facility.colour", _after("[facility]\n")),
    ("reminders.colour", _after("[reminders]\n")),
    ("clinics[1].colour", _after('code = "TM"\n')),
    ("doctors[0].colour", _after('code = "BS01"\n')),
    ("templates[1].colour", _after('doctor = "BS01"\n')),
    ("desk.colour", _table("[desk]")),
    ("holidays.colour", _table("[holidays]")),
    ("printing.colour", _table("[printing]")),
    ("messages.colour", _table("[messages]")),
    ("messages.imap.colour", _table('[messages.imap]\nhost = "imap.x.vn"\nuser = "u"')),
    ("messages.zalo_templates.colour", _table("[messages.zalo_templates]")),
    ("channels.email.colour", _table('[channels.email]\nhost = "smtp.x.vn"\nsender = "a@x"')),
    ("channels.sms.colour", _table('[channels.sms]\nprovider = "esms"\nbrandname = "PK"')),
    ("channels.zalo.colour", _table('[channels.zalo]\napp_id = "1"')),
    ("closures[0].colour", _table('[[closures]]\nfrom = "2026-12-24"')),
    ("overrides[0].colour", _table('[[overrides]]\ndate = "2027-02-20"')),
    ("roles.colour", _table("[roles]")),
    ("keys.colour", _table("[keys]")),
])
def test_colour_is_unknown_anywhere(tmp_path, capsys, key, edit):
    _refused(tmp_path, capsys, edit(BASE), key, COLOUR.strip(), "unknown setting (known: ")


def test_every_problem_is_listed_at_once_in_file_order(tmp_path, capsys):
    text = BASE.replace("capacity = 20", "capcity = 20").replace(
        'name = "Khám Nội"', 'name = "Khám Nội"\ncolour = "red"')
    code, err = _check(tmp_path, capsys, text)
    assert code == 4
    first, second = err.index("clinics[0].colour"), err.index("templates[1].capcity")
    assert first < second


# -- weekdays and templates ----------------------------------------------------------------------

def test_monkey_is_not_monday(tmp_path, capsys):
    text = BASE.replace('days = ["mon", "tue"]', 'days = ["mon", "monkey"]')
    _refused(tmp_path, capsys, text, "templates[0].days[1]", "monkey", "not a weekday",
             "'monkey'")


def test_weekdays_in_vietnamese_and_english(tmp_path):
    text = BASE.replace('days = ["mon", "tue"]',
                        'days = ["T2", "thứ 3", "Thứ Tư", "thursday", "Fri", "t7", "Chủ nhật"]')
    cfg = parse(text, None, env={})
    assert sorted(t.weekday for t in cfg.templates if t.clinic == "NOI") == list(range(7))


def test_a_template_without_days_is_refused_not_dropped(tmp_path, capsys):
    text = BASE.replace('days = ["wed"]\n', "")
    _refused(tmp_path, capsys, text, "templates[1].days", "[[templates]]", "missing",
             nth=1)


def test_a_template_that_ends_before_it_starts(tmp_path, capsys):
    text = BASE.replace('end = "16:30"', 'end = "12:00"')
    _refused(tmp_path, capsys, text, "templates[1].end", 'end = "12:00"', "not after")


def test_the_same_session_twice(tmp_path, capsys):
    text = BASE.replace('days = ["wed"]', 'days = ["wed", "wed"]')
    _refused(tmp_path, capsys, text, "templates[1].days", 'days = ["wed", "wed"]', "twice")


def test_a_templates_doctor_must_work_in_its_clinic(tmp_path, capsys):
    text = BASE.replace('clinic = "TM"\ndoctor = "BS01"', 'clinic = "NOI"\ndoctor = "BS01"')
    _refused(tmp_path, capsys, text, "templates[1].doctor", 'doctor = "BS01"',
             "BS01 does not work in NOI", "TM")


def test_a_doctors_clinic_must_exist(tmp_path, capsys):
    text = BASE.replace('clinics = ["TM"]', 'clinics = ["TM", "MAT"]')
    _refused(tmp_path, capsys, text, "doctors[0].clinics", 'clinics = ["TM", "MAT"]',
             "unknown clinic 'MAT'")


# -- numbers -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("old", "new", "key"), [
    ("window_working_days = 10", "window_working_days = -3", "booking.window_working_days"),
    ("window_working_days = 10", "late_cancel_hours = -1", "booking.late_cancel_hours"),
    ("window_working_days = 10", "no_show_grace_minutes = -5",
     "booking.no_show_grace_minutes"),
    ("offsets_days = [3, 1]", "offsets_days = [3, -1]", "reminders.offsets_days[1]"),
    ("offsets_days = [3, 1]", "offsets_days = [3, 3]", "reminders.offsets_days"),
    ("capacity = 40", "capacity = 9223372036854775807", "templates[0].capacity"),
    ("capacity = 40", "capacity = 0", "templates[0].capacity"),
    ("capacity = 40", "capacity = 40\noverbook = -1", "templates[0].overbook"),
    ("capacity = 40", "capacity = 40\nslot_minutes = 100000", "templates[0].slot_minutes"),
    ("capacity = 40", 'capacity = "many"', "templates[0].capacity"),
    ("capacity = 40", "capacity = 40.5", "templates[0].capacity"),
    ("capacity = 40", "capacity = true", "templates[0].capacity"),
])
def test_negative_or_absurd_numbers(tmp_path, capsys, old, new, key):
    text = BASE.replace(old, new, 1)
    _refused(tmp_path, capsys, text, key, new.splitlines()[-1])


def test_reminder_hours_in_order(tmp_path, capsys):
    text = BASE.replace("offsets_days = [3, 1]",
                        'offsets_days = [3, 1]\nallowed_hours = ["21:00", "07:00"]')
    _refused(tmp_path, capsys, text, "reminders.allowed_hours", "allowed_hours",
             "not after the start")
    text = BASE.replace("offsets_days = [3, 1]", 'offsets_days = [3, 1]\nsend_at = "25:00"')
    _refused(tmp_path, capsys, text, "reminders.send_at", "send_at", "expected a time")


@pytest.mark.parametrize(("table", "key", "value"), [
    ("messages", "lease_minutes", "0"), ("messages", "batch", "1000000"),
    ("messages", "max_attempts", "-1"), ("printing", "width", "80"),
    ("holidays", "observe", '"yes"'), ("desk", "cursor_blink", '"no"'),
    ("messages", "two_way", '["fax"]'),
])
def test_other_tables_are_typed(tmp_path, capsys, table, key, value):
    text = BASE + f"\n[{table}]\n{key} = {value}\n"
    item = "[0]" if value.startswith("[") else ""
    _refused(tmp_path, capsys, text, f"{table}.{key}{item}", f"{key} = ")


# -- [keys] --------------------------------------------------------------------------------------

def test_two_actions_on_one_key_are_refused(tmp_path, capsys):
    text = BASE + '\n[keys]\n"today.undo" = "x"\n'  # x cancels on Today
    _refused(tmp_path, capsys, text, 'keys."today.undo"', '"today.undo"', "'today.cancel'",
             "two actions on one key")
    text = BASE + '\n[keys]\n"today.undo" = "z"\n"today.open" = "z"\n'
    _refused(tmp_path, capsys, text, 'keys."today.open"', '"today.open"', "'today.undo'")
    text = BASE + '\n[keys]\nbooking = "f9"\n'  # F9 is the statistics' key everywhere
    _refused(tmp_path, capsys, text, "keys.booking", "booking =", "'statistics'")


def test_keys_on_different_screens_and_moved_keys_are_fine(tmp_path):
    text = BASE + ('\n[keys]\n"today.undo" = "z"\n"noshow.log" = "z"\nbooking = "f9"\n'
                   'statistics = "f12"\nhelp = "f1"\n"today.checkin" = "enter,k"\n')
    cfg = parse(text, None, env={})
    assert cfg.keys["today.undo"] == "z" and cfg.keys["statistics"] == "f12"


def test_dotted_ids_may_be_written_without_quotes(tmp_path):
    cfg = parse(BASE + '\n[keys]\ntoday.undo = "z"\n', None, env={})
    assert cfg.keys == {"today.undo": "z"}


def test_unknown_action_ids_and_bad_key_names(tmp_path, capsys):
    text = BASE + '\n[keys]\n"today.chekin" = "k"\n'
    _refused(tmp_path, capsys, text, 'keys."today.chekin"', "today.chekin",
             "unknown setting", "today.checkin")
    text = BASE + '\n[keys]\n"today.undo" = "ctrl + u"\n'
    _refused(tmp_path, capsys, text, 'keys."today.undo"', "today.undo", "not a key name")


# -- secrets -------------------------------------------------------------------------------------

SECRET = "hunter2-XYZ"


@pytest.mark.parametrize(("table", "key", "var"), [
    ('[channels.email]\nhost = "smtp.x.vn"\nsender = "a@x.vn"\nuser = "a@x.vn"', "password",
     "RECALL_SMTP_PASSWORD"),
    ('[channels.sms]\nprovider = "esms"\nbrandname = "PK"', "api_key", "RECALL_ESMS_API_KEY"),
    ('[channels.sms]\nprovider = "esms"\nbrandname = "PK"', "secret_key",
     "RECALL_ESMS_SECRET_KEY"),
    ('[channels.sms]\nprovider = "speedsms"', "access_token", "RECALL_SPEEDSMS_TOKEN"),
    ('[channels.sms]\nprovider = "twilio"\nfrom = "+15005550006"', "auth_token",
     "RECALL_TWILIO_AUTH_TOKEN"),
    ('[channels.zalo]\napp_id = "1"', "refresh_token", "RECALL_ZALO_REFRESH_TOKEN"),
    ('[channels.zalo]\napp_id = "1"', "secret", "RECALL_ZALO_SECRET_KEY"),
    ('[messages.imap]\nhost = "imap.x.vn"\nuser = "u"', "password", "RECALL_IMAP_PASSWORD"),
    ("[database]", "password", "RECALL_DATABASE_URL"),
    ("[facility]\nname = \"X\"", "apikey", "environment"),
    ("[facility]\nname = \"X\"", "token", "environment"),
])
def test_a_secret_in_the_file_is_refused_and_the_variable_named(tmp_path, capsys, table, key,
                                                                 var):
    text = BASE.replace("[facility]\nname = \"Phòng khám Thử\"\n", "") + \
        f"\n{table}\n{key} = \"{SECRET}\"\n"
    full = table.splitlines()[0].strip("[]") + "." + key
    err = _refused(tmp_path, capsys, text, full, f"{key} = ", "secret", var)
    assert SECRET not in err


@pytest.mark.parametrize(("sms", "key"), [
    ('url = "https://gw.vn/send?apikey=abc123&to={phone}"', "channels.sms.url"),
    ('url = "https://gw.vn/send"\nheaders = { Authorization = "Bearer abc123" }',
     "channels.sms.headers.Authorization"),
])
def test_a_key_written_into_the_gateways_address_is_a_secret_too(tmp_path, capsys, sms, key):
    text = BASE + f'\n[channels.sms]\nprovider = "http"\n{sms}\n'
    err = _refused(tmp_path, capsys, text, key, sms.splitlines()[-1][:10], "RECALL_SMS_HTTP_KEY")
    assert "abc123" not in err


def test_a_database_password_in_the_url_is_refused(tmp_path, capsys):
    text = BASE + '\n[database]\nurl = "postgresql://recall:s3cret@db/recall"\n'
    err = _refused(tmp_path, capsys, text, "database.url", "url = ", "RECALL_DATABASE_URL",
                   "PGPASSWORD")
    assert "s3cret" not in err


def test_the_gateway_key_placeholder_is_not_a_secret(tmp_path):
    text = BASE + ('\n[channels.sms]\nprovider = "http"\nurl = "https://gw.vn/send?apikey={key}"\n'
                   'body = { api_key = "{key}", to = "{phone}", text = "{text}" }\n'
                   'headers = { Authorization = "Bearer {key}" }\n')
    assert parse(text, None, env={}).channels["sms"]["provider"] == "http"


# -- [channels], [messages], [printing] ---------------------------------------------------------

@pytest.mark.parametrize(("section", "needle", "key", "words"), [
    ('[channels.sms]\nprovider = "esms"\nbrandnam = "PK"', "brandnam",
     "channels.sms.brandnam", ("unknown setting", "brandname")),
    ('[channels.sms]\nprovider = "esms"', "[channels.sms]", "channels.sms.brandname",
     ("missing",)),
    ('[channels.sms]\nprovider = "nexmo"', "provider", "channels.sms.provider",
     ("'esms'", "'http'")),
    ('[channels.sms]\nbrandname = "PK"', "[channels.sms]", "channels.sms.provider",
     ("missing",)),
    ('[channels.sms]\nprovider = "twilio"\naccount_sid = "AC1"', "[channels.sms]",
     "channels.sms.from", ("missing",)),
    ('[channels.sms]\nprovider = "http"\nurl = "https://gw.vn/send"\nformat = "xml"',
     "format", "channels.sms.format", ("'json' or 'form'",)),
    ('[channels.email]\nhost = "smtp.x.vn"\nsender = "a@x.vn"\ntls = "maybe"', "tls",
     "channels.email.tls", ("'starttls'",)),
    ('[channels.email]\nhost = "smtp.x.vn"\nsender = "a@x.vn"\nport = 99999', "port",
     "channels.email.port", ("1 to 65535",)),
    ('[channels.email]\nhost = "smtp.x.vn"', "[channels.email]", "channels.email.sender",
     ("missing",)),
    ('[channels.fax]\nnumber = "1"', "[channels.fax]", "channels.fax",
     ("unknown setting", "email, sms, zalo")),
    ('[messages]\ninbox_dri = "x"', "inbox_dri", "messages.inbox_dri", ("inbox_dir",)),
    ('[messages]\ntwilio_inbox = true', "twilio_inbox", "messages.twilio_inbox",
     ('provider = "twilio"',)),
    ('[messages.imap]\nhost = "imap.x.vn"\nuser = "u"\nlease_minutes = 10', "lease_minutes",
     "messages.imap.lease_minutes", ("unknown setting",)),
    ('[messages.zalo_templates]\nreminder = { id = "1", params = ["diagnosis"] }', "reminder = {",
     "messages.zalo_templates.reminder.params[0]", ("patient_name",)),
    ('[messages.zalo_templates]\nrecall = "1"', "recall", "messages.zalo_templates.recall",
     ("confirmation",)),
    ('[printing]\nprinter = ""', "printer", "printing.printer", ("empty",)),
])
def test_channels_messages_and_printing_are_checked(tmp_path, capsys, section, needle, key,
                                                    words):
    text = BASE + "\n" + section + "\n"
    _refused(tmp_path, capsys, text, key, needle, *words)


def test_every_channel_setting_the_registry_reads_is_accepted(tmp_path):
    """The config's tables and the registry agree: what config check passes, builds."""
    from recall_tui.channels.registry import build_channels

    text = BASE + """
[channels.email]
host = "smtp.x.vn"
tls = "ssl"
port = 465
user = "a@x.vn"
sender = "a@x.vn"
sender_name = "PK"
reply_to = "b@x.vn"
ca_file = "/etc/ssl/ca.pem"
timeout = 20

[channels.sms]
provider = "http"
url = "https://gw.vn/send?k={key}"
method = "post"
headers = { X-Client = "recall" }
body = { to = "{phone}", text = "{text}" }
format = "form"
phone_format = "0"
success_field = "status"
success_value = 0
id_field = "id"
timeout = 5

[channels.zalo]
app_id = "123"
base_url = "http://127.0.0.1:1"
oauth_url = "http://127.0.0.1:2"
enabled = false
"""
    cfg = parse(text, None, env={})
    env = {"RECALL_SMTP_PASSWORD": "p", "RECALL_SMS_HTTP_KEY": "k"}
    assert set(build_channels(cfg.channels, env, use_keyring=False)) == {"email", "sms"}
    for provider, extra in [("esms", 'brandname = "PK"\nsms_type = 2\nsandbox = true\n'
                                     'callback_url = "https://x.vn/cb"\nbase_url = "http://a"'),
                            ("speedsms", 'sender = "PK"\nsms_type = 4\nbase_url = "http://a"'),
                            ("twilio", 'account_sid = "AC1"\nfrom = "+1500"\n'
                                       'messaging_service_sid = "MG1"\nbase_url = "http://a"')]:
        cfg = parse(BASE + f'\n[channels.sms]\nprovider = "{provider}"\n{extra}\n', None,
                    env={})
        env = {"RECALL_ESMS_API_KEY": "a", "RECALL_ESMS_SECRET_KEY": "b",
               "RECALL_SPEEDSMS_TOKEN": "c", "RECALL_TWILIO_AUTH_TOKEN": "d"}
        assert set(build_channels(cfg.channels, env)) == {"sms"}


def test_a_full_messages_table_as_documented_is_accepted(tmp_path):
    text = BASE + """
[messages]
templates_dir = "mau-tin"
two_way = ["email", "zalo", "sms"]
inbox_dir = "tra-loi"
lease_minutes = 10
batch = 20
max_attempts = 5

[messages.imap]
host = "imap.hospital.vn"
port = 993
tls = "ssl"
user = "hen-kham@hospital.vn"
folder = "INBOX"

[messages.zalo_templates]
confirmation = "231677"
reminder = { id = "231678", params = ["patient_name", "date", "time", "place", "code"] }
cancellation = 231679

[printing]
printer = "tcp://192.168.1.50:9100"
width = 576
folder = "giay-hen"
"""
    cfg = parse(text, None, env={})
    assert cfg.raw["messages"]["imap"]["host"] == "imap.hospital.vn"


# -- clinics: walk-ins and where to go ------------------------------------------------------------

def test_clinics_say_walk_ins_and_where_to_go(tmp_path, capsys):
    text = BASE.replace('name = "Khám Nội"',
                        'name = "Khám Nội"\nwalk_ins = true\nwhere = "Tầng 1, phòng 104"')
    cfg = parse(text, None, env={})
    noi, tm = cfg.clinic("NOI"), cfg.clinic("TM")
    assert noi.walk_ins is True and noi.where == "Tầng 1, phòng 104"
    assert tm.walk_ins is False and tm.where == ""
    _refused(tmp_path, capsys, BASE.replace('name = "Khám Nội"',
                                            'name = "Khám Nội"\nwalk_ins = "yes"'),
             "clinics[0].walk_ins", "walk_ins", "true or false")
    demo = load(ROOT / "recall.toml", env={})
    assert [c.code for c in demo.clinics if c.walk_ins] == ["NOI"]


def test_config_error_carries_path_line_and_key(tmp_path):
    f = tmp_path / "recall.toml"
    f.write_text(BASE.replace("capacity = 20", "capcity = 20"), encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load(f, env={})
    e, text = exc.value, f.read_text(encoding="utf-8")
    # capacity is missing (said at its table's line), and capcity is unknown (at its own)
    assert (e.path, e.key, e.line) == (f.resolve(), "templates[1].capacity",
                                       _line(text, "[[templates]]", 1))
    [more] = e.more
    assert (more.key, more.line) == ("templates[1].capcity", _line(text, "capcity"))


def test_json_names_the_key(tmp_path, capsys):
    f = tmp_path / "recall.toml"
    f.write_text(BASE.replace('days = ["mon", "tue"]', 'days = ["mon", "monkey"]'),
                 encoding="utf-8")
    assert main(["config", "check", str(f), "--json"]) == 4
    err = json.loads(capsys.readouterr().out)["error"]
    assert err["code"] == "config" and err["field"] == "templates[0].days[1]"
