"""Checks of recall.toml that one table alone cannot make: secrets written in the file,
references between tables (a template's clinic and doctor), times in order, key bindings
that clash. Each problem names the setting's path, for its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import keys as desk_keys
from .problems import Problem
from .schema import RecallToml

# Key names that hold a secret, compared without case, "-" or "_".
_SECRET_NAMES = frozenset({"password", "passwd", "pwd", "pass", "secret", "token", "apikey",
                           "secretkey", "accesstoken", "authtoken", "refreshtoken",
                           "clientsecret", "privatekey", "apisecret", "credentials"})
_SECRET_ENDINGS = ("password", "secret", "token", "apikey", "secretkey")
_PLACEHOLDER = "{key}"  # the HTTP SMS gateway's key, filled from RECALL_SMS_HTTP_KEY


def is_secret_name(key: str) -> bool:
    name = re.sub(r"[^a-z0-9]", "", key.lower())
    return name in _SECRET_NAMES or name.endswith(_SECRET_ENDINGS)


def secrets(data: Mapping[str, Any]) -> list[Problem]:
    """Every secret written in the file: they come from the environment, never from here."""
    out = []
    for path, value in _walk(data, ()):
        key = path[-1]
        if not isinstance(key, str) or not is_secret_name(key):
            continue
        if path[:2] == ("channels", "sms") and isinstance(value, str) and _PLACEHOLDER in value:
            continue  # a gateway's parameter filled with the key from the environment
        out.append(_secret_problem(path, _secret_home(data, path)))
    sms = (data.get("channels") or {}).get("sms") if isinstance(data.get("channels"), Mapping) \
        else None
    if isinstance(sms, Mapping):
        out += _secrets_in_gateway(sms)
    url = (data.get("database") or {}).get("url") if isinstance(data.get("database"), Mapping) \
        else None
    if isinstance(url, str) and _url_password(url):
        out.append(_secret_problem(("database", "url"), "RECALL_DATABASE_URL (the whole URL), "
                                   "or PGPASSWORD or ~/.pgpass for the password alone"))
    return out


def _walk(node: Any, path: tuple) -> Iterator[tuple[tuple, Any]]:
    if isinstance(node, Mapping):
        for k, v in node.items():
            yield path + (k,), v
            yield from _walk(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, path + (i,))


def _secret_home(data: Mapping, path: tuple) -> str:
    """The environment variable that holds what this key tried to hold."""
    name = re.sub(r"[^a-z0-9]", "", str(path[-1]).lower())
    if path[:2] == ("channels", "email"):
        return "RECALL_SMTP_PASSWORD (or the keyring: service \"recall\", the user name)"
    if path[:2] == ("channels", "sms"):
        sms = data["channels"]["sms"]
        provider = sms.get("provider") if isinstance(sms, Mapping) else None
        if provider == "esms":
            return "RECALL_ESMS_SECRET_KEY" if "secret" in name else "RECALL_ESMS_API_KEY"
        if provider == "speedsms":
            return "RECALL_SPEEDSMS_TOKEN"
        if provider == "twilio":
            return "RECALL_TWILIO_AUTH_TOKEN"
        if provider == "http":
            return "RECALL_SMS_HTTP_KEY (and write {key} where the gateway wants it)"
        return ("the provider's variable: RECALL_ESMS_API_KEY / RECALL_ESMS_SECRET_KEY, "
                "RECALL_SPEEDSMS_TOKEN, RECALL_TWILIO_AUTH_TOKEN or RECALL_SMS_HTTP_KEY")
    if path[:2] == ("channels", "zalo"):
        if "refresh" in name:
            return "RECALL_ZALO_REFRESH_TOKEN"
        if "access" in name:
            return "RECALL_ZALO_ACCESS_TOKEN"
        return "RECALL_ZALO_SECRET_KEY"
    if path[:2] == ("messages", "imap"):
        return "RECALL_IMAP_PASSWORD"
    if path[:1] == ("database",):
        return "RECALL_DATABASE_URL, or PGPASSWORD or ~/.pgpass"
    return ""


def _secret_problem(path: tuple, home: str) -> Problem:
    where = f"set {home} in the environment" if home else "set it in the environment"
    where_vi = f"đặt {home} trong biến môi trường" if home else "đặt trong biến môi trường"
    return Problem(path, f"a secret does not belong in this file (whoever reads the file "
                         f"reads it): remove it and {where}",
                   f"không ghi bí mật trong tệp này (ai đọc được tệp là đọc được nó): "
                   f"xoá đi và {where_vi}")


def _secrets_in_gateway(sms: Mapping) -> list[Problem]:
    """A key written into the HTTP gateway's URL or Authorization header, not {key}."""
    out = []
    url = sms.get("url")
    if isinstance(url, str):
        query = urlsplit(url).query if "?" in url else ""
        for name, value in parse_qsl(query, keep_blank_values=True):
            if is_secret_name(name) and value and "{" not in value:
                out.append(_secret_problem(("channels", "sms", "url"),
                                           f"RECALL_SMS_HTTP_KEY and write {name}={{key}}"))
                break
        if _url_password(url):
            out.append(_secret_problem(("channels", "sms", "url"), "RECALL_SMS_HTTP_KEY"))
    headers = sms.get("headers")
    if isinstance(headers, Mapping):
        for name, value in headers.items():
            if str(name).lower() in ("authorization", "proxy-authorization") and \
                    isinstance(value, str) and _PLACEHOLDER not in value:
                out.append(_secret_problem(("channels", "sms", "headers", name),
                                           f"RECALL_SMS_HTTP_KEY and write {name} = "
                                           f"\"... {{key}}\""))
    return out


