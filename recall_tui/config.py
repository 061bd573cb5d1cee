"""recall.toml: found, read once, validated with clear errors, and passed down.

Where the file comes from, first match wins: ``--config FILE``, ``RECALL_CONFIG``,
``./recall.toml``, the user's config directory (``~/.config/recall/recall.toml``), else the
built-in defaults. ``RECALL_DATABASE_URL`` beats the file's ``database.url``. Relative
paths are relative to the file. A wrong setting is named with its file and line.

Plain dataclasses and hand-written checks (no pydantic) keep start-up light: the desk app
reads this before its first screen.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .core.calendar import WEEKDAY_NAMES, Closure, DayOverride, Part, SessionTemplate
from .core.reminders import Policy

ROLES = ("desk", "doctor", "manager", "admin")


class ConfigError(Exception):
    """A setting that cannot be used; the message names the file, line and key."""

    def __init__(self, message: str, *, path: Path | None = None, line: int | None = None,
                 key: str | None = None):
        where = ""
        if path is not None:
            where = f"{path}"
            if line:
                where += f":{line}"
            where += ": "
        super().__init__(f"{where}{key + ': ' if key else ''}{message}")
        self.path, self.line, self.key = path, line, key


@dataclass(frozen=True)
class ClinicCfg:
    code: str
    name: str
    public_name: str = ""  # what messages say (never a revealing specialty)
    window_working_days: int = 10
    series_auto_book: bool = False


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
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def clinic(self, code: str) -> ClinicCfg | None:
        return next((c for c in self.clinics if c.code == code), None)


class _Reader:
    """Validates one parsed TOML document, naming file and line on error."""

    def __init__(self, path: Path | None, text: str):
        self.path, self.lines = path, text.splitlines()

    def line_of(self, key: str, *, table: str | None = None, nth: int = 0) -> int | None:
        """Best-effort line of ``key`` (inside the nth ``[[table]]`` or ``[table]``)."""
        start = 0
        if table:
            hits = [i for i, ln in enumerate(self.lines)
                    if re.match(rf"^\s*\[\[?\s*{re.escape(table)}\s*\]\]?\s*(#.*)?$", ln)]
            if len(hits) > nth:
                start = hits[nth]
            elif hits:
                start = hits[-1]
        for i in range(start, len(self.lines)):
            if i > start and table and re.match(r"^\s*\[", self.lines[i]) and key:
                break
            if re.match(rf"^\s*{re.escape(key)}\s*=", self.lines[i]):
                return i + 1
        return start + 1 if table else None

    def fail(self, msg: str, key: str, *, table: str | None = None, nth: int = 0) -> ConfigError:
        leaf = key.rsplit(".", 1)[-1]
        return ConfigError(msg, path=self.path, line=self.line_of(leaf, table=table, nth=nth),
                           key=key)

    # typed getters -----------------------------------------------------------------
    def get(self, d: dict, key: str, kind: type | tuple, default: Any, *, where: str,
            table: str | None = None, nth: int = 0) -> Any:
        if key not in d:
            return default
        value = d[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise self.fail(f"expected {names}, got {value!r}", f"{where}{key}", table=table,
                            nth=nth)
        return value

    def time_(self, d: dict, key: str, default: time | None, *, where: str,
              table: str | None = None, nth: int = 0) -> time | None:
        raw = d.get(key)
        if raw is None:
            return default
        if isinstance(raw, time):
            return raw
        try:
            return time.fromisoformat(str(raw))
        except ValueError:
            raise self.fail(f"expected a time like \"07:30\", got {raw!r}", f"{where}{key}",
                            table=table, nth=nth) from None

    def date_(self, d: dict, key: str, *, where: str, table: str | None = None,
              nth: int = 0, required: bool = True) -> date | None:
        raw = d.get(key)
        if raw is None:
            if required:
                raise self.fail("missing (a date like 2026-12-24)", f"{where}{key}", table=table,
                                nth=nth)
            return None
        if isinstance(raw, date):
            return raw
        try:
            return date.fromisoformat(str(raw))
        except ValueError:
            raise self.fail(f"expected a date like 2026-12-24, got {raw!r}", f"{where}{key}",
                            table=table, nth=nth) from None


def _weekdays(r: _Reader, raw: Any, where: str, table: str, nth: int) -> list[int]:
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for item in items:
        name = str(item).strip().lower()[:3]
        if name not in WEEKDAY_NAMES:
            raise r.fail(f"not a weekday: {item!r} (mon, tue, ... sun)", f"{where}days",
                         table=table, nth=nth)
        out.append(WEEKDAY_NAMES.index(name))
    return out


def parse(text: str, path: Path | None = None, *, env: dict[str, str] | None = None) -> Config:
    env = dict(os.environ) if env is None else env
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"not valid TOML: {exc}", path=path,
                          line=int(m.group(1)) if m else None) from None
    r = _Reader(path, text)
    base = path.parent if path else Path.cwd()

    known = {"facility", "database", "booking", "reminders", "clinics", "doctors", "templates",
             "closures", "overrides", "roles", "keys", "channels", "holidays", "messages",
             "printing", "desk", "reports"}
    for key in data:
        if key not in known:
            raise r.fail(f"unknown setting (known: {', '.join(sorted(known))})", key)

    fac = data.get("facility", {})
    tzname = r.get(fac, "timezone", str, "Asia/Ho_Chi_Minh", where="facility.",
                   table="facility")
    try:
        ZoneInfo(tzname)
    except (ZoneInfoNotFoundError, ValueError):
        raise r.fail(f"unknown time zone {tzname!r}", "facility.timezone",
                     table="facility") from None
    lang = r.get(fac, "language", str, "vi", where="facility.", table="facility")
    if lang not in ("vi", "en"):
        raise r.fail("expected \"vi\" or \"en\"", "facility.language", table="facility")

    db = data.get("database", {})
    url = env.get("RECALL_DATABASE_URL") or r.get(db, "url", str, "", where="database.",
                                                  table="database")
    url = resolve_db_url(url, base)

    booking = data.get("booking", {})
    rem = data.get("reminders", {})
    offsets = r.get(rem, "offsets_days", list, [3, 1], where="reminders.", table="reminders")
    if not all(isinstance(o, int) and 0 < o <= 60 for o in offsets):
        raise r.fail("expected whole days between 1 and 60, like [3, 1]",
                     "reminders.offsets_days", table="reminders")
    hours = r.get(rem, "allowed_hours", list, ["07:00", "21:00"], where="reminders.",
                  table="reminders")
    try:
        a_start, a_end = (time.fromisoformat(str(h)) for h in hours)
    except ValueError:
        raise r.fail("expected two times like [\"07:00\", \"21:00\"]",
                     "reminders.allowed_hours", table="reminders") from None
    if a_end <= a_start:
        raise r.fail("the end is not after the start", "reminders.allowed_hours",
                     table="reminders")
    policy = Policy(
        offsets_days=tuple(offsets),
        send_at=r.time_(rem, "send_at", time(9, 0), where="reminders.", table="reminders"),
        allowed_start=a_start, allowed_end=a_end,
    )

    clinics = []
    for i, c in enumerate(data.get("clinics", [])):
        w = f"clinics[{i}]."
        code = r.get(c, "code", str, None, where=w, table="clinics", nth=i)
        name = r.get(c, "name", str, None, where=w, table="clinics", nth=i)
        if not code or not name:
            raise r.fail("a clinic needs a code and a name", f"{w}code", table="clinics", nth=i)
        clinics.append(ClinicCfg(
            code=code, name=name,
            public_name=r.get(c, "public_name", str, f"Phòng khám {code}", where=w,
                              table="clinics", nth=i),
            window_working_days=r.get(c, "window_working_days", int,
                                      r.get(booking, "window_working_days", int, 10,
                                            where="booking.", table="booking"),
                                      where=w, table="clinics", nth=i),
            series_auto_book=r.get(c, "series_auto_book", bool,
                                   r.get(booking, "series_auto_book", bool, False,
                                         where="booking.", table="booking"),
                                   where=w, table="clinics", nth=i),
        ))
    codes = [c.code for c in clinics]
    if len(set(codes)) != len(codes):
        raise r.fail("two clinics share a code", "clinics.code", table="clinics")

    doctors = []
    for i, d in enumerate(data.get("doctors", [])):
        w = f"doctors[{i}]."
        code = r.get(d, "code", str, None, where=w, table="doctors", nth=i)
        name = r.get(d, "name", str, None, where=w, table="doctors", nth=i)
        if not code or not name:
            raise r.fail("a doctor needs a code and a name", f"{w}code", table="doctors", nth=i)
        dcl = tuple(r.get(d, "clinics", list, [], where=w, table="doctors", nth=i))
        for cc in dcl:
            if cc not in codes:
                raise r.fail(f"unknown clinic {cc!r}", f"{w}clinics", table="doctors", nth=i)
        doctors.append(DoctorCfg(code=code, name=name,
                                 licence=r.get(d, "licence", str, "", where=w, table="doctors",
                                               nth=i), clinics=dcl))
    dcodes = {d.code for d in doctors}

    templates = []
    for i, t in enumerate(data.get("templates", [])):
        w = f"templates[{i}]."
        clinic = r.get(t, "clinic", str, None, where=w, table="templates", nth=i)
        if clinic not in codes:
            raise r.fail(f"unknown clinic {clinic!r}", f"{w}clinic", table="templates", nth=i)
        doctor = r.get(t, "doctor", str, None, where=w, table="templates", nth=i)
        if doctor is not None and doctor not in dcodes:
            raise r.fail(f"unknown doctor {doctor!r}", f"{w}doctor", table="templates", nth=i)
        try:
            part = Part.parse(r.get(t, "part", str, "", where=w, table="templates", nth=i))
        except Exception:
            raise r.fail("expected morning, afternoon or evening", f"{w}part",
                         table="templates", nth=i) from None
        start = r.time_(t, "start", None, where=w, table="templates", nth=i)
        end = r.time_(t, "end", None, where=w, table="templates", nth=i)
        if start is None or end is None or end <= start:
            raise r.fail("needs a start and a later end, like \"07:00\" and \"11:30\"",
                         f"{w}start", table="templates", nth=i)
        cap = r.get(t, "capacity", int, None, where=w, table="templates", nth=i)
        if cap is None or cap <= 0:
            raise r.fail("expected a capacity above 0", f"{w}capacity", table="templates", nth=i)
        over = r.get(t, "overbook", int, 0, where=w, table="templates", nth=i)
        if over < 0:
            raise r.fail("cannot be negative", f"{w}overbook", table="templates", nth=i)
        slot = r.get(t, "slot_minutes", int, None, where=w, table="templates", nth=i)
        if slot is not None and not 5 <= slot <= 240:
            raise r.fail("expected 5 to 240 minutes", f"{w}slot_minutes", table="templates",
                         nth=i)
        for wd in _weekdays(r, t.get("days", []), w, "templates", i):
            templates.append(SessionTemplate(clinic=clinic, weekday=wd, part=part, start=start,
                                             end=end, capacity=cap, overbook_limit=over,
                                             doctor=doctor, slot_minutes=slot))

    closures = []
    for i, c in enumerate(data.get("closures", [])):
        w = f"closures[{i}]."
        start = r.date_(c, "from", where=w, table="closures", nth=i)
        end = r.date_(c, "to", where=w, table="closures", nth=i, required=False) or start
        if end < start:
            raise r.fail("ends before it starts", f"{w}to", table="closures", nth=i)
        clinic = r.get(c, "clinic", str, None, where=w, table="closures", nth=i)
        if clinic is not None and clinic not in codes:
            raise r.fail(f"unknown clinic {clinic!r}", f"{w}clinic", table="closures", nth=i)
        doctor = r.get(c, "doctor", str, None, where=w, table="closures", nth=i)
        if doctor is not None and doctor not in dcodes:
            raise r.fail(f"unknown doctor {doctor!r}", f"{w}doctor", table="closures", nth=i)
        closures.append(Closure(start=start, end=end, clinic=clinic, doctor=doctor,
                                reason=r.get(c, "reason", str, "Nghỉ", where=w,
                                             table="closures", nth=i)))

    overrides = []
    for i, o in enumerate(data.get("overrides", [])):
        w = f"overrides[{i}]."
        day = r.date_(o, "date", where=w, table="overrides", nth=i)
        is_open = r.get(o, "open", bool, True, where=w, table="overrides", nth=i)
        as_wd = o.get("as_weekday")
        clinic = r.get(o, "clinic", str, None, where=w, table="overrides", nth=i)
        if clinic is not None and clinic not in codes:
            raise r.fail(f"unknown clinic {clinic!r}", f"{w}clinic", table="overrides", nth=i)
        overrides.append(DayOverride(
            day=day, open=is_open, clinic=clinic,
            reason=r.get(o, "reason", str, "Làm bù" if is_open else "Nghỉ", where=w,
                         table="overrides", nth=i),
            as_weekday=_weekdays(r, as_wd, w, "overrides", i)[0] if as_wd else None,
        ))

    roles: dict[str, tuple[str, ...]] = {}
    for role, members in data.get("roles", {}).items():
        if role not in ROLES:
            raise r.fail(f"unknown role (known: {', '.join(ROLES)})", f"roles.{role}",
                         table="roles")
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise r.fail("expected a list of logins or \"group:NAME\"", f"roles.{role}",
                         table="roles")
        roles[role] = tuple(members)

    keys = data.get("keys", {})
    if not all(isinstance(v, str) for v in keys.values()):
        raise r.fail("expected key names as text, like \"f2\" or \"ctrl+b\"", "keys",
                     table="keys")

    grace = r.get(booking, "no_show_grace_minutes", int, 60, where="booking.", table="booking")
    if not 0 <= grace <= 24 * 60:
        raise r.fail("expected 0 to 1440 minutes", "booking.no_show_grace_minutes",
                     table="booking")
    prefix = r.get(booking, "mrn_prefix", str, "RC", where="booking.", table="booking")
    if not re.fullmatch(r"[A-Z]{1,4}", prefix):
        raise r.fail("expected 1 to 4 capital letters", "booking.mrn_prefix", table="booking")

    return Config(
        path=path,
        facility_name=r.get(fac, "name", str, "Phòng khám", where="facility.", table="facility"),
        facility_address=r.get(fac, "address", str, "", where="facility.", table="facility"),
        facility_phone=r.get(fac, "phone", str, "", where="facility.", table="facility"),
        reply_hint=r.get(fac, "reply_hint", str, "", where="facility.", table="facility"),
        timezone=tzname, language=lang, database_url=url,
        clinics=tuple(clinics), doctors=tuple(doctors), templates=tuple(templates),
        closures=tuple(closures), overrides=tuple(overrides),
        observe_holidays=r.get(data.get("holidays", {}), "observe", bool, True,
                               where="holidays.", table="holidays"),
        late_cancel_hours=r.get(booking, "late_cancel_hours", float, 24.0, where="booking.",
                                table="booking"),
        no_show_grace_minutes=grace, mrn_prefix=prefix, reminders=policy, roles=roles,
        keys=dict(keys), channels=dict(data.get("channels", {})), raw=data,
        cursor_blink=r.get(data.get("desk", {}), "cursor_blink", bool, True, where="desk.",
                           table="desk"),
    )


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


DEFAULT_TEXT = (Path(__file__).parent / "default.toml")


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
            raise ConfigError("no such file", path=chosen)
    else:
        chosen = next((p for p in default_path_candidates(env) if p.is_file()), None)
    if chosen is None:
        cfg = parse(DEFAULT_TEXT.read_text(encoding="utf-8"), None, env=env)
        if not cfg.database_url:
            data_home = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
            db = Path(data_home) / "recall" / "recall.db"
            cfg = _with_url(cfg, f"sqlite:///{db}")
        return cfg
    try:
        text = chosen.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", path=chosen) from None
    cfg = parse(text, chosen.resolve(), env=env)
    if not cfg.database_url:
        cfg = _with_url(cfg, f"sqlite:///{(chosen.resolve().parent / 'recall.db')}")
    return cfg


def _with_url(cfg: Config, url: str) -> Config:
    from dataclasses import replace

    return replace(cfg, database_url=url)
