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
