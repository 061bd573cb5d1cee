"""recall.toml: found, read once, validated with clear errors, and passed down.

Where the file comes from, first match wins: ``--config FILE``, ``RECALL_CONFIG``,
``./recall.toml``, the user's config directory (``~/.config/recall/recall.toml``), else the
built-in defaults. ``RECALL_DATABASE_URL`` beats the file's ``database.url``. Relative
paths are relative to the file.

Every table and key is checked (``schema``: pydantic models that refuse unknown keys;
``checks``: secrets in the file, references between tables, clashing keys). A wrong setting
is named with its file, line and key (``locate``), all of them at once. The rest of recall
sees plain frozen dataclasses (``Config``, with ``[his]``, ``[reports]`` and ``[messages]``
as ``sections``) and the core's values, never the models.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..core.calendar import Closure, DayOverride, SessionTemplate
from ..core.reminders import Policy
from . import sections
from .sections import HisSettings, ImapSettings, MessageSettings, ReportSettings

__all__ = ["ClinicCfg", "Config", "ConfigError", "DoctorCfg", "HisSettings", "ImapSettings",
           "MessageSettings", "ReportSettings", "load", "parse"]

ROLES = ("desk", "doctor", "manager", "admin")
MAX_SHOWN = 20  # problems listed in one error; more are counted


class ConfigError(Exception):
    """A setting that cannot be used; the message names the file, line and key
    (``FILE:LINE: key: message``). ``more`` holds the file's other problems, each a
    ConfigError; they follow the first in the message, one a line."""

    def __init__(self, message: str, *, path: Path | None = None, line: int | None = None,
                 key: str | None = None, more: tuple[ConfigError, ...] = ()):
        self.path, self.line, self.key, self.message = path, line, key, message
        self.more = tuple(more)
        text = self.where() + message
        if more:
            text += "".join(f"\n{m}" for m in more[:MAX_SHOWN - 1])
            if len(more) > MAX_SHOWN - 1:
                text += f"\n… and {len(more) - MAX_SHOWN + 1} more"
        super().__init__(text)

    def where(self) -> str:
        out = ""
        if self.path is not None:
            out = f"{self.path}{':' + str(self.line) if self.line else ''}: "
        return out + (f"{self.key}: " if self.key else "")

    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class ClinicCfg:
    code: str
    name: str
    public_name: str = ""  # what messages say (never a revealing specialty)
    window_working_days: int = 10
    series_auto_book: bool = False
    walk_ins: bool = False  # today's session stays open for walk-ins after it starts
    where: str = ""  # "where to go" on the slip: room, building


@dataclass(frozen=True)
class DoctorCfg:
    code: str
    name: str
    licence: str = ""
    clinics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    path: Path | None
    facility_name: str = "Phòng khám"
    facility_address: str = ""
    facility_phone: str = ""
    reply_hint: str = ""
    timezone: str = "Asia/Ho_Chi_Minh"
    language: str = "vi"
    database_url: str = ""
    clinics: tuple[ClinicCfg, ...] = ()
    doctors: tuple[DoctorCfg, ...] = ()
    templates: tuple[SessionTemplate, ...] = ()
    closures: tuple[Closure, ...] = ()
    overrides: tuple[DayOverride, ...] = ()
    observe_holidays: bool = True
    late_cancel_hours: float = 24.0
    no_show_grace_minutes: int = 60
    mrn_prefix: str = "RC"
    reminders: Policy = Policy()
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    cursor_blink: bool = True  # [desk] cursor_blink: false saves a redraw twice a second
    channels: dict[str, Any] = field(default_factory=dict)
    his: HisSettings = HisSettings()  # [his]
    reports: ReportSettings = ReportSettings()  # [reports]
    messages: MessageSettings = MessageSettings()  # [messages]
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def clinic(self, code: str) -> ClinicCfg | None:
        return next((c for c in self.clinics if c.code == code), None)


def parse(text: str, path: Path | None = None, *, env: dict[str, str] | None = None) -> Config:
    """The configuration in ``text`` (the contents of ``path``), or a ConfigError naming
    every wrong setting with its line."""
    env = dict(os.environ) if env is None else env
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"not valid TOML: {exc}", path=path,
                          line=int(m.group(1)) if m else None) from None
    from . import validate

    doc = validate.document(data, text, path, error=ConfigError)
    base = path.parent if path else Path.cwd()
    url = resolve_db_url(env.get("RECALL_DATABASE_URL") or doc.database.url, base)
    return build(doc, data, path=path, database_url=url)


def build(doc, data: dict[str, Any], *, path: Path | None, database_url: str) -> Config:
    """The Config of a validated document (``schema.RecallToml``)."""
    booking = doc.booking
    clinics = tuple(ClinicCfg(
        code=c.code, name=c.name, public_name=c.public_name or f"Phòng khám {c.code}",
        window_working_days=(c.window_working_days if c.window_working_days is not None
                             else booking.window_working_days),
        series_auto_book=(c.series_auto_book if c.series_auto_book is not None
                          else booking.series_auto_book),
        walk_ins=c.walk_ins, where=c.where) for c in doc.clinics)
    doctors = tuple(DoctorCfg(code=d.code, name=d.name, licence=d.licence,
                              clinics=tuple(d.clinics)) for d in doc.doctors)
    templates = tuple(
        SessionTemplate(clinic=t.clinic, weekday=wd, part=t.part, start=t.start, end=t.end,
                        capacity=t.capacity, overbook_limit=t.overbook, doctor=t.doctor,
                        slot_minutes=t.slot_minutes)
        for t in doc.templates for wd in t.days)
    closures = tuple(Closure(start=c.start, end=c.end or c.start, clinic=c.clinic,
                             doctor=c.doctor, reason=c.reason) for c in doc.closures)
    overrides = tuple(DayOverride(
        day=o.day, open=o.open, clinic=o.clinic,
        reason=o.reason if o.reason is not None else ("Làm bù" if o.open else "Nghỉ"),
        as_weekday=o.as_weekday) for o in doc.overrides)
    rem = doc.reminders
    base = path.parent if path else Path.cwd()  # relative folders are the file's
    policy = Policy(offsets_days=tuple(rem.offsets_days), send_at=rem.send_at,
                    allowed_start=rem.allowed_hours[0], allowed_end=rem.allowed_hours[1])
    roles = {role: tuple(members) for role in ROLES
             if (members := getattr(doc.roles, role)) is not None}
    return Config(
        path=path, facility_name=doc.facility.name, facility_address=doc.facility.address,
        facility_phone=doc.facility.phone, reply_hint=doc.facility.reply_hint,
        timezone=doc.facility.timezone, language=doc.facility.language,
        database_url=database_url, clinics=clinics, doctors=doctors, templates=templates,
        closures=closures, overrides=overrides, observe_holidays=doc.holidays.observe,
        late_cancel_hours=booking.late_cancel_hours,
        no_show_grace_minutes=booking.no_show_grace_minutes, mrn_prefix=booking.mrn_prefix,
        reminders=policy, roles=roles,
        keys=doc.keys.model_dump(by_alias=True, exclude_none=True),
        cursor_blink=doc.desk.cursor_blink, channels=dict(data.get("channels", {})),
        his=sections.his(doc.his, base), reports=sections.reports(doc.reports),
        messages=sections.messages(doc.messages, base), raw=data)


def resolve_db_url(url: str, base: Path) -> str:
    """A bare path or a relative sqlite URL, made absolute against the config's folder."""
    if not url:
        return ""
    if "://" not in url:
        return f"sqlite:///{(base / url).resolve()}"
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        rest = url[len("sqlite:///"):]
        if rest and rest != ":memory:":
            return f"sqlite:///{(base / rest).resolve()}"
    return url


