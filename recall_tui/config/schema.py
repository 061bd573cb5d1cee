"""recall.toml as pydantic models: every table, every key, its type and its bounds.

Each table refuses keys it does not know (``extra="forbid"``) and reads strictly (no "10"
for 10, no 1 for true). Checks across tables (a template's clinic exists, its doctor works
there) are in ``config.checks``. The models are built once, at import. (No ``from
__future__ import annotations`` here: the annotations are built as the classes are.)
"""

import re
from datetime import date, datetime, time
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, create_model

from ..core import text as core_text
from ..core.calendar import Part
from ..core.messages_text import KINDS, ZNS_DEFAULT_PARAMS, ZNS_PARAMS
from ..core.outbox_rules import MAX_ATTEMPTS
from . import keys as desk_keys
from .problems import Bad

ROLES = ("desk", "doctor", "manager", "admin")
PRINT_WIDTHS = (384, 576)  # dots: 58 mm and 80 mm thermal paper (services.slips.WIDTHS)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,15}")


class Table(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# -- values -------------------------------------------------------------------------------------

def _text_check(max_len: int, required: bool):
    def check(value: str) -> str:
        if _CONTROL.search(value):
            raise Bad("control characters are not allowed", "không được có ký tự điều khiển")
        if len(value) > max_len:
            raise Bad(f"longer than {max_len} characters", f"dài quá {max_len} ký tự")
        if required and not value.strip():
            raise Bad("may not be empty", "không được để trống")
        return value

    return check


def Text(max_len: int = 200, *, required: bool = False) -> Any:  # noqa: N802 (a type)
    return Annotated[str, AfterValidator(_text_check(max_len, required))]


def Whole(lo: int, hi: int) -> Any:  # noqa: N802 (a type)
    def check(value: int) -> int:
        if not lo <= value <= hi:
            raise Bad(f"expected a whole number from {lo} to {hi}, got {value}",
                      f"cần số nguyên từ {lo} đến {hi}, không phải {value}")
        return value

    return Annotated[int, AfterValidator(check)]


def Number(lo: float, hi: float) -> Any:  # noqa: N802 (a type)
    def check(value: float) -> float:
        if not lo <= value <= hi:
            raise Bad(f"expected a number from {lo:g} to {hi:g}, got {value:g}",
                      f"cần số từ {lo:g} đến {hi:g}, không phải {value:g}")
        return float(value)

    return Annotated[float, AfterValidator(check)]


def _time(value: Any) -> Any:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value.strip())
        except ValueError:
            pass
    raise Bad(f"expected a time like \"07:30\", got {str(value)[:20]!r}",
              f"cần giờ dạng \"07:30\", không phải {str(value)[:20]!r}")


