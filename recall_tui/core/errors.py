"""Errors the domain raises, each with a reason a person can read in both languages.

Entry points turn them into a message (ui) or an exit code (cli):
- ``BadInput``   -> exit 1: a value is malformed; ``field`` names it.
- ``Refused``    -> exit 3: a rule refuses the act (full, closed, duplicate, illegal move).
- ``NotFound``   -> exit 1: the thing named does not exist (bad input from the user's side).
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the rules raise."""

    exit_code = 1

    def __init__(self, code: str, vi: str, en: str | None = None, *, field: str | None = None,
                 details: dict | None = None):
        self.code = code
        self.vi = vi
        self.en = en or vi
        self.field = field
        self.details = details or {}
        super().__init__(self.en)

    def message(self, lang: str = "vi") -> str:
        return self.vi if lang == "vi" else self.en

    def as_dict(self, lang: str = "en") -> dict:
        out = {"code": self.code, "field": self.field, "message": self.message(lang)}
        if self.details:
            out["details"] = self.details
        return out


class BadInput(DomainError):
    exit_code = 1


class NotFound(DomainError):
    exit_code = 1


class Refused(DomainError):
    exit_code = 3


class EnvironmentFailure(DomainError):
    """The environment failed, not the input: exit 4, with what to do about it.

    Raised by the store (and config) in place of driver errors, so nothing above the store
    reads a driver's error text."""

    exit_code = 4


class Unavailable(EnvironmentFailure):
    """The database cannot be reached or opened."""

    def __init__(self, en: str, vi: str | None = None, *, code: str = "db.unavailable",
                 details: dict | None = None):
        super().__init__(code, vi or f"Không mở được cơ sở dữ liệu: {en}", en, details=details)


class NotSetUp(EnvironmentFailure):
    """The database has no recall tables (or not all of them): run ``recall init``."""

    def __init__(self, detail: str = ""):
        super().__init__(
            "db.not_set_up",
            "Cơ sở dữ liệu chưa được khởi tạo: chạy `recall init`.",
            "The database is not set up: run `recall init`.",
            details={"detail": detail} if detail else None)


class Busy(EnvironmentFailure):
    """Another desk or job held the write lock for longer than we wait."""

    def __init__(self, waited_s: float, holder: str = "another desk or job",
                 lock: str = "the write lock", lock_vi: str = "khoá ghi"):
        super().__init__(
            "db.busy",
            f"Cơ sở dữ liệu đang bận ({holder} giữ {lock_vi}) sau {waited_s:.0f} giây chờ; "
            "thử lại sau ít phút.",
            f"The database is busy ({holder} holds {lock}) after waiting "
            f"{waited_s:.0f} s; try again in a few minutes.",
            details={"waited_s": round(waited_s, 1), "holder": holder, "lock": lock})


class DiskFull(EnvironmentFailure):
    """The disk (the database's, or where a file goes) is full: nothing was written."""

    def __init__(self, where: str = "the database"):
        super().__init__(
            "disk.full",
            f"Đĩa đầy ({where}): không ghi gì cả. Giải phóng dung lượng rồi thử lại.",
            f"The disk is full ({where}): nothing was written. Free some space and try again.",
            details={"where": where})