DEFAULT_TEXT = Path(__file__).resolve().parent.parent / "default.toml"


def default_path_candidates(env: dict[str, str]) -> list[Path]:
    out = [Path.cwd() / "recall.toml"]
    xdg = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    out.append(Path(xdg) / "recall" / "recall.toml")
    return out


def load(explicit: str | os.PathLike | None = None, *,
         env: dict[str, str] | None = None) -> Config:
    """The configuration, from the first place that has one (see the module docstring)."""
    env = dict(os.environ) if env is None else env
    chosen: Path | None = None
    if explicit:
        chosen = Path(explicit)
    elif env.get("RECALL_CONFIG"):
        chosen = Path(env["RECALL_CONFIG"])
    if chosen is not None:
        if not chosen.is_file():
            raise ConfigError("no such file" if not chosen.exists() else "not a file",
                              path=chosen)
    else:
        chosen = next((p for p in default_path_candidates(env) if p.is_file()), None)
    if chosen is None:
        cfg = parse(DEFAULT_TEXT.read_text(encoding="utf-8"), None, env=env)
        if not cfg.database_url:
            data_home = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
            db = Path(data_home) / "recall" / "recall.db"
            cfg = replace(cfg, database_url=f"sqlite:///{db}")
        return cfg
    try:
        text = chosen.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", path=chosen) from None
    cfg = parse(text, chosen.resolve(), env=env)
    if not cfg.database_url:
        cfg = replace(cfg, database_url=f"sqlite:///{(chosen.resolve().parent / 'recall.db')}")
    return cfg