def _day(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise Bad(f"expected a date like 2026-12-24, got {str(value)[:20]!r}",
              f"cần ngày dạng 2026-12-24, không phải {str(value)[:20]!r}")


# Weekday names: English (mon, monday) and Vietnamese (t2, thứ 2, thứ hai, cn, chủ nhật),
# any case, with or without diacritics; nothing else ("monkey" is not Monday).
_WEEKDAY_WORDS: dict[str, int] = {}
for _i, (_short, _long, _vi_num, _vi_word) in enumerate(zip(
        ("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        ("t2", "t3", "t4", "t5", "t6", "t7", "cn"),
        ("thu hai", "thu ba", "thu tu", "thu nam", "thu sau", "thu bay", "chu nhat"))):
    _WEEKDAY_WORDS.update({_short: _i, _long: _i, _vi_num: _i, _vi_word: _i})
    if _i < 6:
        _WEEKDAY_WORDS[f"thu {_i + 2}"] = _i


def weekday(value: Any) -> int:
    if isinstance(value, str):
        found = _WEEKDAY_WORDS.get(core_text.fold(value))
        if found is not None:
            return found
    raise Bad(f"not a weekday: {str(value)[:20]!r} (mon, tue, ... sun; t2 ... t7, cn)",
              f"không phải thứ trong tuần: {str(value)[:20]!r} (t2 ... t7, cn; mon ... sun)")


def _days(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _unique(items: list) -> list:
    seen = set()
    for item in items:
        if item in seen:
            raise Bad(f"{item!r} is listed twice", f"{item!r} có hai lần")
        seen.add(item)
    return items


def _part(value: Any) -> Any:
    try:
        return Part.parse(value) if isinstance(value, str) else value
    except Exception:  # noqa: BLE001  (BadInput: said below in the admin's words)
        raise Bad(f"expected morning, afternoon or evening, got {str(value)[:20]!r}",
                  f"cần morning, afternoon hoặc evening (sáng, chiều, tối), "
                  f"không phải {str(value)[:20]!r}") from None


def _code(value: str) -> str:
    if not _CODE.fullmatch(value):
        raise Bad(f"expected a short code (letters, digits, - _ .; at most 16), "
                  f"got {value[:20]!r}",
                  f"cần một mã ngắn (chữ, số, - _ .; tối đa 16), không phải {value[:20]!r}")
    return value


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise Bad(f"unknown time zone {value[:40]!r} (like \"Asia/Ho_Chi_Minh\")",
                  f"không biết múi giờ {value[:40]!r} (như \"Asia/Ho_Chi_Minh\")") from None
    return value


def _mrn_prefix(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{1,4}", value):
        raise Bad("expected 1 to 4 capital letters", "cần 1 đến 4 chữ in hoa")
    return value


def _key_spec(value: str) -> str:
    why = desk_keys.bad_key_spec(value)
    if why:
        raise Bad(why)
    return value


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise Bad(f"not a regular expression: {exc}") from None
    return value


def _scalar(value: Any) -> Any:
    if value is not None and not isinstance(value, str | int | bool):
        raise Bad("expected text, a whole number or true/false",
                  "cần chữ, số nguyên hoặc true/false")
    return value


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _zalo_template(value: Any) -> Any:
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return {"id": str(value)}
    return value


def _id_text(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Code = Annotated[str, AfterValidator(_code)]
TimeOfDay = Annotated[time, BeforeValidator(_time)]
Day = Annotated[date, BeforeValidator(_day)]
Weekday = Annotated[int, BeforeValidator(weekday)]
Zone = Annotated[str, AfterValidator(_zone)]
Folder = Text(1000, required=True)
Url = Text(1000, required=True)
Timeout = Number(0.1, 600)
Port = Whole(1, 65535)


# -- the tables ---------------------------------------------------------------------------------

class Facility(Table):
    name: Text(200, required=True) = "Phòng khám"
    address: Text(300) = ""
    phone: Text(40) = ""
    reply_hint: Text(200) = ""
    timezone: Zone = "Asia/Ho_Chi_Minh"
    language: Literal["vi", "en"] = "vi"


class Database(Table):
    url: Text(1000) = ""


class Booking(Table):
    window_working_days: Whole(1, 60) = 10
    late_cancel_hours: Number(0, 720) = 24.0
    no_show_grace_minutes: Whole(0, 24 * 60) = 60
    mrn_prefix: Annotated[str, AfterValidator(_mrn_prefix)] = "RC"
    series_auto_book: bool = False


class Reminders(Table):
    offsets_days: Annotated[list[Whole(1, 60)], Field(max_length=10),
                            AfterValidator(_unique)] = [3, 1]
    send_at: TimeOfDay = time(9, 0)
    allowed_hours: Annotated[list[TimeOfDay], Field(
        description='two times, like ["07:00", "21:00"]')] = [time(7, 0), time(21, 0)]


class Holidays(Table):
    observe: bool = True


class Clinic(Table):
    code: Code = Field(description='a short code, like "NOI"')
    name: Text(200, required=True) = Field(description='the clinic\'s name, like "Khám Nội"')
    public_name: Text(200, required=True) | None = None
    window_working_days: Whole(1, 60) | None = None
    series_auto_book: bool | None = None
    walk_ins: bool = False
    where: Text(200) = ""


class Doctor(Table):
    code: Code = Field(description='a short code, like "BS01"')
    name: Text(200, required=True) = Field(description="the doctor's name")
    licence: Text(60) = ""
    clinics: Annotated[list[Code], AfterValidator(_unique)] = []


class Template(Table):
    clinic: Code = Field(description='the clinic\'s code, like "NOI"')
    doctor: Code | None = None
    days: Annotated[list[Weekday], BeforeValidator(_days), Field(min_length=1),
                    AfterValidator(_unique)] = Field(
        description='the weekdays, like ["mon", "wed", "fri"]')
    part: Annotated[Part, BeforeValidator(_part)] = Field(
        description="morning, afternoon or evening")
    start: TimeOfDay = Field(description='when the session starts, like "07:00"')
    end: TimeOfDay = Field(description='when the session ends, like "11:30"')
    capacity: Whole(1, 1000) = Field(description="how many patients, like 40")
    overbook: Whole(0, 1000) = 0
    slot_minutes: Whole(5, 240) | None = None


class Closure(Table):
    start: Day = Field(alias="from", description="the first day closed, like 2026-12-24")
    end: Day | None = Field(None, alias="to")
    clinic: Code | None = None
    doctor: Code | None = None
    reason: Text(200) = "Nghỉ"


class Override(Table):
    day: Day = Field(alias="date", description="the day, like 2027-02-20")
    open: bool = True
    as_weekday: Weekday | None = None
    clinic: Code | None = None
    reason: Text(200) | None = None


Members = list[Text(100, required=True)]


class Roles(Table):
    desk: Members | None = None
    doctor: Members | None = None
    manager: Members | None = None
    admin: Members | None = None


KeySpec = Annotated[str, AfterValidator(_key_spec)]
# [keys]: one optional key per binding id of the desk (ids have dots: written as aliases).
Keys = create_model(
    "Keys", __base__=Table,
    **{f"k{i}": (KeySpec | None, Field(None, alias=bid))
       for i, bid in enumerate(desk_keys.BINDINGS)})


# -- [channels] (see channels/registry.py) ----------------------------------------------------

class Channel(Table):
    enabled: bool = True
    timeout: Timeout | None = None


class Email(Channel):
    host: Text(255, required=True) = Field(description='the SMTP server, like "smtp.example.vn"')
    sender: Text(255, required=True) = Field(description="the From address")
    tls: Literal["none", "starttls", "ssl"] = "starttls"
    port: Port | None = None
    user: Text(255) | None = None
    sender_name: Text(200) = ""
    reply_to: Text(255) | None = None
    ca_file: Folder | None = None


class Esms(Channel):
    provider: Literal["esms"]
    brandname: Text(20, required=True) = Field(description="the registered brandname")
    sms_type: Whole(1, 99) = 2
    sandbox: bool = False
    callback_url: Url | None = None
    base_url: Url | None = None


class SpeedSms(Channel):
    provider: Literal["speedsms"]
    sender: Text(60) = ""
    sms_type: Whole(1, 99) = 2
    base_url: Url | None = None


class Twilio(Channel):
    provider: Literal["twilio"]
    account_sid: Text(64) | None = None
    from_: Text(40) | None = Field(None, alias="from")
    messaging_service_sid: Text(64) | None = None
    base_url: Url | None = None


class HttpSms(Channel):
    provider: Literal["http"]
    url: Url = Field(description='the gateway\'s URL, with {phone} {text} {key} placeholders')
    method: Annotated[Literal["GET", "POST", "PUT", "PATCH"], BeforeValidator(_upper)] = "POST"
    headers: dict[str, Text(1000)] = {}
    body: dict[str, Any] | None = None
    format: Literal["json", "form"] = "json"
    phone_format: Literal["84", "0", "e164"] = "84"
    success_field: Text(100) | None = None
    success_value: Annotated[Any, AfterValidator(_scalar)] = None
    success_regex: Annotated[str, AfterValidator(_regex)] | None = None
    id_field: Text(100) | None = None
    id_regex: Annotated[str, AfterValidator(_regex)] | None = None
    dedupes_by_reference: bool = False  # the gateway refuses a repeated {id} (docs/reminders.md)


Sms = Annotated[Esms | SpeedSms | Twilio | HttpSms, Field(discriminator="provider")]


class Zalo(Channel):
    app_id: Text(40) | None = None
    base_url: Url | None = None
    oauth_url: Url | None = None


class Channels(Table):
    email: Email | None = None
    sms: Sms | None = None
    zalo: Zalo | None = None


# -- [messages] (see services/messaging.py, docs/reminders.md) ---------------------------------

class ZaloTemplate(Table):
    id: Annotated[str, BeforeValidator(_id_text)] = Field(description="the ZNS template id")
    params: Annotated[list[Literal[ZNS_PARAMS]], AfterValidator(_unique)] = list(
        ZNS_DEFAULT_PARAMS)


ZaloTemplateRef = Annotated[ZaloTemplate, BeforeValidator(_zalo_template)]
ZaloTemplates = create_model(
    "ZaloTemplates", __base__=Table, **{kind: (ZaloTemplateRef | None, None) for kind in KINDS})


class Imap(Table):
    host: Text(255, required=True) = Field(description='the IMAP server, like "imap.example.vn"')
    port: Port | None = None
    tls: Literal["ssl", "starttls", "none"] = "ssl"
    user: Text(255, required=True) = Field(description="the mailbox's login")
    folder: Text(200, required=True) = "INBOX"
    timeout: Timeout | None = None


class Messages(Table):
    templates_dir: Folder | None = None
    two_way: Annotated[list[Literal["email", "sms", "zalo"]], AfterValidator(_unique)] = [
        "email", "zalo"]
    inbox_dir: Folder | None = None
    lease_minutes: Whole(1, 24 * 60) = 10
    batch: Whole(1, 1000) = 20
    max_attempts: Whole(1, 50) = MAX_ATTEMPTS
    zalo_templates: ZaloTemplates | None = None
    twilio_inbox: bool = False
    imap: Imap | None = None


# -- [printing], [desk] ------------------------------------------------------------------------

class Printing(Table):
    printer: Text(300, required=True) | None = None
    width: Literal[PRINT_WIDTHS] | None = None
    folder: Folder | None = None


class Desk(Table):
    cursor_blink: bool = True


def _email(value: str) -> str:
    """A staff address (an empty one stands for none)."""
    e = value.strip()
    local, at, domain = e.rpartition("@")
    if e and (not at or not local or "." not in domain or " " in e):
        raise Bad(f"not an e-mail address: {value[:60]!r}",
                  f"không phải địa chỉ e-mail: {value[:60]!r}")
    return value


def _facility(value: str) -> str:
    if not re.fullmatch(r"[0-9A-Za-z]{5}", value):
        raise Bad(f"expected the facility's 5-character code (MA_CSKCB: letters and digits), "
                  f"got {value[:20]!r}",
                  f"cần mã cơ sở KBCB 5 ký tự (MA_CSKCB: chữ và số), không phải {value[:20]!r}")
    return value


Email = Annotated[Text(254), AfterValidator(_email)]


class Reports(Table):
    """[reports]: the day's no-show report mailed to the staff (services/noshow_report.py)."""

    staff_email: Email | list[Email] = []
    noshows_daily: bool = True


class His(Table):
    """[his]: the hospital's system hands recall its follow-up slips (docs/his.md). The
    clinics and doctors it names are checked in ``checks.references``."""

    inbox: Folder | None = None
    auto_book: bool = False
    default_clinic: Code | None = None
    scan_seconds: Whole(1, 300) = 20
    settle_seconds: Number(0, 600) = 2.0
    batch: Whole(1, 1000) = 100
    ma_cskcb: Annotated[str, AfterValidator(_facility)] | None = None
    ma_ttdv: Text(10, required=True) | None = None  # MA_TTDV: at most 10 characters
    clinics: dict[str, Code] = {}  # MA_KHOA -> clinic code
    doctors: dict[str, Code] = {}  # MA_BAC_SI -> doctor code


# -- the file -----------------------------------------------------------------------------------

class RecallToml(Table):
    facility: Facility = Facility()
    database: Database = Database()
    booking: Booking = Booking()
    reminders: Reminders = Reminders()
    holidays: Holidays = Holidays()
    clinics: list[Clinic] = []
    doctors: list[Doctor] = []
    templates: list[Template] = []
    closures: list[Closure] = []
    overrides: list[Override] = []
    roles: Roles = Roles()
    keys: Keys = Keys()
    channels: Channels = Channels()
    messages: Messages = Messages()
    printing: Printing = Printing()
    desk: Desk = Desk()
    his: His = His()
    reports: Reports = Reports()
