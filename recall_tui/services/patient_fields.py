"""A patient's details as typed at the desk or on the command line, checked by one pydantic
model: each wrong value is a ``BadInput`` naming its field, in both languages.

Only the fields given are checked and returned (an edit changes what it names). Text goes
through ``core.text.clean`` (NFC, control characters refused, a length limit per field).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from ..core import text
from ..core.calendar import Part
from ..core.contact import Channel
from ..core.errors import BadInput
from ..core.text import excerpt

# An address as a person types it: the local part in RFC 5322's atoms (dots between), a
# domain of letter/digit/hyphen labels (any script) ending in a TLD of letters. Markup,
# quotes, brackets and spaces are refused (``<script>@x.vn`` is not an address).
EMAIL_RE = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                      r"@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63}$")
LANGS = ("vi", "en")
SEXES = ("M", "F", "O")
CHANNELS = tuple(c.value for c in Channel)
FIRST_BIRTH_YEAR = 1880


class PatientFields(BaseModel):
    """The optional details of a patient (validate with ``context={"today": date}``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: str | None = None
    language: str | None = None
    sex: str | None = None
    birth_date: date | None = None
    birth_year: int | None = None
    channels: list[str] | None = None
    consent: dict[str, bool] | None = None
    parts: list[str] | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        v = text.clean(v, "email") or None if v is not None else None
        if v and not EMAIL_RE.match(v):
            raise BadInput("email.invalid", f"Email không hợp lệ: {excerpt(v)}.",
                           f"Not an e-mail address: {excerpt(v)}.", field="email")
        return v

    @field_validator("language")
    @classmethod
    def _language(cls, v: str | None) -> str | None:
        if v is not None and v not in LANGS:
            raise BadInput("language.invalid", "Ngôn ngữ phải là vi hoặc en.",
                           "Language must be vi or en.", field="language")
        return v

    @field_validator("sex")
    @classmethod
    def _sex(cls, v: str | None) -> str | None:
        if v is None:
            return None
        s = v.strip().upper()[:1] or None
        if s not in (None, *SEXES):
            raise BadInput("sex.invalid", "Giới tính: M (nam), F (nữ) hoặc O.",
                           "Sex must be M, F or O.", field="sex")
        return s

    @field_validator("birth_date")
    @classmethod
    def _birth_date(cls, v: date | None, info: ValidationInfo) -> date | None:
        today = (info.context or {}).get("today") or date.today()
        if v is not None and (v > today or v.year < FIRST_BIRTH_YEAR):
            raise BadInput("birth_date.invalid", "Ngày sinh không hợp lệ.",
                           "The birth date is not plausible.", field="birth_date")
        return v

    @field_validator("birth_year")
    @classmethod
    def _birth_year(cls, v: int | None, info: ValidationInfo) -> int | None:
        today = (info.context or {}).get("today") or date.today()
        if v is not None and not FIRST_BIRTH_YEAR <= v <= today.year:
            raise BadInput("birth_year.invalid", "Năm sinh không hợp lệ.",
                           "The birth year is not plausible.", field="birth_year")
        return v

    @field_validator("channels", mode="before")
    @classmethod
    def _channels(cls, v: Any) -> list[str] | None:
        if v is None:
            return None
        out = []
        for c in v:
            c = str(c).strip().lower()
            if c not in CHANNELS:
                raise BadInput("channel.invalid",
                               f"Kênh không hợp lệ: {excerpt(c)} (zalo, sms, email).",
                               f"Unknown channel {excerpt(c)} (zalo, sms, email).",
                               field="channels")
            out.append(c)
        return out

    @field_validator("consent")
    @classmethod
    def _consent(cls, v: dict[str, bool] | None) -> dict[str, bool] | None:
        for k in v or {}:
            if k not in CHANNELS:
                raise BadInput("consent.invalid", f"Kênh không hợp lệ: {excerpt(k)}.",
                               f"Unknown channel in consent: {excerpt(k)}.", field="consent")
        return v

    @field_validator("parts", mode="before")
    @classmethod
    def _parts(cls, v: Any) -> list[str] | None:
        return None if v is None else [Part.parse(str(p)).value for p in v]

    def columns(self) -> dict:
        """The patient columns these details set (only those given)."""
        vals: dict = {}
        given = self.model_fields_set
        if "email" in given:
            vals["email"] = self.email
        if "language" in given and self.language is not None:
            vals["language"] = self.language
        if "sex" in given:
            vals["sex"] = self.sex
        if self.birth_date is not None:
            vals["birth_date"] = self.birth_date
            vals["birth_year"] = self.birth_date.year
        elif self.birth_year is not None:
            vals["birth_year"] = self.birth_year
        if self.channels is not None:
            vals["preferred_channels"] = ",".join(self.channels)
        if self.consent is not None:
            vals["consent"] = ",".join(f"{k}={int(v)}" for k, v in sorted(self.consent.items()))
        if self.parts is not None:
            vals["preferred_parts"] = ",".join(self.parts)
        return vals


def patient_fields(*, today: date, **given: Any) -> dict:
    """The checked columns of the details given (None values are left out)."""
    data = {k: v for k, v in given.items() if v is not None}
    return PatientFields.model_validate(data, context={"today": today}).columns()
