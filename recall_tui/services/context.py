"""What every use case needs: the database, the configuration, the calendar, the actor."""

from __future__ import annotations

import contextlib
import getpass
import grp
import os
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from ..config import Config
from ..core.calendar import Calendar, YearlyHolidays
from ..core.errors import BadInput, NotFound, Refused
from ..core.text import excerpt
from ..store import clinics as clinic_repo
from ..store.database import Database
from ..store.holiday_cache import vietnam_year_cached


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers): the uid says who
        return f"uid{os.getuid()}"


@dataclass
class Context:
    cfg: Config
    db: Database
    actor: str = field(default_factory=current_user)

    @cached_property
    def tz(self) -> ZoneInfo:
        return self.cfg.tz

    @cached_property
    def calendar(self) -> Calendar:
        return Calendar(templates=list(self.cfg.templates), closures=list(self.cfg.closures),
                        overrides=list(self.cfg.overrides), holidays=YearlyHolidays(source=vietnam_year_cached),
                        observe_holidays=self.cfg.observe_holidays)

    def today(self, now: datetime) -> date:
        return now.astimezone(self.tz).date()

    # -- ids ----------------------------------------------------------------------------
    @cached_property
    def _ids(self) -> tuple[dict[str, int], dict[str, int]]:
        with self.db.read() as conn:
            return clinic_repo.ids(conn)

    def clinic_id(self, code: str, *, field_name: str = "clinic") -> int:
        cid = self._ids[0].get((code or "").strip().upper()) or self._ids[0].get(code)
        if cid is None:
            known = ", ".join(c.code for c in self.cfg.clinics) or "none"
            raise NotFound("clinic.unknown", f"Không có phòng khám {excerpt(code)} (có: {known}).",
                           f"No clinic {excerpt(code)} (known: {known}).", field=field_name)
        return cid

    def clinic_code(self, cid: int) -> str:
        return next(code for code, i in self._ids[0].items() if i == cid)

    def doctor_id(self, code: str | None, *, field_name: str = "doctor") -> int | None:
        if not code:
            return None
        did = self._ids[1].get(code.strip().upper()) or self._ids[1].get(code)
        if did is None:
            known = ", ".join(d.code for d in self.cfg.doctors) or "none"
            raise NotFound("doctor.unknown", f"Không có bác sĩ {excerpt(code)} (có: {known}).",
                           f"No doctor {excerpt(code)} (known: {known}).", field=field_name)
        return did

    def doctor_code(self, did: int | None) -> str | None:
        if did is None:
            return None
        return next(code for code, i in self._ids[1].items() if i == did)

    def forget_ids(self) -> None:
        self.__dict__.pop("_ids", None)

    # -- roles -------------------------------------------------------------------------------
    def roles(self) -> set[str]:
        """The actor's roles. With no [roles] in recall.toml, everyone may do everything."""
        if not self.cfg.roles:
            return {"desk", "doctor", "manager", "admin"}
        try:
            groups = {g.gr_name for g in grp.getgrall() if self.actor in g.gr_mem}
        except Exception:
            groups = set()
        out = set()
        for role, members in self.cfg.roles.items():
            for m in members:
                if m == "*" or m == self.actor or (m.startswith("group:") and m[6:] in groups):
                    out.add(role)
        if "admin" in out:
            out |= {"desk", "doctor", "manager"}
        if "manager" in out:
            out.add("desk")
        return out

    def require(self, role: str, what_vi: str, what_en: str) -> None:
        if role not in self.roles():
            raise Refused("role.missing", f"Cần quyền {role} để {what_vi}.",
                          f"Only a {role} may {what_en}.", details={"actor": self.actor})


def require_reason(value: str | None, *, vi: str = "Cần ghi lý do.",
                   en: str = "A reason is needed.") -> str:
    """A reason a person must give (cancel, undo, withdraw, close a session): cleaned as
    text entering the system, and not empty."""
    from ..core.text import clean

    why = clean(value, "reason")
    if not why:
        raise BadInput("reason.missing", vi, en, field="reason")
    return why


@contextlib.contextmanager
def writing(ctx: Context, within=None):
    """The write transaction a use case runs in: its own, or the caller's (``within``), so
    that one use case can be a step of another (the inbox cancels, the call list books, a
    closed session moves) and everything commits or rolls back together."""
    if within is not None:
        yield within
        return
    with ctx.db.write() as conn:
        yield conn


def open_context(cfg: Config, *, light: bool = False, actor: str | None = None,
                 on_wait=None) -> Context:
    """The context of an entry point: its database opened from the configuration
    (``light``: a desk's small pool and caches; ``on_wait``: called once when a write
    waits for another desk's lock)."""
    kw = {"actor": actor} if actor else {}
    return Context(cfg=cfg, db=Database(cfg.database_url, light=light, on_wait=on_wait), **kw)
