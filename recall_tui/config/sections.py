"""The validated ``[his]``, ``[reports]`` and ``[messages]`` tables as the services read
them: plain frozen values, paths made absolute against the file's folder, codes in upper
case. Checked once, by the schema (``schema.His``, ``schema.Reports``, ``schema.Messages``)
and the checks between tables (``checks.references``: the clinics and doctors they name);
a service never reads these tables from the raw file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from ..core.messages_text import KINDS
from ..core.outbox_rules import MAX_ATTEMPTS

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class HisSettings:
    """``[his]``: how the hospital's system hands recall its follow-up slips (docs/his.md)."""

    inbox: Path | None = None  # the drop folder the daemon watches
    auto_book: bool = False  # book each new order at once
    default_clinic: str | None = None  # when no MA_KHOA of the visit is mapped
    scan_seconds: int = 20
    settle_seconds: float = 2.0  # a file this young may still be being written
    batch: int = 100  # files per transaction
    ma_cskcb: str | None = None  # our facility code (recall export xml14)
    ma_ttdv: str | None = None  # the signer's code (recall export xml14)
    clinics: Mapping[str, str] = field(default_factory=lambda: _EMPTY)  # MA_KHOA -> clinic
    doctors: Mapping[str, str] = field(default_factory=lambda: _EMPTY)  # MA_BAC_SI -> doctor

    @property
    def done(self) -> Path | None:
        return self.inbox / "done" if self.inbox else None

    @property
    def failed(self) -> Path | None:
        return self.inbox / "failed" if self.inbox else None


@dataclass(frozen=True)
class ReportSettings:
    """``[reports]``: the day's no-show report mailed to the staff."""

    staff_email: tuple[str, ...] = ()  # empty: no staff address set
    noshows_daily: bool = True


@dataclass(frozen=True)
class ImapSettings:
    """``[messages.imap]``: the mailbox replies to our e-mails are read from."""

    host: str
    user: str
    tls: str = "ssl"  # ssl | starttls | none
    port: int | None = None  # default: 993 (ssl), else 143
    folder: str = "INBOX"
    timeout: float | None = None


@dataclass(frozen=True)
class MessageSettings:
    """``[messages]``: how the outbox sends and what replies are read (docs/reminders.md)."""

    templates_dir: Path | None = None  # the clinic's message templates
    two_way: frozenset[str] = frozenset({"email", "zalo"})  # channels a patient can answer by
    inbox_dir: Path | None = None  # replies dropped as files
    lease_minutes: int = 10
    batch: int = 20
    max_attempts: int = MAX_ATTEMPTS
    # message kind -> (ZNS template id, its parameters in order)
    zalo_templates: Mapping[str, tuple[str, tuple[str, ...]]] = field(
        default_factory=lambda: MappingProxyType({}))
    twilio_inbox: bool = False
    imap: ImapSettings | None = None


def _folder(value: str | None, base: Path) -> Path | None:
    if value is None:
        return None
    path = Path(value.strip()).expanduser()
    return path if path.is_absolute() else base / path


def his(table, base: Path) -> HisSettings:
    """``[his]`` of a validated document (``schema.His``)."""
    return HisSettings(
        inbox=_folder(table.inbox, base), auto_book=table.auto_book,
        default_clinic=table.default_clinic.upper() if table.default_clinic else None,
        scan_seconds=table.scan_seconds, settle_seconds=float(table.settle_seconds),
        batch=table.batch, ma_cskcb=table.ma_cskcb, ma_ttdv=table.ma_ttdv,
        clinics=MappingProxyType({k.strip(): v.upper() for k, v in table.clinics.items()}),
        doctors=MappingProxyType({k.strip(): v.upper() for k, v in table.doctors.items()}))


def reports(table) -> ReportSettings:
    """``[reports]`` of a validated document (``schema.Reports``)."""
    emails = [table.staff_email] if isinstance(table.staff_email, str) else table.staff_email
    return ReportSettings(staff_email=tuple(e.strip() for e in emails if e.strip()),
                          noshows_daily=table.noshows_daily)


def messages(table, base: Path) -> MessageSettings:
    """``[messages]`` of a validated document (``schema.Messages``)."""
    zt = table.zalo_templates
    zalo = {} if zt is None else {
        kind: (t.id, tuple(t.params)) for kind in KINDS if (t := getattr(zt, kind)) is not None}
    imap = None
    if table.imap is not None:
        i = table.imap
        imap = ImapSettings(host=i.host, user=i.user, tls=i.tls, port=i.port, folder=i.folder,
                            timeout=i.timeout)
    return MessageSettings(
        templates_dir=_folder(table.templates_dir, base), two_way=frozenset(table.two_way),
        inbox_dir=_folder(table.inbox_dir, base), lease_minutes=table.lease_minutes,
        batch=table.batch, max_attempts=table.max_attempts,
        zalo_templates=MappingProxyType(zalo), twilio_inbox=table.twilio_inbox, imap=imap)