def _url_password(url: str) -> bool:
    try:
        return bool(urlsplit(url).password)
    except ValueError:
        return False


# -- between tables -----------------------------------------------------------------------------

def references(doc: RecallToml) -> list[Problem]:
    out: list[Problem] = []

    def bad(path: tuple, en: str, vi: str) -> None:
        out.append(Problem(path, en, vi))

    clinics: dict[str, int] = {}
    for i, c in enumerate(doc.clinics):
        key = c.code.upper()
        if key in clinics:
            bad(("clinics", i, "code"), f"two clinics have the code {c.code!r} "
                f"(clinics[{clinics[key]}] too)", f"hai phòng khám cùng mã {c.code!r}")
        clinics.setdefault(key, i)
    doctors: dict[str, int] = {}
    for i, d in enumerate(doc.doctors):
        key = d.code.upper()
        if key in doctors:
            bad(("doctors", i, "code"), f"two doctors have the code {d.code!r} "
                f"(doctors[{doctors[key]}] too)", f"hai bác sĩ cùng mã {d.code!r}")
        doctors.setdefault(key, i)
        for cc in d.clinics:
            if cc.upper() not in clinics:
                bad(("doctors", i, "clinics"), f"unknown clinic {cc!r} ({_known(clinics)})",
                    f"không có phòng khám {cc!r} ({_known(clinics)})")
    by_code = {d.code.upper(): d for d in doc.doctors}

    def clinic_known(path: tuple, code: str | None) -> bool:
        if code is not None and code.upper() not in clinics:
            bad(path, f"unknown clinic {code!r} ({_known(clinics)})",
                f"không có phòng khám {code!r} ({_known(clinics)})")
            return False
        return True

    def doctor_known(path: tuple, code: str | None) -> bool:
        if code is not None and code.upper() not in doctors:
            bad(path, f"unknown doctor {code!r} ({_known(doctors)})",
                f"không có bác sĩ {code!r} ({_known(doctors)})")
            return False
        return True

    sessions: dict[tuple, int] = {}
    for i, t in enumerate(doc.templates):
        here = ("templates", i)
        ok = clinic_known(here + ("clinic",), t.clinic)
        if doctor_known(here + ("doctor",), t.doctor) and ok and t.doctor is not None:
            d = by_code[t.doctor.upper()]
            if t.clinic.upper() not in {c.upper() for c in d.clinics}:
                works = ", ".join(d.clinics) or "no clinic"
                bad(here + ("doctor",), f"{d.code} does not work in {t.clinic} (works in: "
                    f"{works}; see doctors[{doctors[d.code.upper()]}].clinics)",
                    f"{d.code} không làm ở {t.clinic} (làm ở: {works})")
        if t.end <= t.start:
            bad(here + ("end",), f"ends at {t.end:%H:%M}, not after it starts "
                f"({t.start:%H:%M})", f"giờ kết thúc {t.end:%H:%M} không sau giờ bắt đầu "
                f"{t.start:%H:%M}")
        elif t.slot_minutes is not None:
            length = (t.end.hour * 60 + t.end.minute) - (t.start.hour * 60 + t.start.minute)
            if t.slot_minutes > length:
                bad(here + ("slot_minutes",), f"longer than the session ({length} minutes)",
                    f"dài hơn buổi khám ({length} phút)")
        for wd in t.days:
            key = (t.clinic.upper(), wd, t.part, (t.doctor or "").upper())
            if key in sessions:
                bad(here + ("days",), f"templates[{sessions[key]}] already holds this "
                    f"session ({t.clinic}, {_WEEKDAYS[wd]}, {t.part.value}"
                    f"{', ' + t.doctor if t.doctor else ''})",
                    f"templates[{sessions[key]}] đã có buổi khám này")
                break
            sessions[key] = i
    for i, c in enumerate(doc.closures):
        here = ("closures", i)
        clinic_known(here + ("clinic",), c.clinic)
        doctor_known(here + ("doctor",), c.doctor)
        if c.end is not None and c.end < c.start:
            bad(here + ("to",), f"ends ({c.end}) before it starts ({c.start})",
                f"kết thúc ({c.end}) trước khi bắt đầu ({c.start})")
    for i, o in enumerate(doc.overrides):
        here = ("overrides", i)
        clinic_known(here + ("clinic",), o.clinic)
        if o.as_weekday is not None and not o.open:
            bad(here + ("as_weekday",), "only for a day that opens (open = true)",
                "chỉ dùng cho ngày mở cửa (open = true)")
    his = doc.his
    clinic_known(("his", "default_clinic"), his.default_clinic)
    for khoa, code in his.clinics.items():
        clinic_known(("his", "clinics", khoa), code)
    for licence, code in his.doctors.items():
        doctor_known(("his", "doctors", licence), code)
    hours = doc.reminders.allowed_hours
    if len(hours) != 2:
        bad(("reminders", "allowed_hours"), 'expected two times, like ["07:00", "21:00"]',
            'cần hai giờ, như ["07:00", "21:00"]')
    elif hours[1] <= hours[0]:
        bad(("reminders", "allowed_hours"), "the end is not after the start",
            "giờ cuối không sau giờ đầu")
    sms = doc.channels.sms
    if sms is not None and sms.provider == "twilio" and not (sms.from_ or
                                                             sms.messaging_service_sid):
        bad(("channels", "sms", "from"), "missing: the Twilio number (or "
            "messaging_service_sid)", "thiếu: số Twilio (hoặc messaging_service_sid)")
    if doc.messages.twilio_inbox and (sms is None or sms.provider != "twilio"):
        bad(("messages", "twilio_inbox"), 'needs [channels.sms] provider = "twilio"',
            'cần [channels.sms] provider = "twilio"')
    out += key_clashes(doc)
    return out


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _known(codes: Mapping[str, int]) -> str:
    return "known: " + (", ".join(codes) if codes else "none")


def key_clashes(doc: RecallToml) -> list[Problem]:
    remap = doc.keys.model_dump(by_alias=True, exclude_none=True)
    out = []
    for bid, key, other in desk_keys.clashes(remap):
        where = desk_keys.describe_scope(other if desk_keys.BINDINGS[bid][0] ==
                                         desk_keys.APP else bid)
        out.append(Problem(("keys", bid), f"{key!r} is also the key of {other!r} on {where} "
                           f"(two actions on one key; move {other!r} too)",
                           f"{key!r} đã là phím của {other!r} (hai việc trên một phím)"))
    return out
